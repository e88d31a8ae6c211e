import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { AgreementValueDto } from '../agreements/agreement.dto.js';
import { HasVisibleText, IsDateOnly } from '../common/validation.js';

/** What an addendum changes (contract §10, `POST /api/cases {amends, changes}`): each given field's new value. */
export class AmendmentChangesDto {
  @ApiPropertyOptional({ example: '2029-12-31', description: 'The new end of the term; after the agreement’s validFrom' })
  @IsOptional()
  @IsDateOnly()
  validUntil?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @HasVisibleText()
  @MaxLength(10000)
  summary?: string;

  @ApiPropertyOptional({ type: AgreementValueDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AgreementValueDto)
  value?: AgreementValueDto;

  @ApiPropertyOptional({ example: ['kesehatan'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @HasVisibleText({ each: true })
  @MaxLength(100, { each: true })
  fields?: string[];

  @ApiPropertyOptional({ example: ['Dinas Kesehatan'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @HasVisibleText({ each: true })
  @MaxLength(200, { each: true })
  opds?: string[];
}

/** The fields an addendum may change, in the order the register shows them. */
export const AMENDABLE_FIELDS = ['validUntil', 'summary', 'value', 'fields', 'opds'] as const;
export type AmendableField = (typeof AMENDABLE_FIELDS)[number];

/** One addendum of an agreement, as `GET /api/agreements/:id` lists it. */
export interface AmendmentSummaryDto {
  id: string;
  number: string;
  title: string;
  stage: string;
  /** When the mayor signed the addendum (ISO instant), or null while it runs. */
  signedAt: string | null;
  /** When the agreement took its changes (the AMENDED event), or null until then. */
  appliedAt: string | null;
  /** Once applied: every field that changed, old → new; before: null (the requested changes are on the addendum's case). */
  changes: Record<string, { from: unknown; to: unknown }> | null;
}
