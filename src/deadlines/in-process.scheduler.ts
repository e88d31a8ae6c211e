import { Logger } from '@nestjs/common';
import type { Clock } from '../common/clock.js';
import { mailBackoffMs, traced, type JobHandlers, type Traced, type QueueHealth, type Scheduler, type SendMailPayload } from './queue-catalogue.js';
import { MAX_MAIL_ATTEMPTS } from '../notifications/delivery.service.js';

/** setTimeout can wait at most ~24.8 days; later timers are picked up by reconciliation. */
const MAX_DELAY_MS = 2_147_000_000;

interface MailRetry {
  handle: NodeJS.Timeout;
  dueAt: number;
  run: () => void;
}

/**
 * The embedded default: timers and mail run in this process; reconciliation restores them after a restart.
 * Its waits count on the app's clock (the consumer is this process), so a test that moves the clock and
 * calls `runDue` runs what became due at once, without waiting in real time.
 */
export class InProcessScheduler implements Scheduler {
  private readonly logger = new Logger('InProcessScheduler');
  private handlers: JobHandlers | null = null;
  /** Held timers, with the request that scheduled them (their job's log lines carry its id). */
  private readonly timers = new Map<string, { handle: NodeJS.Timeout; trace: Traced }>();
  private readonly mail = new Map<string, MailRetry | 'running'>();
  private readonly active = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly clock: Clock) {}

  async scheduleTimers(timers: { id: string; fireAt: Date }[]): Promise<void> {
    const trace = traced();
    for (const t of timers) {
      if (this.closed || this.timers.has(t.id)) continue;
      const delay = t.fireAt.getTime() - this.clock.now().getTime();
      if (delay > MAX_DELAY_MS) continue;
      const handle = setTimeout(() => this.fire(t.id, trace), Math.max(0, delay));
      handle.unref?.();
      this.timers.set(t.id, { handle, trace });
    }
  }

  async enqueueMail(deliveryIds: string[], delayMs = 0): Promise<void> {
    const trace = traced();
    for (const id of deliveryIds) {
      if (this.closed || this.mail.has(id)) continue;
      this.runMail({ deliveryId: id, ...trace }, 1, delayMs);
    }
  }

  /** Fires the given due timers now (held or not: the handler is idempotent), then every mail retry due by the clock; resolves when all of it has run. */
  async runDue(timers: { id: string }[]): Promise<void> {
    if (this.closed) return;
    for (const t of timers) {
      const held = this.timers.get(t.id);
      if (held) clearTimeout(held.handle);
      this.fire(t.id, held?.trace ?? {});
    }
    const now = this.clock.now().getTime();
    for (const retry of this.mail.values()) {
      if (retry === 'running' || retry.dueAt > now) continue;
      clearTimeout(retry.handle);
      retry.run();
    }
    while (this.active.size) await Promise.allSettled([...this.active]);
  }

  private fire(timerId: string, trace: Traced): void {
    this.timers.delete(timerId);
    this.track(this.handlers?.fireTimer({ timerId, ...trace }), `timer ${timerId}`);
  }

  private runMail(payload: SendMailPayload, attempt: number, delay: number): void {
    const id = payload.deliveryId;
    const run = () => {
      this.mail.set(id, 'running');
      const job = (this.handlers ? this.handlers.sendMail(payload) : Promise.resolve()).then(
        () => void this.mail.delete(id),
        (err) => {
          this.mail.delete(id);
          if (attempt < MAX_MAIL_ATTEMPTS && !this.closed) this.runMail(payload, attempt + 1, mailBackoffMs(attempt));
          else this.logger.warn(`mail ${id} failed after ${attempt} attempts: ${(err as Error).message}`);
        },
      );
      this.track(job, `mail ${id}`);
    };
    const handle = setTimeout(run, delay);
    handle.unref?.();
    this.mail.set(id, { handle, dueAt: this.clock.now().getTime() + delay, run });
  }

  async startWorkers(handlers: JobHandlers): Promise<void> {
    this.handlers = handlers;
  }

  async health(): Promise<QueueHealth> {
    return { kind: 'in-process', status: 'ok', delayed: this.timers.size, waiting: [...this.mail.values()].filter((v) => v !== 'running').length, active: this.active.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const h of this.timers.values()) clearTimeout(h.handle);
    for (const m of this.mail.values()) if (m !== 'running') clearTimeout(m.handle);
    this.timers.clear();
    await Promise.allSettled([...this.active]);
  }

  private track(job: Promise<void> | undefined, what: string): void {
    if (!job) return;
    const p = job.catch((err) => this.logger.warn(`${what}: ${(err as Error).message}`));
    this.active.add(p);
    void p.finally(() => this.active.delete(p));
  }
}
