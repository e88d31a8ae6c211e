import { randomUUID } from 'node:crypto';
import { workflowOf, type StageSla } from '../../workflows/registry.js';
import { zonedInstant } from '../common/time-zone.js';
import { TIMER } from '../database/entities.js';
import type { CaseRow, TaskRow, TimerRow } from '../database/rows.js';
import type { StepContext, StepEffect } from '../engine/engine.js';
import type { SlaTables } from './sla-config.js';
import type { WorkingCalendar } from './working-calendar.js';

export interface DeadlineSettings {
  /** Each workflow version's SLAs and expiry reminder days. */
  sla: SlaTables;
  calendar: WorkingCalendar;
  timeZone: string;
}

/** Expiry reminders go out at this local hour, like SIKERJA's daily 07:00 check. */
const EXPIRY_REMINDER_HOUR = 7;

/**
 * Writes deadline timers in the step's own transaction: a task stage's reminders, escalations and
 * optional expiry action when its task opens; cancels them when the task closes; expiry reminders and
 * the expiry itself when an agreement is signed. The database row is the truth; queues only carry it.
 */
export class DeadlinePlanner implements StepEffect {
  constructor(private readonly settings: DeadlineSettings) {}

  async apply(ctx: StepContext): Promise<TimerRow[]> {
    const { now } = ctx;
    const timers = ctx.raw<TimerRow>(TIMER);
    const created: TimerRow[] = [];
    const table = this.settings.sla.of(ctx.caseAfter);
    for (const task of ctx.tasks) {
      if (task.status !== 'open') {
        ctx.batch.update(timers, { status: 'cancelled', settledAt: now }, { taskId: task.id, status: 'pending' });
        continue;
      }
      if (task.dueAt !== null) continue;
      const sla = table?.stages[task.stage];
      if (!sla) continue;
      const planned = this.planTask(ctx.caseAfter, task, sla, now);
      ctx.updateTask(task, { dueAt: planned.dueAt });
      created.push(...planned.timers);
    }
    const workflow = workflowOf(ctx.caseAfter);
    const stage = ctx.caseAfter.stage;
    if (workflow.finalStages.includes(stage)) {
      ctx.batch.update(timers, { status: 'cancelled', settledAt: now }, { caseId: ctx.caseAfter.id, status: 'pending' });
    } else if (stage === workflow.inForceStage && ctx.caseBefore?.stage !== stage && ctx.caseAfter.validUntil) {
      created.push(...this.planExpiry(ctx.caseAfter, table?.expiryReminderDays ?? [], now));
    }
    ctx.batch.insert(timers, created);
    return created;
  }

  planTask(c: CaseRow, task: TaskRow, sla: StageSla, now: Date): { dueAt: Date; timers: TimerRow[] } {
    const cal = this.settings.calendar;
    const dueAt = cal.add(task.createdAt, sla.due);
    const timer = (kind: TimerRow['kind'], idx: number, offset: string, fireAt: Date): TimerRow => ({
      id: randomUUID(),
      caseId: c.id,
      taskId: task.id,
      kind,
      idx,
      offset,
      fireAt,
      dueAt,
      status: 'pending',
      createdAt: now,
      settledAt: null,
    });
    const timers = [
      ...sla.remind.map((offset, i) => timer('remind', i, offset, cal.subtract(dueAt, offset))),
      ...sla.escalate.map((offset, i) => timer('escalate', i, offset, cal.add(dueAt, offset))),
      ...(sla.onExpiry ? [timer('deemed_approval', 0, sla.onExpiry.after, cal.add(task.createdAt, sla.onExpiry.after))] : []),
    ];
    return { dueAt, timers };
  }

  /** An agreement's expiry reminders still ahead and its expiry, with its workflow version's reminder days (an import's). */
  planAgreementExpiry(c: CaseRow, now: Date): TimerRow[] {
    return c.validUntil ? this.planExpiry(c, this.settings.sla.of(c)?.expiryReminderDays ?? [], now) : [];
  }

  planExpiry(c: CaseRow, expiryReminderDays: readonly number[], now: Date): TimerRow[] {
    const [y, m, d] = c.validUntil!.split('-').map(Number) as [number, number, number];
    // In force through validUntil; it expires at the start of the next day in the city.
    const end = zonedInstant(y, m, d + 1, this.settings.timeZone);
    const timer = (kind: TimerRow['kind'], idx: number, fireAt: Date): TimerRow => ({
      id: randomUUID(),
      caseId: c.id,
      taskId: null,
      kind,
      idx,
      offset: kind === 'expire' ? c.validUntil! : String(idx),
      fireAt,
      dueAt: end,
      status: 'pending',
      createdAt: now,
      settledAt: null,
    });
    const reminders = expiryReminderDays
      .map((days) => timer('expiry_reminder', days, zonedInstant(y, m, d - days, this.settings.timeZone, EXPIRY_REMINDER_HOUR)))
      .filter((t) => t.fireAt.getTime() > now.getTime());
    return [...reminders, timer('expire', 0, end)];
  }
}
