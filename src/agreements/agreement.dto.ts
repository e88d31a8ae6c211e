import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { INSTRUMENTS, PARTNER_CATEGORIES, TERMINATION_GROUNDS, type TerminationGround } from '../../workflows/domain.js';
import { HasVisibleText, IsDateOnly, MAX_INT } from '../common/validation.js';
import type { AgreementRow, AgreementValue, CaseRow, Signatory } from '../database/rows.js';
import { agreementStatus, STATUS_FILTERS, type AgreementStatus } from './agreement-status.js';
import { PageQuery } from '../common/page-query.js';
import type { AmendmentSummaryDto } from '../amendments/amendment.dto.js';

/** Present, not null: for the fields PATCH may change but never clear. */
const NotNull = () => ValidateIf((_o: unknown, v: unknown) => v !== undefined);

export class SignatoryDto {
  @ApiProperty({ enum: ['city', 'partner'] })
  @IsIn(['city', 'partner'])
  party: 'city' | 'partner';

  @ApiProperty({ example: 'Dr. H. Syarif Fasha, M.E.' })
  @IsString()
  @HasVisibleText()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'Wali Kota Jambi' })
  @IsString()
  @HasVisibleText()
  @MaxLength(200)
  position: string;
}

export class AgreementValueDto {
  @ApiProperty({ example: 250000000, description: 'In whole units of the currency, not negative' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1e15)
  amount: number;

  @ApiProperty({ example: 'IDR', description: 'ISO 4217 code' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as IDR' })
  currency: string;

  @ApiPropertyOptional({ example: 'APBD Kota Jambi 2026', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source?: string | null;
}

/** `PATCH /api/agreements/:id`: any of these; a field left out stays as it is, `null` clears a field that may be empty. */
export class UpdateAgreementDto {
  @ApiPropertyOptional({ description: "The city's own number of the agreement (until recorded, the case number)", example: '180/112/KS/2026' })
  @NotNull()
  @IsString()
  @HasVisibleText()
  @MaxLength(100)
  number?: string;

  @ApiPropertyOptional({ description: "The partner's number of the same agreement", nullable: true, example: 'PKS/017/BPJS/2026' })
  @IsOptional()
  @IsString()
  @HasVisibleText()
  @MaxLength(200)
  partnerNumber?: string | null;

  @ApiPropertyOptional({ description: 'The date it was signed, YYYY-MM-DD', nullable: true, example: '2026-03-12' })
  @IsOptional()
  @IsDateOnly()
  signedAt?: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'Jambi' })
  @IsOptional()
  @IsString()
  @HasVisibleText()
  @MaxLength(200)
  signedPlace?: string | null;

  @ApiPropertyOptional({ type: [SignatoryDto] })
  @NotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SignatoryDto)
  signatories?: SignatoryDto[];

  @ApiPropertyOptional({ description: 'Government affairs (urusan)', example: ['kesehatan'] })
  @NotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @HasVisibleText({ each: true })
  @MaxLength(100, { each: true })
  fields?: string[];

  @ApiPropertyOptional({ description: "The city's agencies carrying it out", example: ['Dinas Kesehatan'] })
  @NotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @HasVisibleText({ each: true })
  @MaxLength(200, { each: true })
  opds?: string[];

  @ApiPropertyOptional({ type: AgreementValueDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AgreementValueDto)
  value?: AgreementValueDto | null;

  @ApiPropertyOptional({ description: "Refuse with 409 unless the agreement's case is at this version" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  expectedVersion?: number;
}

/** The fields PATCH changes (all but `expectedVersion`). */
export const REGISTER_FIELDS = ['number', 'partnerNumber', 'signedAt', 'signedPlace', 'signatories', 'fields', 'opds', 'value'] as const;
export type RegisterField = (typeof REGISTER_FIELDS)[number];

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** The register's filters and page, as the public registry takes them; the staff list adds `incomplete`. */
export class PublicAgreementsQuery extends PageQuery {
  @IsOptional()
  @IsIn(STATUS_FILTERS)
  status?: (typeof STATUS_FILTERS)[number];

  @IsOptional()
  @IsIn(INSTRUMENTS)
  instrument?: string;

  @IsOptional()
  @IsIn(PARTNER_CATEGORIES)
  category?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1900)
  @Max(2100)
  year?: number;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  field?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  opd?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class ListAgreementsQuery extends PublicAgreementsQuery {
  /** Only entries lacking what a register needs, each with its `missing` list. */
  @IsOptional()
  @Transform(toBool)
  @IsIn([true, false], { message: 'incomplete must be true or false' })
  incomplete?: boolean;
}

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;

export class ExportAgreementsQuery extends ListAgreementsQuery {
  @IsIn(EXPORT_FORMATS)
  format: (typeof EXPORT_FORMATS)[number];
}

export interface AgreementDto {
  id: string;
  number: string;
  partnerNumber: string | null;
  title: string;
  instrument: string;
  partner: { name: string; category: string; country: string | null };
  status: AgreementStatus;
  /** The version of the agreement's case: send it as PATCH's `expectedVersion` so an edit made meanwhile is not overwritten. */
  version: number;
  signedAt: string | null;
  signedPlace: string | null;
  signatories: Signatory[];
  validFrom: string | null;
  validUntil: string | null;
  fields: string[];
  opds: string[];
  value: AgreementValue | null;
  source: 'workflow' | 'imported';
  parentId: string | null;
  /** Addenda (contract §10), in the order they were opened; filled on `GET /api/agreements/:id`, empty in lists. */
  amendments: AmendmentSummaryDto[];
  /** The signed renewal that took its place (contract §10); filled on `GET /api/agreements/:id`, null in lists. */
  renewedBy: string | null;
  /** Monitoring and evaluation (issue 18): none yet. */
  evaluations: unknown[];
  /** The city's date it was ended early (its TERMINATE event); null while it is not, and for one imported already terminated. */
  terminatedAt: string | null;
  /** Why it was ended early (contract §10), as recorded with TERMINATE; null when not recorded. */
  terminationGrounds: TerminationGround | null;
}

/** An agreement's early end, read from its case's TERMINATE event: the city's date and the grounds it recorded (none before §10's grounds). */
export interface Termination {
  terminatedAt: string;
  grounds: TerminationGround | null;
}

/** What the public registry shows of an agreement (contract §9): never values, signatories, documents, users or comments. */
export interface PublicAgreementDto {
  number: string;
  title: string;
  instrument: string;
  partner: { name: string; category: string; country: string | null };
  signedAt: string | null;
  validFrom: string | null;
  validUntil: string | null;
  fields: string[];
  opds: string[];
  status: AgreementStatus;
  /**
   * When it was ended early: a public fact, as its status is. Its grounds are not public (an allegation
   * of breach, a national-interest decision): contract §9's public fields list no grounds, nor comments.
   */
  terminatedAt: string | null;
}

/** What a register entry lacks for the secretariat to complete (`GET /api/agreements?incomplete=true`). */
export const REQUIRED_FOR_REGISTER = ['partnerNumber', 'signedAt', 'signedPlace', 'signatories', 'validFrom', 'validUntil', 'fields', 'opds'] as const;

export function missingOf(a: AgreementRow, c: CaseRow): string[] {
  const has = (party: Signatory['party']) => a.signatories.some((s) => s.party === party);
  const lacking: Record<(typeof REQUIRED_FOR_REGISTER)[number], boolean> = {
    partnerNumber: a.partnerNumber === null,
    signedAt: a.signedAt === null,
    signedPlace: a.signedPlace === null,
    signatories: !has('city') || !has('partner'),
    validFrom: c.validFrom === null,
    validUntil: c.validUntil === null,
    fields: a.fields.length === 0,
    opds: a.opds.length === 0,
  };
  return REQUIRED_FOR_REGISTER.filter((k) => lacking[k]);
}

/** The grounds a TERMINATE event recorded, if they are §10's (events from before grounds have none). */
export function groundsOf(data: Record<string, unknown>): TerminationGround | null {
  const g = data.grounds;
  return typeof g === 'string' && (TERMINATION_GROUNDS as readonly string[]).includes(g) ? (g as TerminationGround) : null;
}

export function toAgreementDto(a: AgreementRow, c: CaseRow, today: string, termination: Termination | null = null): AgreementDto {
  return {
    id: a.id,
    number: a.number,
    partnerNumber: a.partnerNumber,
    title: c.title,
    instrument: c.instrument,
    partner: { name: c.partnerName, category: c.partnerCategory, country: c.partnerCountry },
    status: agreementStatus(c, today),
    version: c.version,
    signedAt: a.signedAt,
    signedPlace: a.signedPlace,
    signatories: a.signatories.map((s) => ({ party: s.party, name: s.name, position: s.position })),
    validFrom: c.validFrom,
    validUntil: c.validUntil,
    fields: [...a.fields],
    opds: [...a.opds],
    value: a.value ? { amount: a.value.amount, currency: a.value.currency, source: a.value.source ?? null } : null,
    source: a.source,
    parentId: c.parentCaseId,
    amendments: [],
    renewedBy: null,
    evaluations: [],
    terminatedAt: termination?.terminatedAt ?? null,
    terminationGrounds: termination?.grounds ?? null,
  };
}

/** Built field by field from the full entry, so nothing else of it can slip through. */
export function toPublicAgreementDto(a: AgreementDto): PublicAgreementDto {
  return {
    number: a.number,
    title: a.title,
    instrument: a.instrument,
    partner: { name: a.partner.name, category: a.partner.category, country: a.partner.country },
    signedAt: a.signedAt,
    validFrom: a.validFrom,
    validUntil: a.validUntil,
    fields: [...a.fields],
    opds: [...a.opds],
    status: a.status,
    terminatedAt: a.terminatedAt,
  };
}
