import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_INT } from '../common/validation.js';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `POST /api/workflows/:name/migrate` (contract §11). */
export class MigrateDto {
  @ApiProperty({ description: 'The version the cases run on now', example: 2 })
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  from: number;

  @ApiProperty({ description: 'The newer version to move them to', example: 3 })
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  to: number;

  @ApiPropertyOptional({ description: 'Only these cases (ids); every case on `from` when absent', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @MaxLength(36, { each: true })
  caseIds?: string[];

  @ApiPropertyOptional({ description: 'Report what would move, and write nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
