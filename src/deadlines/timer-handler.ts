import { Inject, Injectable, Logger } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, NothingToDo, isTransactionConflict } from '../common/errors.js';
import { Database } from '../database/database.js';
import { TASK, TIMER } from '../database/entities.js';
import type { TaskRow, TimerRow } from '../database/rows.js';
import { In } from 'typeorm';
import { Engine } from '../engine/engine.js';
import { Metrics } from '../metrics/metrics.js';
import { DeliveryService } from '../notifications/delivery.service.js';
import { SCHEDULER } from './deadlines.tokens.js';
import { TimerActions } from './timer-actions.js';
import { mailBackoffMs, type Scheduler } from './queue-catalogue.js';

/** A timer job fired early (clock skew between processes) is put back rather than run. */
const EARLY_TOLERANCE_MS = 1000;
/** Timers that send a message (the others, expiry and deemed approval, are events on the case). */
const MESSAGE_TIMER_KINDS: TimerRow['kind'][] = ['remind', 'escalate', 'expiry_reminder', 'notify'];

class Stale extends NothingToDo {}

/**
 * Runs a fired timer. Idempotent: it re-reads the database and does nothing for a timer that is
 * stale, cancelled or already fired, so a duplicate job, a reconciled job or a racing worker is harmless.
 */
