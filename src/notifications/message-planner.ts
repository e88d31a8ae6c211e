import { randomUUID } from 'node:crypto';
import { workflowOf } from '../../workflows/registry.js';
import type { TaskRow, TimerRow } from '../database/rows.js';
import { TIMER } from '../database/entities.js';
import type { StepContext, StepEffect } from '../engine/engine.js';
import { PARTNER_ACTOR_PREFIX } from '../common/actor.js';
import type { MessageKind } from './templates.js';

/**
 * A partner's offer (contract §11): its contact is told when the intake asks for more and when it rejects
 * the offer; spam closes it without a word. (Its acknowledgement goes out as the offer arrives: offers.service.ts.)
 */
const OFFER_NEWS: Readonly<Partial<Record<string, MessageKind>>> = { awaiting_partner: 'offer_revision_requested', rejected: 'offer_rejected' };

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
    const offerNews = after !== before && ctx.caseAfter.proposerId.startsWith(PARTNER_ACTOR_PREFIX) ? OFFER_NEWS[after] : undefined;
    if (offerNews) notify(offerNews, decided);
    ctx.batch.insert(ctx.raw<TimerRow>(TIMER), timers);
    return timers;
  }
}
