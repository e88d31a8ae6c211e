import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { IdentityService } from '../auth/identity.service.js';
import { TokenService } from '../auth/token.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { TASK } from '../database/entities.js';
import { SCHEDULER } from '../deadlines/deadlines.tokens.js';
import type { Scheduler } from '../deadlines/queue-catalogue.js';
import { Metrics, type OpenTaskCount } from './metrics.js';

/** A scrape: the task gauges from one aggregate query, the queue counts health reports, then the text. */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger('Metrics');

  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(IdentityService) private readonly identity: IdentityService,
  ) {}

  get contentType(): string {
    return this.metrics.contentType;
  }

  /**
   * Who may scrape. With `ONEGATE_METRICS_TOKEN` set: that bearer token only (a scraper's, not a
   * user's). In production without it: a signed-in user's token (a known, active directory user, as
   * for the API) — the numbers say how much work waits where, which is not for anonymous callers.
   * Outside production without it: open, for a newcomer's Prometheus. Throws the 401 to answer.
   */
  async authorize(authorization: string | undefined): Promise<void> {
    const expected = this.config.metricsToken ?? null;
    if (!expected && !this.config.production) return;
    const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (expected) {
      const a = Buffer.from(given ?? '');
      const b = Buffer.from(expected);
      if (a.length === b.length && timingSafeEqual(a, b)) return;
      throw new DomainError('Unauthenticated', 'Authorization: /metrics needs the bearer token set in ONEGATE_METRICS_TOKEN');
    }
    if (!given) throw new DomainError('Unauthenticated', 'Authorization: /metrics needs a bearer token in production (a user’s, or set ONEGATE_METRICS_TOKEN for the scraper)');
    await this.identity.actorOf(await this.tokens.verify(given));
  }

  async scrape(): Promise<string> {
    const now = this.clock.now();
    const [tasks, queue] = await Promise.all([this.openTasks(now), this.scheduler.health()]);
    this.metrics.setOpenTasks(tasks, now);
    this.metrics.setQueue(queue);
    return this.metrics.render();
  }

  private async openTasks(now: Date): Promise<OpenTaskCount[] | null> {
    try {
      const rows: { stage: string; role: string; open: string | number; overdue: string | number | null; oldest: Date | string }[] = await this.db.read((em) =>
        em
          .createQueryBuilder(TASK, 't')
          .select('t.stage', 'stage')
          .addSelect('t.role', 'role')
          .addSelect('COUNT(*)', 'open')
          .addSelect('SUM(CASE WHEN t.due_at < :now THEN 1 ELSE 0 END)', 'overdue')
          .addSelect('MIN(t.created_at)', 'oldest')
          .where("t.status = 'open'")
          .setParameter('now', now)
          .groupBy('t.stage')
          .addGroupBy('t.role')
          .getRawMany(),
      );
      return rows.map((r) => ({ stage: r.stage, role: r.role, open: Number(r.open), overdue: Number(r.overdue ?? 0), oldestCreatedAt: toDate(r.oldest) }));
    } catch (err) {
      this.logger.warn(`task gauges not read: ${(err as Error).message}`);
      return null;
    }
  }
}

/** PostgreSQL returns a Date; SQLite the stored text, which TypeORM writes as UTC `YYYY-MM-DD HH:MM:SS.SSS`. */
function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}
