import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { label } from '../i18n/labels.js';
import { REVISION_TASK } from '../tasks/revision-task.js';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsDefined,
  IsObject,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AmendmentChangesDto } from '../amendments/amendment.dto.js';
import { AgreementValueDto } from '../agreements/agreement.dto.js';
import { INSTRUMENTS, PARTNER_CATEGORIES, TERMINATION_GROUNDS, type Instrument, type PartnerCategory, type TerminationGround } from '../../workflows/domain.js';
import { KNOWN, taskStageRule } from '../../workflows/registry.js';
import { HasVisibleText, IsDateOnly, MAX_INT } from '../common/validation.js';
import type { AgreementValue, CaseRow, PartnerContact, TaskRow } from '../database/rows.js';
import type { WorkingCalendar } from '../deadlines/working-calendar.js';
import { PageQuery } from '../common/page-query.js';

/** The partner's person to talk to about the proposal. */
export class PartnerContactDto {
  @ApiProperty({ example: 'Ir. Budi Santoso' })
  @IsString()
  @HasVisibleText()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'budi.santoso@muarojambikab.go.id' })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email: string;

  @ApiPropertyOptional({ example: '+62 812 7400 1234' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9][0-9 ().-]{5,24}$/, { message: 'phone must be a telephone number (digits, spaces, + ( ) - .)' })
  phone?: string;
}

/** The initiatives a case created by a user may have; `partner` is an offer's, started through CasesService.startOffer. */
export const CREATE_INITIATIVES = ['opd', 'city'] as const;
export type CreateInitiative = (typeof CREATE_INITIATIVES)[number];

export class PartnerDto {
  @ApiProperty({ example: 'Kabupaten Muaro Jambi' })
  @IsString()
  @IsNotEmpty()
  @HasVisibleText()
  @MaxLength(300)
  name: string;

  @ApiProperty({ enum: PARTNER_CATEGORIES })
  @IsIn(PARTNER_CATEGORIES)
  category: PartnerCategory;

  @ApiPropertyOptional({ description: 'Required for foreign partners', example: 'China' })
  @IsOptional()
  @IsString()
  @Length(2, 100)
  country?: string;

  @ApiPropertyOptional({ type: PartnerContactDto, description: "The partner's contact person" })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PartnerContactDto)
  contact?: PartnerContactDto;
}

export class CreateCaseDto {
  @ApiProperty({ example: 'Kesepakatan Bersama pengelolaan sampah regional', description: 'Not blank: spaces, NBSP and zero-width characters alone are refused' })
  @IsString()
  @IsNotEmpty()
  @HasVisibleText()
  @MaxLength(300)
  title: string;

  @ApiProperty({ enum: INSTRUMENTS, description: 'Not sent with `amends`: an addendum takes its agreement’s' })
  @ValidateIf((o: CreateCaseDto) => o.amends === undefined || o.instrument !== undefined)
  @IsIn(INSTRUMENTS)
  instrument: Instrument;

