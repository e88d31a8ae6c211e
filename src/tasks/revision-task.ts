import { TASK } from '../database/entities.js';
import type { TaskRow, TimerRow } from '../database/rows.js';
import { newTaskRow, type StepContext, type StepEffect } from '../engine/engine.js';

/** The proposer's task while a case waits in `revision` (contract §8): its one decision is `resubmit`. */
export const REVISION_TASK = { stage: 'revision', role: 'proposer', decisions: ['resubmit'] as const } as const;

/** The proposer's revision task a step opens when it returns the case (its key names the event: `r<seq>`). */
export function revisionTaskRow(caseId: string, proposerId: string, seq: number, now: Date): TaskRow {
  return newTaskRow(caseId, { key: `r${seq}`, stage: REVISION_TASK.stage, role: REVISION_TASK.role, assignee: proposerId }, now);
}

/** How the revision task closes when the case leaves revision: resubmitted (RESUBMIT) or cancelled (a withdrawal). */
export function revisionClosing(eventType: string, actorId: string, comment: string | null, now: Date): Partial<TaskRow> {
  return eventType === 'RESUBMIT'
    ? { status: 'completed', decision: 'resubmit', comment, completedBy: actorId, completedAt: now }
    : { status: 'cancelled', completedAt: now };
}

/**
 * Opens the proposer's revision task when a case is returned, and closes it when the case leaves
 * revision: completed (`resubmit`) by a RESUBMIT, cancelled by a withdrawal. The machine knows the
 * stage, not this task: it is a projection of the stage, so sealed workflow versions stay as they ran
 * and replay is untouched; completing it sends the machine the ordinary RESUBMIT event.
 */
export class RevisionTaskProjection implements StepEffect {
  async apply(ctx: StepContext): Promise<TimerRow[]> {
    const before = ctx.caseBefore?.stage ?? null;
    const after = ctx.caseAfter.stage;
    if (after === REVISION_TASK.stage && before !== REVISION_TASK.stage) {
      ctx.openTask(revisionTaskRow(ctx.caseAfter.id, ctx.caseAfter.proposerId, ctx.event.seq, ctx.now));
    } else if (before === REVISION_TASK.stage && after !== REVISION_TASK.stage) {
      const open = await ctx.raw<TaskRow>(TASK).select(ctx.em, { caseId: ctx.caseAfter.id, stage: REVISION_TASK.stage, status: 'open' });
      const comment = typeof ctx.event.data.comment === 'string' ? ctx.event.data.comment : null;
      for (const task of open) ctx.closeTask(task, revisionClosing(ctx.event.type, ctx.event.actorId, comment, ctx.now));
    }
    return [];
  }
}
