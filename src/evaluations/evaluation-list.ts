/**
 * An agreement's evaluations as `GET /api/agreements/:id/evaluations` and the agreement's `evaluations`
 * show them (contract §10): the scheduled ones from its pending `evaluation_due` timers, the others from
 * its cases of kind `evaluation`, oldest period first. Reads only.
 */
import type { EntityManager } from 'typeorm';
import { CASE, TASK, TIMER } from '../database/entities.js';
import type { CaseRow, TaskRow, TimerRow } from '../database/rows.js';
import { evaluationOutcome } from './evaluation-outcome.js';
import { periodOfOffset } from './evaluation-schedule.js';

export type EvaluationStatus = 'scheduled' | 'open' | 'done' | 'cancelled';

export interface EvaluationDto {
  /** The evaluation's case id; for a scheduled one, its timer's id. */
  id: string;
  /** EV-2027-0001; null while scheduled. */
  number: string | null;
  period: { from: string; to: string };
  /** Scheduled: when it opens; open: its open task's due time; otherwise when it was opened. */
  dueAt: string;
  status: EvaluationStatus;
  /** The case's stage; null while scheduled. */
  stage: string | null;
  report: { progress: number; outputs: string; problems?: string } | null;
  rating: number | null;
  recommendation: string | null;
  concludedAt: string | null;
}

export interface EvaluationListDto {
  items: EvaluationDto[];
  total: number;
}

export async function loadEvaluations(em: EntityManager, agreementId: string): Promise<EvaluationDto[]> {
  const timers = await em.find<TimerRow>(TIMER, { where: { caseId: agreementId, kind: 'evaluation_due', status: 'pending' } });
  const cases = await em.find<CaseRow>(CASE, { where: { parentCaseId: agreementId, kind: 'evaluation' } });
  const open = cases.length ? await em.createQueryBuilder<TaskRow>(TASK, 't').where('t.case_id IN (:...ids)', { ids: cases.map((c) => c.id) }).andWhere(`t.status = 'open'`).getMany() : [];
  const items: EvaluationDto[] = [
    ...timers.map((t): EvaluationDto => {
      const { from, to } = periodOfOffset(t.offset);
      return { id: t.id, number: null, period: { from, to }, dueAt: t.fireAt.toISOString(), status: 'scheduled', stage: null, report: null, rating: null, recommendation: null, concludedAt: null };
    }),
    ...cases.map((c) => toEvaluationDto(c, open.find((t) => t.caseId === c.id) ?? null)),
  ];
  return items.sort((a, b) => a.period.from.localeCompare(b.period.from) || a.period.to.localeCompare(b.period.to) || a.dueAt.localeCompare(b.dueAt));
}

export function toEvaluationDto(c: CaseRow, openTask: TaskRow | null): EvaluationDto {
  const ctx = c.snapshot.context as { period?: { from: string; to: string }; report?: EvaluationDto['report']; rating?: number | null; recommendation?: string | null };
  const status: EvaluationStatus = evaluationOutcome(c);
  return {
    id: c.id,
    number: c.number,
    period: { from: ctx.period?.from ?? '', to: ctx.period?.to ?? '' },
    dueAt: (openTask?.dueAt ?? c.createdAt).toISOString(),
    status,
    stage: c.stage,
    report: ctx.report ?? null,
    rating: ctx.rating ?? null,
    recommendation: ctx.recommendation ?? null,
    // Concluding is the case's last step: its last change.
    concludedAt: status === 'done' ? c.updatedAt.toISOString() : null,
  };
}