  @ApiProperty({ type: PartnerDto, description: 'Not sent with `amends`: an addendum takes its agreement’s' })
  @ValidateIf((o: CreateCaseDto) => o.amends === undefined || o.partner !== undefined)
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PartnerDto)
  partner: PartnerDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  summary?: string;

  @ApiPropertyOptional({ description: 'Burdens the public or the region, or is not in the current APBD', default: false })
  @IsOptional()
  @IsBoolean()
  requiresDprdApproval?: boolean;

  @ApiPropertyOptional({ description: 'The KB this PKS implements, or the agreement this one renews' })
  @IsOptional()
  @IsUUID()
  parentCaseId?: string;

  @ApiPropertyOptional({ example: '2027-01-01' })
  @IsOptional()
  @IsDateOnly()
  validFrom?: string;

  @ApiPropertyOptional({ example: '2031-12-31' })
  @IsOptional()
  @IsDateOnly()
  validUntil?: string;

  @ApiPropertyOptional({ description: 'Government affairs (urusan) the agreement serves, as the register takes them (PATCH /api/agreements)', example: ['kesehatan'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @HasVisibleText({ each: true })
  @MaxLength(100, { each: true })
  fields?: string[];

  @ApiPropertyOptional({ description: "The city's agencies (OPD) that will carry it out", example: ['Dinas Kesehatan'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @HasVisibleText({ each: true })
  @MaxLength(200, { each: true })
  opds?: string[];

  @ApiPropertyOptional({ type: AgreementValueDto, description: 'What the agreement is worth and who pays' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AgreementValueDto)
  value?: AgreementValueDto;

  @ApiPropertyOptional({ description: 'An addendum (contract §10): the id of the agreement in force it amends; then `changes` is required and partner/instrument are not sent' })
  @IsOptional()
  @IsUUID()
  amends?: string;

  @ApiPropertyOptional({ type: AmendmentChangesDto, description: 'With `amends`: the agreement’s fields the addendum changes, each to its new value' })
  @ValidateIf((o: CreateCaseDto) => o.amends !== undefined || o.changes !== undefined)
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AmendmentChangesDto)
  changes?: AmendmentChangesDto;

  @ApiPropertyOptional({ description: 'With `amends`: the addendum changes the scope, so Tim Teknis and TKKSD review it too', default: false })
  @IsOptional()
  @IsBoolean()
  scopeChanged?: boolean;

  @ApiPropertyOptional({
    enum: CREATE_INITIATIVES,
    default: 'opd',
    description: "Who begins the cooperation (contract §11): `opd` an OPD's proposal; `city` the city's offer (penawaran), which awaits the partner's answer after TKKSD. A partner's own offer comes through /public/offers.",
  })
  @IsOptional()
  @IsIn(CREATE_INITIATIVES, { message: `initiative must be one of ${CREATE_INITIATIVES.join(', ')} (a partner's offer comes through /public/offers)` })
  initiative?: CreateInitiative;
}

export class CaseEventDto {
  @ApiProperty({ enum: KNOWN.caseEventTypes })
  @IsIn(KNOWN.caseEventTypes)
  type: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string;

  @ApiPropertyOptional({ description: 'Refuse with 409 unless the case is at this version' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  expectedVersion?: number;

  @ApiPropertyOptional({ enum: TERMINATION_GROUNDS, description: 'TERMINATE only, and required there: why the agreement ends early (contract §10)' })
  @ValidateIf((o: CaseEventDto) => o.type === 'TERMINATE')
  @IsIn(TERMINATION_GROUNDS, { message: `grounds is required for TERMINATE: one of ${TERMINATION_GROUNDS.join(', ')}` })
  grounds?: TerminationGround;
}

export class ListCasesQuery extends PageQuery {
  @IsOptional()
  @IsIn(KNOWN.stages)
  stage?: string;

  @IsOptional()
  @IsIn(INSTRUMENTS)
  instrument?: string;

  @IsOptional()
  @IsIn(PARTNER_CATEGORIES)
  category?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export interface TaskDto {
  id: string;
  caseId: string;
  key: string;
  stage: string;
  title: string;
  role: string;
  assigneeId: string | null;
  status: string;
  decisions: string[];
  decision: string | null;
  comment: string | null;
  completedBy: string | null;
  createdAt: string;
  completedAt: string | null;
  dueAt: string | null;
  case?: { number: string; title: string; stage: string };
  /** Open tasks in the inbox and on the case: working days until due (negative: overdue by that many). */
  workingDaysLeft?: number | null;
  /** Open tasks in the inbox and on the case: working days since the task arrived (0 on its first day). */
  waitingWorkingDays?: number | null;
  /** The inbox: `offers` for a partner's offer waiting at intake, listed after the other work (contract §11). */
  group?: 'offers';
}

export interface CaseDto {
  id: string;
  number: string;
  title: string;
  instrument: string;
  partner: { name: string; category: string; country: string | null; contact: PartnerContact | null };
  summary: string | null;
  /** The proposal's urusan, OPDs and value: what the register entry is filled from at signing. */
  fields: string[];
  opds: string[];
  value: AgreementValue | null;
  requiresDprdApproval: boolean;
  parentCaseId: string | null;
  /** `cooperation`, or `amendment`, `renewal`, `evaluation` of the agreement `parentCaseId` (contract §10). */
  kind: string;
  validFrom: string | null;
  validUntil: string | null;
  stage: string;
  version: number;
  workflow: { name: string; version: number };
  /** Who began it (contract §11): `opd`, `partner` (an offer through /public/offers) or `city`; `opd` on versions before 3. */
  initiative: string;
  proposerId: string;
  openTasks: TaskDto[];
  signedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `c` adds the case's number, title and stage to the task; `on` is the case's workflow version, when known. */
export function toTaskDto(
  t: TaskRow,
  c?: Pick<CaseRow, 'number' | 'title' | 'stage'> & Partial<Pick<CaseRow, 'workflowName' | 'workflowVersion'>>,
  on: Partial<Pick<CaseRow, 'workflowName' | 'workflowVersion'>> | undefined = c,
): TaskDto {
  const rule = taskStageRule(t.stage, on);
  return {
    id: t.id,
    caseId: t.caseId,
    key: t.key,
    stage: t.stage,
    title: rule?.title.en ?? label('en', 'stage', t.stage),
    role: t.role,
    assigneeId: t.assigneeId,
    status: t.status,
    decisions: t.stage === REVISION_TASK.stage ? [...REVISION_TASK.decisions] : [...(rule?.decisions ?? [])],
    decision: t.decision,
    comment: t.comment,
    completedBy: t.completedBy,
    createdAt: t.createdAt.toISOString(),
    completedAt: t.completedAt?.toISOString() ?? null,
    dueAt: t.dueAt?.toISOString() ?? null,
    ...(c ? { case: { number: c.number, title: c.title, stage: c.stage } } : {}),
  };
}

/**
 * How an open task stands in working days at `now` (Indonesian holidays count, so the server works it
 * out): days left until due and days waited since it arrived; null for a closed task.
 */
export function taskWorkingDays(t: TaskRow, calendar: WorkingCalendar, now: Date): Pick<TaskDto, 'workingDaysLeft' | 'waitingWorkingDays'> {
  if (t.status !== 'open') return { workingDaysLeft: null, waitingWorkingDays: null };
  return {
    workingDaysLeft: t.dueAt ? calendar.workingDaysBetween(now, t.dueAt) : null,
    waitingWorkingDays: Math.max(0, calendar.workingDaysBetween(t.createdAt, now)),
  };
}

export function toCaseDto(c: CaseRow, openTasks: TaskRow[]): CaseDto {
  return {
    id: c.id,
    number: c.number,
    title: c.title,
    instrument: c.instrument,
    partner: { name: c.partnerName, category: c.partnerCategory, country: c.partnerCountry, contact: c.proposal?.contact ?? null },
    summary: c.summary,
    fields: c.proposal?.fields ?? [],
    opds: c.proposal?.opds ?? [],
    value: c.proposal?.value ?? null,
    requiresDprdApproval: c.requiresDprdApproval,
    parentCaseId: c.parentCaseId,
    kind: c.kind,
    validFrom: c.validFrom,
    validUntil: c.validUntil,
    stage: c.stage,
    version: c.version,
    workflow: { name: c.workflowName, version: c.workflowVersion },
    initiative: initiativeOf(c),
    proposerId: c.proposerId,
    openTasks: openTasks.filter((t) => t.status === 'open').map((t) => toTaskDto(t, undefined, c)),
    signedAt: c.signedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Who began the case, as its machine holds it (cooperation@3 keeps `initiative` in context); an OPD's proposal otherwise. */
export function initiativeOf(c: Pick<CaseRow, 'snapshot'>): string {
  const initiative = (c.snapshot?.context as { initiative?: unknown } | undefined)?.initiative;
  return typeof initiative === 'string' ? initiative : 'opd';
}
