import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { HasVisibleText, IsDateOnly } from '../common/validation.js';

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
  @IsDateOnly()
  validFrom?: string;

  @ApiPropertyOptional({ example: '2031-12-31' })
  @IsOptional()
  @IsDateOnly()
  validUntil?: string;
}