@Injectable()
export class TimerHandler {
  private readonly logger = new Logger('Timers');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Engine) private readonly engine: Engine,
    @Inject(DeliveryService) private readonly deliveries: DeliveryService,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(TimerActions) private readonly actions: TimerActions,
  ) {}

  async fire(timerId: string): Promise<void> {
    const timer = await this.db.read((em) => em.findOneBy<TimerRow>(TIMER, { id: timerId }));
    if (!timer || timer.status !== 'pending') return;
    if (timer.fireAt.getTime() > this.clock.now().getTime() + EARLY_TOLERANCE_MS) {
      await this.scheduler.scheduleTimers([timer]);
      return;
    }
    if (timer.kind === 'expire' || timer.kind === 'deemed_approval') return this.fireAction(timer);
    const action = this.actions.find(timer.kind);
    if (action) {
      await action(timer);
      this.observeLateness(timer, this.clock.now());
      return;
    }
    const now = this.clock.now();
    const created = await this.withRetry(() => this.db.transaction(async (em) => {
      // Every message timer of this case due by now is one moment: fired together here, so one person
      // gets one mail for it however many reminders, escalations or news fell due (an outage, history
      // loaded by demo or import, or two offsets landing on one instant). Each timer is taken guarded,
      // so a racing worker that read the same set takes none of them twice.
      const due = await em
        .createQueryBuilder<TimerRow>(TIMER, 't')
        .where('t.case_id = :caseId', { caseId: timer.caseId })
        .andWhere(`t.status = 'pending'`)
        .andWhere('t.kind IN (:...kinds)', { kinds: MESSAGE_TIMER_KINDS })
        .andWhere('t.fire_at <= :now', { now })
        .orderBy('t.id', 'ASC')
        .getMany();
      // This timer may be up to EARLY_TOLERANCE_MS early (clock skew between processes); the others must be due.
      if (!due.some((t) => t.id === timer.id)) due.push(timer);
      const taken: TimerRow[] = [];
      for (const t of due) {
        const res = await em.update(TIMER, { id: t.id, status: 'pending' }, { status: 'fired', settledAt: now });
        if (res.affected === 1) taken.push(t);
      }
      if (!taken.length) return null;
      const { deliveries, stale } = await this.deliveries.createForTimers(em, taken, now);
      // A timer whose message no longer applies (task closed, agreement ended, old news) was cancelled, not fired.
      if (stale.length) await em.update(TIMER, { id: In(stale.map((t) => t.id)) }, { status: 'cancelled' });
      return { deliveries, taken };
    }));
    if (!created) return;
    for (const t of created.taken) this.observeLateness(t, now);
    // A line per timer fired (operators count them); the mails of the moment are told with the first.
    created.taken.forEach((t, i) => this.logger.log(`${t.kind} ${t.idx} of case ${t.caseId} fired${i === 0 ? `: ${created.deliveries.length} e-mail(s) for this moment` : ' with it'}`));
    // E-mail is sent here; WhatsApp goes by its own jobs, so a failing gateway never holds an e-mail back.
    const sent = created.deliveries.filter((d) => d.channel === 'email');
    const whatsapp = created.deliveries.filter((d) => d.channel !== 'email').map((d) => d.id);
    const queued = this.enqueueWhatsApp(whatsapp);
    // Sent here, claimed in the timer's own transaction: no second queue hop for the common case.
    // A refused mail goes to the mail queue, first retry after the first backoff, as if the queue had sent it.
    // Each recipient's mail is independent: sent together (the SMTP pool bounds the connections), so a
    // reminder to a role's six holders is not six sends in a row.
    const outcomes = await Promise.allSettled(sent.map((d) => this.deliveries.deliver(d)));
    const refused = sent.filter((_, i) => outcomes[i]!.status === 'rejected').map((d) => d.id);
    await Promise.all([this.scheduler.enqueueMail(refused, mailBackoffMs(1)), queued]);
  }

  /** WhatsApp deliveries of a moment, to their jobs; lost with Redis, reconciliation hands them on again (they are pending rows). */
  private async enqueueWhatsApp(ids: string[]): Promise<void> {
    try {
      await this.scheduler.enqueueMail(ids);
    } catch (err) {
      this.logger.warn(`WhatsApp deliveries left to reconciliation: ${(err as Error).message}`);
    }
  }

  /** Expiry of a signed agreement, or a configured deemed approval: an ordinary event by `system`. */
  private async fireAction(timer: TimerRow): Promise<void> {
    const firedAt = this.clock.now();
    try {
      await this.engine.step({
        caseId: timer.caseId,
        actor: SYSTEM_ACTOR,
        load: async (_current, read) => ({
          current: await read.findOneBy<TimerRow>(TIMER, { id: timer.id }),
          task: timer.kind === 'deemed_approval' && timer.taskId ? await read.findOneBy<TaskRow>(TASK, { id: timer.taskId }) : null,
        }),
        plan: ({ now }, { current, task }) => {
          if (!current || current.status !== 'pending') throw new Stale();
          // Settled with the step (after its effects, which may have cancelled it with the case's other timers).
          const settle = { kind: 'update' as const, entity: TIMER, set: { status: 'fired', settledAt: now }, where: { id: timer.id } };
          if (timer.kind === 'expire') return { type: 'EXPIRE', machineEvent: { type: 'EXPIRE' }, data: { timerId: timer.id, validUntil: timer.offset }, writes: [settle] };
          if (!task || task.status !== 'open') throw new Stale();
          const comment = `deemed approved: no decision within ${timer.offset} (ONEGATE_SLA onExpiry)`;
          return {
            type: 'TASK_DEEMED_APPROVED',
            machineEvent: { type: 'DECIDE', taskKey: task.key, decision: 'approve' },
            data: { taskId: task.id, stage: task.stage, decision: 'approve', comment, timerId: timer.id },
            completion: { taskKey: task.key, decision: 'approve', comment },
            writes: [settle],
          };
        },
      });
      this.observeLateness(timer, firedAt);
    } catch (err) {
      if (err instanceof Stale) return;
      if (err instanceof DomainError && (err.code === 'InvalidTransition' || err.code === 'NotFound')) {
        await this.db.transaction((em) => em.update(TIMER, { id: timer.id, status: 'pending' }, { status: 'cancelled', settledAt: this.clock.now() }));
        return;
      }
      throw err;
    }
  }

  /**
   * Runs a timer's transaction again when PostgreSQL gave it up for another's (deadlock, serialization):
   * the case's own step, cancelling these timers as the same moment, may lock them in another order.
   */
  private async withRetry<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (!isTransactionConflict(err) || attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }

  private observeLateness(timer: TimerRow, firedAt: Date): void {
    this.metrics.timerLateness.observe({ kind: timer.kind }, Math.max(0, firedAt.getTime() - timer.fireAt.getTime()) / 1000);
  }
}
