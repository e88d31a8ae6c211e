import { randomUUID } from 'node:crypto';
import { workflowOf } from '../../workflows/registry.js';
import type { TaskRow, TimerRow } from '../database/rows.js';
import { TIMER } from '../database/entities.js';
import type { StepContext, StepEffect } from '../engine/engine.js';
import type { MessageKind } from './templates.js';

/**
 * The messages a step asks for (contract §8), written in the step's own transaction as `notify`
 * timers due at once: a task assigned or delegated to someone else, a case returned for revision,
 * rejected or signed. They are then fired like any deadline, so the same rules hold for them: the
 * database row is the truth, a crash loses none, and messages due to one person for one case at one
 * moment are one mail. Steps recorded as history (a clock set back, as `onegate demo` does) ask for none.
 */
export class MessagePlanner implements StepEffect {
  async apply(ctx: StepContext): Promise<TimerRow[]> {
    const timers: TimerRow[] = [];
    if (ctx.history) return timers; // history loaded now (demo) is nobody's news; its deadlines still catch up once
    const notify = (kind: MessageKind, task: TaskRow | undefined) =>
      timers.push({
        id: randomUUID(),
        caseId: ctx.caseAfter.id,
        taskId: task?.id ?? null,
        kind: 'notify',
        idx: 0,
        offset: kind,
        fireAt: ctx.now,
        dueAt: null,
        status: 'pending',
        createdAt: ctx.now,
        settledAt: null,
      });
    // Opened or changed hands in this step, held by someone who did not just take it themselves. An
    // evaluation's first task, as the evaluation opens, is the news that it fell due (contract §8 evaluation_due).
    const assigned: MessageKind = ctx.caseBefore === null && ctx.caseAfter.kind === 'evaluation' ? 'evaluation_due' : 'task_assigned';
    for (const task of ctx.tasks) {
      if (task.status === 'open' && task.assigneeId && task.assigneeId !== ctx.event.actorId && task.stage !== 'revision') notify(assigned, task);
    }
    const before = ctx.caseBefore?.stage ?? null;
    const after = ctx.caseAfter.stage;
    // The task whose decision moved the case (its id is in the event, as TASK_COMPLETED and deemed approval record it).
    const decided = ctx.tasks.find((t) => t.id === ctx.event.data.taskId);
    const news = after !== before ? workflowOf(ctx.caseAfter).stageMessages[after] : undefined;
    if (news) notify(news, decided);
    ctx.batch.insert(ctx.raw<TimerRow>(TIMER), timers);
    return timers;
  }
}
