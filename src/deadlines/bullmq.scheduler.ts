import { Logger } from '@nestjs/common';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { MAX_MAIL_ATTEMPTS } from '../notifications/delivery.service.js';
import {
  JOBS,
  QUEUES,
  mailJobId,
  timerJobId,
  traced,
  type FireTimerPayload,
  type JobHandlers,
  type QueueHealth,
  type Scheduler,
  type SendMailPayload,
} from './queue-catalogue.js';

/** Timers per Redis round trip when scheduling: small enough that workers' commands are not held up behind one. */
const SCHEDULE_SLICE = 500;

/** A timer job's options besides its id and delay. */
const TIMER_JOB = { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 } as const;

/** Jobs each worker runs at once, per queue (the timers bench gives its plain BullMQ worker the same). */
export const WORKER_CONCURRENCY = 4;

export interface BullMqOptions {
  /** How long a worker holds a job before others may take it back (stalled-job recovery). */
  lockDurationMs?: number;
  concurrency?: number;
  /** Prefix of the Redis keys, so test runs do not collide. */
  prefix?: string;
}

/**
 * BullMQ on Redis: delayed timer jobs and retried mail jobs with deterministic ids, shared by every worker.
 * Delays count in real time: the workers that take them are other processes, on their own clocks.
 */
export class BullMqScheduler implements Scheduler {
  private readonly logger = new Logger('BullMQ');
  private readonly connection: Redis;
  private readonly timers: Queue;
  private readonly mail: Queue;
  private readonly workers: Worker[] = [];
  /** Blocking worker connections; BullMQ does not close connections it was given. */
  private readonly workerConnections: Redis[] = [];

