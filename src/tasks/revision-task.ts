import { randomUUID } from 'node:crypto';
import { TASK } from '../database/entities.js';
import type { TaskRow, TimerRow } from '../database/rows.js';
import type { StepContext, StepEffect } from '../engine/engine.js';

/** The proposer's task while a case waits in `revision` (contract §8): its one decision is `resubmit`. */
export const REVISION_TASK = { stage: 'revision', role: 'proposer', decisions: ['resubmit'] as const } as const;

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
      ctx.openTask({
        id: randomUUID(),
        caseId: ctx.caseAfter.id,
        key: `r${ctx.event.seq}`,
        stage: REVISION_TASK.stage,
        role: REVISION_TASK.role,
        assigneeId: ctx.caseAfter.proposerId,
        status: 'open',
        decision: null,
        comment: null,
        completedBy: null,
        createdAt: ctx.now,
        completedAt: null,
        dueAt: null,
      });
    } else if (before === REVISION_TASK.stage && after !== REVISION_TASK.stage) {
      const open = await ctx.raw<TaskRow>(TASK).select(ctx.em, { caseId: ctx.caseAfter.id, stage: REVISION_TASK.stage, status: 'open' });
      const comment = typeof ctx.event.data.comment === 'string' ? ctx.event.data.comment : null;
      for (const task of open) {
        ctx.closeTask(
          task,
          ctx.event.type === 'RESUBMIT'
            ? { status: 'completed', decision: 'resubmit', comment, completedBy: ctx.event.actorId, completedAt: ctx.now }
            : { status: 'cancelled', completedAt: ctx.now },
        );
      }
    }
    return [];
  }
}
