import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { HasVisibleText } from '../common/validation.js';

/** `POST /api/agreements/:id/renew`: all optional; the rest is prefilled from the agreement. */
export class RenewAgreementDto {
  @ApiPropertyOptional({ description: 'The renewal’s title; the agreement’s when absent' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @HasVisibleText()
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional({ example: '2027-01-01' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Length(10, 10, { message: 'validFrom must be a date YYYY-MM-DD' })
  validFrom?: string;

  @ApiPropertyOptional({ example: '2031-12-31' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Length(10, 10, { message: 'validUntil must be a date YYYY-MM-DD' })
  validUntil?: string;
}
