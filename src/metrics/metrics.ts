import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ConcurrentWrite, DomainError, NothingToDo } from '../common/errors.js';
import type { Engine } from '../engine/engine.js';

/**
 * What became of a step: `committed`; `refused` (409: the stage does not take it, a stale
 * `expectedVersion`, a task already done or claimed); `conflict_retry` (another writer got there
 * first, the step runs again); `invalid` (any other 4xx: bad input, role, unknown id); `error` (5xx).
 */
export type StepOutcome = 'committed' | 'refused' | 'conflict_retry' | 'invalid' | 'error';

export interface OpenTaskCount {
  stage: string;
  role: string;
  open: number;
  overdue: number;
  oldestCreatedAt: Date;
}

export interface QueueCounts {
  kind: string;
  status: 'ok' | 'down';
  waiting?: number;
  delayed?: number;
  active?: number;
  failed?: number;
}

let processRegistry: Registry | null = null;

/** CPU, memory, event loop and GC, collected once per process (several apps share a test process). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * onegate's metrics, in a registry of this app's own (never prom-client's global one). Counters and
 * histograms are kept as things happen; the task and queue gauges are set by `MetricsService` on scrape.
 */
export class Metrics {
  readonly registry = new Registry();

  /** `stage`: the stage the case was in when the step was taken (`none` for a case's creation, `unknown` when the case was not read). */
  readonly steps = new Counter({
    name: 'onegate_steps_total',
    help: 'Workflow steps by the stage they were taken in and their outcome (committed, refused, conflict_retry, invalid, error).',
    labelNames: ['stage', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly timerLateness = new Histogram({
    name: 'onegate_timer_lateness_seconds',
    help: 'How long after its due time a timer (reminder, escalation, expiry, deemed approval) was fired.',
    labelNames: ['kind'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });

  readonly mailSent = new Counter({
    name: 'onegate_mail_sent_total',
    help: 'E-mails handed to the SMTP server (or written as .eml files).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly mailFailed = new Counter({
    name: 'onegate_mail_failed_total',
    help: 'Failed e-mail attempts; final="true" when the delivery was given up (marked failed).',
    labelNames: ['kind', 'final'] as const,
    registers: [this.registry],
  });

  readonly openTasks = new Gauge({
    name: 'onegate_open_tasks',
    help: 'Open tasks by stage and role.',
    labelNames: ['stage', 'role'] as const,
    registers: [this.registry],
  });

  readonly overdueTasks = new Gauge({
    name: 'onegate_overdue_tasks',
    help: 'Open tasks past their due time, by stage and role.',
    labelNames: ['stage', 'role'] as const,
    registers: [this.registry],
  });

  readonly oldestTaskAge = new Gauge({
    name: 'onegate_open_task_oldest_age_seconds',
    help: 'Age of the oldest open task of each stage.',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'onegate_queue_jobs',
    help: 'Timer and mail jobs in the queue (BullMQ on Redis, or the in-process scheduler) by state.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly queueUp = new Gauge({
    name: 'onegate_queue_up',
    help: '1 when the queue answers, 0 when it is down.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly databaseUp = new Gauge({
    name: 'onegate_database_up',
    help: '1 when the task gauges could be read from the database at this scrape, 0 otherwise.',
    registers: [this.registry],
  });

  readonly contentType = this.registry.contentType;

  /** Counts every step the engine commits or fails. */
  observe(engine: Pick<Engine, 'onCommitted' | 'onFailed'>): void {
    engine.onCommitted((result) => this.steps.inc({ stage: result.event.stageBefore ?? 'none', outcome: 'committed' }));
    engine.onFailed((err, { stage, retrying }) => {
      const outcome = stepOutcome(err, retrying);
      if (outcome) this.steps.inc({ stage: stage ?? 'unknown', outcome });
    });
  }

  mailAttempt(kind: string, result: 'sent' | 'failed' | 'gave_up'): void {
    const k = mailKind(kind);
    if (result === 'sent') this.mailSent.inc({ kind: k });
    else this.mailFailed.inc({ kind: k, final: String(result === 'gave_up') });
  }

  setOpenTasks(rows: OpenTaskCount[] | null, now: Date): void {
    this.openTasks.reset();
    this.overdueTasks.reset();
    this.oldestTaskAge.reset();
    this.databaseUp.set(rows ? 1 : 0);
    const oldest = new Map<string, number>();
    for (const r of rows ?? []) {
      this.openTasks.set({ stage: r.stage, role: r.role }, r.open);
      this.overdueTasks.set({ stage: r.stage, role: r.role }, r.overdue);
      const age = Math.max(0, (now.getTime() - r.oldestCreatedAt.getTime()) / 1000);
      oldest.set(r.stage, Math.max(oldest.get(r.stage) ?? 0, age));
    }
    for (const [stage, age] of oldest) this.oldestTaskAge.set({ stage }, age);
  }

  setQueue(queue: QueueCounts): void {
    this.queueUp.reset();
    this.queueJobs.reset();
    this.queueUp.set({ kind: queue.kind }, queue.status === 'ok' ? 1 : 0);
    for (const state of ['waiting', 'delayed', 'active', 'failed'] as const) {
      const n = queue[state];
      if (n !== undefined) this.queueJobs.set({ state }, n);
    }
  }

  /** The text exposition: process metrics, then onegate's. */
  async render(): Promise<string> {
    return `${await processMetrics().metrics()}\n${await this.registry.metrics()}`;
  }
}

function stepOutcome(err: unknown, retrying: boolean): StepOutcome | null {
  if (err instanceof NothingToDo) return null;
  if (retrying) return 'conflict_retry';
  if (err instanceof ConcurrentWrite) return 'error';
  if (err instanceof DomainError) return err.status === 409 ? 'refused' : err.status < 500 ? 'invalid' : 'error';
  return 'error';
}

/** `escalation_2` and the like count as `escalation`: a label per escalation level adds nothing to watch. */
function mailKind(kind: string): string {
  return kind.startsWith('escalation') ? 'escalation' : kind;
}
