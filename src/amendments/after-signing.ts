import { randomUUID } from 'node:crypto';
import { workflowOf } from '../../workflows/registry.js';
import { TIMER } from '../database/entities.js';
import type { CaseRow, TimerRow } from '../database/rows.js';
import type { DeadlinePlanner } from '../deadlines/deadline-planner.js';
import type { StepContext, StepEffect } from '../engine/engine.js';
import type { EvaluationSchedule } from '../evaluations/evaluation-schedule.js';

/** The event an applied addendum records on its agreement's chain (contract §10): every changed field, old → new. */
export const AMENDED = 'AMENDED';

/** The stage where a case of `c`'s version is signed: the one whose news is `case_signed` (an addendum's final `signed`, an agreement's in-force stage). */
export function signedStageOf(c: Pick<CaseRow, 'workflowName' | 'workflowVersion'>): string | null {
  const w = workflowOf(c);
  return Object.entries(w.stageMessages).find(([, kind]) => kind === 'case_signed')?.[0] ?? w.inForceStage;
}

/**
 * What a step after signing (contract §10) writes in that same step's transaction:
 * - an addendum reaching `signed`: the `amend` timer on the agreement it amends (caseId = the agreement,
 *   offset = the addendum's case id, due now). The timer row is the outbox: the agreement takes the changes
 *   in a step of its own when the timer runs (AmendmentsService), exactly once, and reconciliation re-queues
 *   it after a crash;
 * - that `AMENDED` step, when it moves `validUntil`: the agreement's pending expiry, expiry reminders and
 *   scheduled evaluations cancelled and planned anew for the new end (evaluations of periods over stay as they were);
 * - a renewal entering its in-force stage: the old agreement's pending expiry reminders cancelled
 *   ("Expiry reminders stop once a renewal is signed"); its expiry itself still comes, on its own date.
 */
export class AfterSigningProjection implements StepEffect {
  constructor(
    private readonly planner: DeadlinePlanner,
    private readonly evaluations: EvaluationSchedule,
  ) {}

  async apply(ctx: StepContext): Promise<TimerRow[]> {
    const c = ctx.caseAfter;
    const timers = ctx.raw<TimerRow>(TIMER);
    const entered = (stage: string | null) => stage !== null && c.stage === stage && ctx.caseBefore !== null && ctx.caseBefore.stage !== stage;
    if (c.kind === 'amendment' && c.parentCaseId && entered(signedStageOf(c))) {
      const timer: TimerRow = {
        id: randomUUID(),
        caseId: c.parentCaseId,
        taskId: null,
        kind: 'amend',
        idx: 0,
        offset: c.id,
        fireAt: ctx.now,
        dueAt: null,
        status: 'pending',
        createdAt: ctx.now,
        settledAt: null,
      };
      ctx.batch.insert(timers, [timer]);
      return [timer];
    }
    if (c.kind === 'renewal' && c.parentCaseId && entered(workflowOf(c).inForceStage)) {
      ctx.batch.update(timers, { status: 'cancelled', settledAt: ctx.now }, { caseId: c.parentCaseId, kind: 'expiry_reminder', status: 'pending' });
      return [];
    }
    const moved = ctx.event.type === AMENDED ? (ctx.event.data.changes as Record<string, { from: unknown; to: unknown }> | undefined)?.validUntil : undefined;
    if (moved && c.stage === workflowOf(c).inForceStage) {
      for (const kind of ['expire', 'expiry_reminder', 'evaluation_due'] as const) {
        ctx.batch.update(timers, { status: 'cancelled', settledAt: ctx.now }, { caseId: c.id, kind, status: 'pending' });
      }
      const term = { ...c, validUntil: moved.to as string };
      const planned = [...this.planner.planAgreementExpiry(term, ctx.now), ...this.evaluations.timersFor(term, ctx.now)];
      ctx.batch.insert(timers, planned);
      return planned;
    }
    return [];
  }
}
