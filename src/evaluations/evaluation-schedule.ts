/**
 * When an agreement's evaluations fall due (contract §10): one per half-year period (January–June,
 * July–December) of its term that ends before the end-of-term evaluation, opening at 07:00 city time the
 * day after the period ends, and one at the end of the term, `ONEGATE_MONEV.endOfTerm` working days before
 * `validUntil`, covering from the last period's end. Written as `evaluation_due` timers on the agreement's
 * case when it enters its in-force stage (a StepEffect) or is imported in force; a timer's firing opens
 * the evaluation (evaluations.service.ts). An agreement without `validUntil` has no term to divide: none.
 *
 * A timer's `offset` names its period: `<key>/<from>/<to>`, key `YYYY-1` (January–June), `YYYY-2`
 * (July–December) or `end`, dates inclusive and clipped to the term, e.g. `2027-1/2027-01-15/2027-06-30`,
 * `end/2028-01-01/2028-03-31`. `idx` is YYYYH (20271) for a half-year, 0 for the end; `dueAt` = `fireAt`.
 */
import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { workflowOf, type WorkflowDefinition } from '../../workflows/registry.js';
import { zonedInstant } from '../common/time-zone.js';
import { AppConfig, DEFAULT_MONEV } from '../config/app-config.js';
import { TIMER } from '../database/entities.js';
import type { CaseRow, TimerRow } from '../database/rows.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { WorkingCalendar } from '../deadlines/working-calendar.js';
import type { StepContext, StepEffect } from '../engine/engine.js';
import { addDays } from '../agreements/agreement-status.js';

/** Like expiry reminders and SIKERJA's daily check: evaluations open at 07:00 in the city. */
export const EVALUATION_HOUR = 7;
/** The key of the end-of-term evaluation's period. */
export const END_OF_TERM = 'end';

export interface EvaluationPeriod {
  key: string;
  from: string;
  to: string;
}

export interface PlannedEvaluation extends EvaluationPeriod {
  fireAt: Date;
}

export interface ScheduleSettings {
  calendar: WorkingCalendar;
  timeZone: string;
  endOfTerm: string;
}

const at7 = (date: string, timeZone: string): Date => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return zonedInstant(y, m, d, timeZone, EVALUATION_HOUR);
};

/**
 * The evaluations still ahead of a term `validFrom`..`validUntil` (YYYY-MM-DD, inclusive) at `now`. A
 * half-year period counts when it overlaps the term and its evaluation opens before the end-of-term one;
 * periods whose evaluation time has passed are skipped (they are history), but still mark where the
 * end-of-term period begins. The end-of-term evaluation opens no earlier than `now` (a term shorter than
 * `endOfTerm` has it at once), and not at all once `validUntil` is past.
 */
export function planEvaluations(term: { validFrom: string | null; validUntil: string | null }, now: Date, s: ScheduleSettings, today: string): PlannedEvaluation[] {
  if (!term.validUntil || term.validUntil < today) return [];
  const from = term.validFrom && term.validFrom <= term.validUntil ? term.validFrom : today;
  const endFire = s.calendar.subtract(at7(term.validUntil, s.timeZone), s.endOfTerm);
  const planned: PlannedEvaluation[] = [];
  let endFrom = from;
  for (let year = Number(from.slice(0, 4)); year <= Number(term.validUntil.slice(0, 4)); year++) {
    for (const half of [1, 2] as const) {
      const start = `${year}-${half === 1 ? '01-01' : '07-01'}`;
      const end = `${year}-${half === 1 ? '06-30' : '12-31'}`;
      if (end < from || start > term.validUntil) continue;
      const fireAt = at7(addDays(end, 1), s.timeZone);
      if (fireAt.getTime() >= endFire.getTime()) continue;
      endFrom = addDays(end, 1);
      if (fireAt.getTime() <= now.getTime()) continue;
      planned.push({ key: `${year}-${half}`, from: start < from ? from : start, to: end > term.validUntil ? term.validUntil : end, fireAt });
    }
  }
  planned.push({ key: END_OF_TERM, from: endFrom > term.validUntil ? term.validUntil : endFrom, to: term.validUntil, fireAt: new Date(Math.max(endFire.getTime(), now.getTime())) });
  return planned;
}

export function offsetOf(p: EvaluationPeriod): string {
  return `${p.key}/${p.from}/${p.to}`;
}

/** The period an `evaluation_due` timer's offset names. */
export function periodOfOffset(offset: string): EvaluationPeriod {
  const [key, from, to] = offset.split('/') as [string, string, string];
  return { key, from, to };
}

export function idxOf(key: string): number {
  return key === END_OF_TERM ? 0 : Number(key.replace('-', ''));
}

/** The agreement's evaluation timers (its case's), from its term and the configured end of term. */
export class EvaluationSchedule implements StepEffect {
  constructor(private readonly settings: ScheduleSettings) {}

  /** An agreement entering its in-force stage gets its evaluations scheduled, in the signing's transaction. */
  async apply(ctx: StepContext): Promise<TimerRow[]> {
    const workflow: WorkflowDefinition = workflowOf(ctx.caseAfter);
    if (!workflow.inForceStage || ctx.caseAfter.stage !== workflow.inForceStage || ctx.caseBefore?.stage === workflow.inForceStage) return [];
    const timers = this.timersFor(ctx.caseAfter, ctx.now);
    ctx.batch.insert(ctx.raw<TimerRow>(TIMER), timers);
    return timers;
  }

  /** The `evaluation_due` timers of an agreement in force at `now` (a signing, an import). */
  timersFor(c: Pick<CaseRow, 'id' | 'validFrom' | 'validUntil'>, now: Date): TimerRow[] {
    const today = this.settings.calendar.localDate(now);
    return planEvaluations(c, now, this.settings, today).map((p) => ({
      id: randomUUID(),
      caseId: c.id,
      taskId: null,
      kind: 'evaluation_due',
      idx: idxOf(p.key),
      offset: offsetOf(p),
      fireAt: p.fireAt,
      dueAt: p.fireAt,
      status: 'pending',
      createdAt: now,
      settledAt: null,
    }));
  }
}

/** The schedule, for the engine's effects and the import: needs the working calendar, not the engine. */
@Module({
  imports: [DeadlinePlanningModule],
  providers: [
    {
      provide: EvaluationSchedule,
      inject: [AppConfig, WorkingCalendar],
      useFactory: (config: AppConfig, calendar: WorkingCalendar) => new EvaluationSchedule({ calendar, timeZone: config.timezone, endOfTerm: (config.monev ?? DEFAULT_MONEV).endOfTerm }),
    },
  ],
  exports: [EvaluationSchedule],
})
export class EvaluationScheduleModule {}
