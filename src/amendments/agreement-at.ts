import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsDateOnly } from '../common/validation.js';
import type { CaseEventRow } from '../database/rows.js';
import { agreementStatus } from '../agreements/agreement-status.js';
import type { AgreementDto } from '../agreements/agreement.dto.js';

/** `GET /api/agreements/:id?at=YYYY-MM-DD`: the entry as it stood at the end of that day in the city. */
export class AgreementAtQuery {
  @ApiPropertyOptional({ example: '2026-06-30', description: 'The entry as it stood at the end of this local date: register updates and addenda after it undone' })
  @IsOptional()
  @IsDateOnly()
  at?: string;
}

/** The events whose `changes` (field → {from, to}) changed the entry: PATCH's register updates and applied addenda. */
const CHANGING = ['REGISTER_UPDATED', 'AMENDED'];

/** AgreementDto's fields the recorded changes name (the others, such as a case's summary, are not on the entry). */
const ON_ENTRY = new Set<string>(['number', 'partnerNumber', 'signedAt', 'signedPlace', 'signatories', 'fields', 'opds', 'value', 'validUntil']);

/**
 * The entry `now` as it stood at `cutoff`, folded back from the agreement's own chain: every change recorded
 * after the cutoff (REGISTER_UPDATED, AMENDED) is undone, newest first, each field set back to its `from`;
 * the stage is the one its last event by the cutoff left, the status derived on `date`. Null when the
 * agreement did not yet exist then (its case had not reached the register). Addenda: those applied by
 * then; the renewal: when signed by then.
 */
export function agreementAt(now: AgreementDto, events: Pick<CaseEventRow, 'seq' | 'type' | 'at' | 'data' | 'stageAfter'>[], cutoff: Date, date: string, inRegister: (stage: string) => boolean, renewedAt: Date | null): AgreementDto | null {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const upTo = ordered.filter((e) => e.at.getTime() < cutoff.getTime());
  const last = upTo.at(-1);
  if (!last || !inRegister(last.stageAfter)) return null;
  const dto: AgreementDto = structuredClone(now);
  for (const e of ordered.reverse()) {
    if (e.at.getTime() < cutoff.getTime() || !CHANGING.includes(e.type)) continue;
    const changes = (e.data.changes ?? {}) as Record<string, { from: unknown }>;
    for (const [field, change] of Object.entries(changes)) if (ON_ENTRY.has(field)) Object.assign(dto, { [field]: structuredClone(change.from) });
  }
  dto.status = agreementStatus({ stage: last.stageAfter, validUntil: dto.validUntil }, date);
  // The addenda it had taken by then.
  dto.amendments = dto.amendments.filter((a) => a.appliedAt !== null && new Date(a.appliedAt).getTime() < cutoff.getTime());
  if (!renewedAt || renewedAt.getTime() >= cutoff.getTime()) dto.renewedBy = null;
  // Not yet ended early then: no termination to show.
  if (dto.status !== 'terminated') Object.assign(dto, { terminatedAt: null, terminationGrounds: null });
  return dto;
}