  constructor(
    private readonly url: string,
    private readonly options: BullMqOptions = {},
  ) {
    this.connection = new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true, lazyConnect: false });
    this.connection.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
    const common = { connection: this.connection as unknown as ConnectionOptions, prefix: options.prefix ?? 'onegate' };
    this.timers = new Queue(QUEUES.timers, common);
    this.mail = new Queue(QUEUES.mail, common);
  }

  /** Fresh timers of steps committed in the same turn of the event loop, added together. */
  private freshBatch: { timers: { id: string; fireAt: Date; trace: ReturnType<typeof traced> }[]; sent: Promise<void> } | null = null;

  async scheduleTimers(timers: { id: string; fireAt: Date }[], options: { fresh?: boolean } = {}): Promise<void> {
    if (!timers.length) return;
    if (options.fresh) return this.addFresh(timers);
    const trace = traced();
    // In slices: one pipeline of thousands of jobs held Redis (and so every worker's next job) for a
    // third of a second. Reconciliation hands over a page of 1,000 at a time; other callers a few.
    for (let i = 0; i < timers.length; i += SCHEDULE_SLICE) {
      // Nearly all of a reconciliation's timers are queued already: sending each job again (for Redis to
      // drop the duplicate id) costs far more than asking which ones are missing.
      const missing = await this.withoutJob(timers.slice(i, i + SCHEDULE_SLICE));
      if (!missing.length) continue;
      const now = Date.now();
      await this.timers.addBulk(missing.map((t) => timerJob(t, trace, now)));
    }
  }

  /**
   * A committed step's new timers have no job yet: no EXISTS round trip first. Steps that commit in the same
   * turn of the event loop (concurrent requests) share one `addBulk`, one round trip to Redis for all of
   * them; each caller still resolves only once its jobs are in Redis. Each job keeps the request id of the
   * step that made it.
   */
  private addFresh(timers: { id: string; fireAt: Date }[]): Promise<void> {
    const trace = traced();
    const withTrace = timers.map((t) => ({ id: t.id, fireAt: t.fireAt, trace }));
    if (this.freshBatch) {
      this.freshBatch.timers.push(...withTrace);
      return this.freshBatch.sent;
    }
    const batch = { timers: withTrace, sent: null as unknown as Promise<void> };
    this.freshBatch = batch;
    batch.sent = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      this.freshBatch = null;
      const now = Date.now();
      await this.timers.addBulk(batch.timers.map((t) => timerJob(t, t.trace, now)));
    });
    return batch.sent;
  }

  /** Promotes each timer's delayed job to waiting (a worker takes it now), or adds one with no delay where none is left. */
  async runDue(timers: { id: string }[]): Promise<void> {
    const trace = traced();
    for (const t of timers) {
      const job = await this.timers.getJob(timerJobId(t.id));
      if (!job) {
        await this.timers.add(JOBS.fireTimer, { timerId: t.id, ...trace } satisfies FireTimerPayload, { ...TIMER_JOB, jobId: timerJobId(t.id) });
      } else if (await job.isDelayed()) {
        // Between the check and the promotion a worker may have taken it (its delay ran out): nothing to do then.
        await job.promote().catch(() => undefined);
      }
    }
  }

  /** The timers that have no job in Redis (one pipelined EXISTS each); a job there already would be kept anyway. */
  private async withoutJob<T extends { id: string }>(timers: T[]): Promise<T[]> {
    const pipeline = this.connection.pipeline();
    for (const t of timers) pipeline.exists(this.timers.toKey(timerJobId(t.id)));
    const found = (await pipeline.exec()) ?? [];
    return timers.filter((_, i) => found[i]?.[1] !== 1);
  }

  async enqueueMail(deliveryIds: string[], delayMs = 0): Promise<void> {
    if (!deliveryIds.length) return;
    const trace = traced();
    await this.mail.addBulk(
      deliveryIds.map((id) => ({
        name: JOBS.sendMail,
        data: { deliveryId: id, ...trace } satisfies SendMailPayload,
        opts: { jobId: mailJobId(id), delay: delayMs, attempts: MAX_MAIL_ATTEMPTS, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
      })),
    );
  }

  async startWorkers(handlers: JobHandlers): Promise<void> {
    const connect = () => {
      const c = this.connection.duplicate();
      c.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
      this.workerConnections.push(c);
      return c as unknown as ConnectionOptions;
    };
    const opts = {
      connection: connect(),
      prefix: this.options.prefix ?? 'onegate',
      concurrency: this.options.concurrency ?? WORKER_CONCURRENCY,
      lockDuration: this.options.lockDurationMs ?? 30_000,
      stalledInterval: Math.max(500, Math.floor((this.options.lockDurationMs ?? 30_000) / 2)),
    };
    const byName: Record<string, (job: Job) => Promise<void>> = {
      [JOBS.fireTimer]: (job) => handlers.fireTimer(job.data as FireTimerPayload),
      [JOBS.sendMail]: (job) => handlers.sendMail(job.data as SendMailPayload),
    };
    const process = async (job: Job) => {
      const handler = byName[job.name];
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      await handler(job);
    };
    this.workers.push(new Worker(QUEUES.timers, process, opts), new Worker(QUEUES.mail, process, { ...opts, connection: connect() }));
    for (const w of this.workers) w.on('error', (err) => this.logger.warn(`worker: ${err.message}`));
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  async health(): Promise<QueueHealth> {
    try {
      const [t, m] = await Promise.all([
        withTimeout(this.timers.getJobCounts('waiting', 'delayed', 'active', 'failed'), 1500),
        withTimeout(this.mail.getJobCounts('waiting', 'delayed', 'active', 'failed'), 1500),
      ]);
      return {
        kind: 'redis',
        status: 'ok',
        waiting: (t.waiting ?? 0) + (m.waiting ?? 0),
        delayed: (t.delayed ?? 0) + (m.delayed ?? 0),
        active: (t.active ?? 0) + (m.active ?? 0),
        failed: (t.failed ?? 0) + (m.failed ?? 0),
      };
    } catch {
      return { kind: 'redis', status: 'down' };
    }
  }

  /** Graceful: workers finish their active jobs before the connections close. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([this.timers.close(), this.mail.close()]);
    for (const c of this.workerConnections) c.disconnect();
    this.connection.disconnect();
  }

  /** For tests: a worker that dies mid-job without completing it. */
  async killWorkers(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(true)));
    for (const c of this.workerConnections) c.disconnect();
  }
}

/** A timer's delayed job: its deterministic id, the request it came from, due at its fire time. */
function timerJob(t: { id: string; fireAt: Date }, trace: ReturnType<typeof traced>, now: number) {
  return {
    name: JOBS.fireTimer,
    data: { timerId: t.id, ...trace } satisfies FireTimerPayload,
    opts: { ...TIMER_JOB, jobId: timerJobId(t.id), delay: Math.max(0, t.fireAt.getTime() - now) },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
