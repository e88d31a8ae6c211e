import { Inject, Injectable } from '@nestjs/common';
import { INSTRUMENTS, PARTNER_CATEGORIES } from '../../workflows/domain.js';
import { KNOWN } from '../../workflows/registry.js';
import { visibleProposer } from '../cases/case-visibility.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { dateIn, yearIn, yearRange } from '../common/time-zone.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { CASE, TASK } from '../database/entities.js';
import type { CaseRow } from '../database/rows.js';

/** The task stages of an evaluation (contract §10), whatever workflow version runs it. */
export const EVALUATION_STAGES = ['evaluation_report', 'evaluation_review', 'evaluation_conclusion'];

/** The dashboard's and the yearly report's figures, read from cases and tasks. */
@Injectable()
export class ReportsService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Open cases by stage, overdue open tasks by role, evaluations under way and overdue, signed per year, and, of those `actor` may see, the agreements expiring soon. */
  async dashboard(actor: Actor) {
    const now = this.clock.now();
    // Calendar days in the city (ONEGATE_TIMEZONE): at 00:30 WIB on 1 January, today is 1 January, not UTC's 31 December.
    const soon = dateIn(new Date(now.getTime() + 90 * 86_400_000), this.config.timezone);
    const today = dateIn(now, this.config.timezone);
    return this.db.read(async (em) => {
      const open: { stage: string; n: string | number }[] = await em
        .createQueryBuilder<CaseRow>(CASE, 'c')
        .select('c.stage', 'stage')
        .addSelect('COUNT(*)', 'n')
        .where('c.stage NOT IN (:...closed)', { closed: KNOWN.closedStages })
        .groupBy('c.stage')
        .getRawMany();
      const overdue: { role: string; n: string | number }[] = await em
        .createQueryBuilder(TASK, 't')
        .select('t.role', 'role')
        .addSelect('COUNT(*)', 'n')
        .where("t.status = 'open' AND t.due_at < :now", { now })
        .groupBy('t.role')
        .getRawMany();
      // Evaluations under way (contract §10): one open task each at a time, so counted by case; overdue when that task is past due.
      const evaluation: { open: string | number | null; overdue: string | number | null } | undefined = await em
        .createQueryBuilder(TASK, 't')
        .select('COUNT(DISTINCT t.case_id)', 'open')
        .addSelect('COUNT(DISTINCT CASE WHEN t.due_at < :now THEN t.case_id END)', 'overdue')
        .where("t.status = 'open' AND t.stage IN (:...stages)", { stages: EVALUATION_STAGES, now })
        .getRawOne();
      const signed = await em.createQueryBuilder<CaseRow>(CASE, 'c').select(['c.instrument', 'c.partnerCategory', 'c.signedAt']).where('c.signed_at IS NOT NULL').getMany();
      const byYear = new Map<number, { year: number; total: number; byInstrument: Record<string, number>; byCategory: Record<string, number> }>();
      for (const c of signed) {
        const year = yearIn(c.signedAt!, this.config.timezone);
        const y = byYear.get(year) ?? { year, total: 0, byInstrument: {}, byCategory: {} };
        y.total++;
        y.byInstrument[c.instrument] = (y.byInstrument[c.instrument] ?? 0) + 1;
        y.byCategory[c.partnerCategory] = (y.byCategory[c.partnerCategory] ?? 0) + 1;
        byYear.set(year, y);
      }
      const expiringQuery = em
        .createQueryBuilder<CaseRow>(CASE, 'c')
        .where('c.stage IN (:...inForce) AND c.valid_until IS NOT NULL AND c.valid_until >= :today AND c.valid_until <= :soon', { inForce: KNOWN.inForceStages, today, soon });
      const proposer = visibleProposer(actor);
      if (proposer !== null) expiringQuery.andWhere('c.proposer_id = :proposer', { proposer });
      const expiring = await expiringQuery
        .orderBy('c.valid_until', 'ASC')
        .take(50)
        .getMany();
      return {
        openByStage: Object.fromEntries(open.map((r) => [r.stage, Number(r.n)])),
        overdueByRole: Object.fromEntries(overdue.map((r) => [r.role, Number(r.n)])),
        signedByYear: [...byYear.values()].sort((a, b) => a.year - b.year),
        evaluations: { open: Number(evaluation?.open ?? 0), overdue: Number(evaluation?.overdue ?? 0) },
        expiringSoon: expiring.map((c) => ({ id: c.id, number: c.number, title: c.title, partner: c.partnerName, validUntil: c.validUntil })),
      };
    });
  }

  /** Agreements signed in a year (city time zone, this year when none is given), by instrument and partner category: counts only. */
  async agreements(year: number | undefined) {
    year ??= yearIn(this.clock.now(), this.config.timezone);
    const [from, to] = yearRange(year, this.config.timezone);
    const rows = await this.db.read((em) =>
      em
        .createQueryBuilder<CaseRow>(CASE, 'c')
        .select(['c.instrument', 'c.partnerCategory'])
        .where('c.signed_at >= :from AND c.signed_at < :to', { from, to })
        .getMany(),
    );
    const byInstrument = Object.fromEntries(INSTRUMENTS.map((i) => [i, 0])) as Record<string, number>;
    const byCategory = Object.fromEntries(PARTNER_CATEGORIES.map((c) => [c, 0])) as Record<string, number>;
    const matrix = new Map<string, number>();
    for (const r of rows) {
      byInstrument[r.instrument] = (byInstrument[r.instrument] ?? 0) + 1;
      byCategory[r.partnerCategory] = (byCategory[r.partnerCategory] ?? 0) + 1;
      const k = `${r.instrument}|${r.partnerCategory}`;
      matrix.set(k, (matrix.get(k) ?? 0) + 1);
    }
    return {
      year,
      timezone: this.config.timezone,
      total: rows.length,
      byInstrument,
      byCategory,
      byInstrumentAndCategory: [...matrix.entries()].sort().map(([k, count]) => {
        const [instrument, category] = k.split('|');
        return { instrument, category, count };
      }),
    };
  }
}
