import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Brackets } from 'typeorm';
import { Clock } from '../common/clock.js';
import { runInContext } from '../common/request-context.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { TIMER } from '../database/entities.js';
import type { TimerRow } from '../database/rows.js';
import { Engine } from '../engine/engine.js';
import { DeliveryService, MAILER } from '../notifications/delivery.service.js';
import type { Mailer } from '../notifications/mailer.js';
import { DigestService } from '../notifications/digest.service.js';
import { SCHEDULER } from './deadlines.tokens.js';
import { mailJobId, timerJobId, type Scheduler } from './queue-catalogue.js';
import { TimerHandler } from './timer-handler.js';

/** How far ahead reconciliation hands timers to the queue (the in-process one cannot hold long delays). */
const HORIZON_MS = { redis: 7 * 86_400_000, inProcess: 86_400_000 };
/** Pending timers read per page by reconciliation. */
const RECONCILE_PAGE = 1000;

/**
 * Wires deadlines into the process: new timers go to the scheduler after each commit; workers run in
 * the `worker` and `all` roles (and always in-process); reconciliation re-queues every pending timer
 * and mail at start and periodically, so nothing is lost when Redis loses its data or a process dies.
 */
@Injectable()
export class DeadlinesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Deadlines');
  private reconcileTimer: NodeJS.Timeout | null = null;
  private reconciling: Promise<void> | null = null;
  private readonly runsWorkers: boolean;
  private stopping = false;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Database) private readonly db: Database,
    @Inject(Engine) private readonly engine: Engine,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(TimerHandler) private readonly timers: TimerHandler,
    @Inject(DeliveryService) private readonly deliveries: DeliveryService,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(DigestService) private readonly digests: DigestService,
  ) {
    this.runsWorkers = config.role !== 'cli' && (!config.redisUrl || config.role !== 'api');
  }

  async onApplicationBootstrap(): Promise<void> {
    this.engine.onCommitted((result) => this.scheduler.scheduleTimers(result.timers, { fresh: true }));
    if (!this.runsWorkers) return;
    // Each job runs in the context of the request that caused it (if any), so its log lines carry that id.
    await this.scheduler.startWorkers({
      fireTimer: ({ timerId, requestId }) => runInContext({ requestId, jobId: timerJobId(timerId) }, () => this.timers.fire(timerId)),
      sendMail: ({ deliveryId, requestId }) => runInContext({ requestId, jobId: mailJobId(deliveryId) }, async () => void (await this.deliveries.send(deliveryId))),
    });
    await this.reconcile();
    this.reconcileTimer = setInterval(() => void this.reconcile(), this.config.reconcileSeconds * 1000);
    this.reconcileTimer.unref();
  }

  /** Every pending timer due within the horizon gets a job; every unsent mail gets a job. Idempotent. */
  reconcile(): Promise<void> {
    this.reconciling ??= (async () => {
      try {
        const horizon = new Date(this.clock.now().getTime() + (this.config.redisUrl ? HORIZON_MS.redis : HORIZON_MS.inProcess));
        // Page by page, soonest first, giving the event loop back between pages: one read of every
        // pending timer held a worker's jobs up for a fifth of a second. Every page is read (not just
        // the first ten thousand), so a flushed Redis gets all of them back however many there are.
        let after: { fireAt: Date; id: string } | null = null;
        for (;;) {
          const page = await this.pendingPage(horizon, after);
          await this.scheduler.scheduleTimers(page);
          if (page.length < RECONCILE_PAGE) break;
          after = page[page.length - 1]!;
          await new Promise((resolve) => setImmediate(resolve));
        }
        await this.scheduler.enqueueMail(await this.deliveries.pendingIds());
      } catch (err) {
        this.logger.warn(`reconciliation failed, will retry: ${(err as Error).message}`);
      }
      // The morning digest falls due by the clock like a timer, but is nobody's case: its own round, its own failure.
      try {
        await this.digests.sendDue();
      } catch (err) {
        this.logger.warn(`morning digests failed, will retry: ${(err as Error).message}`);
      } finally {
        this.reconciling = null;
      }
    })();
    return this.reconciling;
  }

  /**
   * Runs at once every pending timer due by the app's clock (and, in-process, every mail retry due by it):
   * what a clock moved forward (tests own time, as Temporal's time-skipping server does) has made due,
   * without waiting for it in real time. In-process it resolves once all of it has run.
   */
  async runDue(): Promise<void> {
    if (!this.runsWorkers || this.stopping) return;
    await this.reconcile();
    const now = this.clock.now();
    for (let after: { fireAt: Date; id: string } | null = null; ; ) {
      const page = await this.pendingPage(now, after);
      await this.scheduler.runDue(page);
      if (page.length < RECONCILE_PAGE) break;
      after = page[page.length - 1]!;
    }
  }

  /** Pending timers due by `horizon`, after `after` in (fireAt, id) order: one page. */
  private pendingPage(horizon: Date, after: { fireAt: Date; id: string } | null): Promise<{ id: string; fireAt: Date }[]> {
    return this.db.read((em) => {
      const qb = em
        .createQueryBuilder<TimerRow>(TIMER, 't')
        .select(['t.id', 't.fireAt'])
        .where(`t.status = 'pending'`)
        .andWhere('t.fire_at <= :horizon', { horizon });
      if (after) qb.andWhere(new Brackets((w) => w.where('t.fire_at > :at', { at: after.fireAt }).orWhere(new Brackets((x) => x.where('t.fire_at = :at', { at: after.fireAt }).andWhere('t.id > :id', { id: after.id })))));
      return qb.orderBy('t.fire_at', 'ASC').addOrderBy('t.id', 'ASC').take(RECONCILE_PAGE).getMany();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.reconciling;
    await this.scheduler.close();
    this.mailer.close();
  }
}
