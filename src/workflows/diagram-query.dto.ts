import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { LOCALES } from '../i18n/labels.js';

/** Query of `GET /api/workflows/:name/:version/diagram`: what to highlight, in which language. */
export class DiagramQuery {
  @ApiPropertyOptional({ description: "A case on this workflow version: its stage is highlighted and, for those who may read its history, the path it took" })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  caseId?: string;

  @ApiPropertyOptional({ description: 'A stage to highlight when no caseId is given (the replay view)' })
  @IsOptional()
  @Matches(/^[a-z][a-z_]{0,63}$/)
  stage?: string;

  @ApiPropertyOptional({ enum: LOCALES, description: 'Language of the words; else the Accept-Language header; Indonesian by default' })
  @IsOptional()
  @IsIn(LOCALES)
  lang?: string;
}
