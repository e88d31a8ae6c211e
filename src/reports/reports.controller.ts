import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { INSTRUMENTS, PARTNER_CATEGORIES } from '../../workflows/cooperation/v1.rules.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { visibleProposer } from '../cases/case-visibility.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { yearIn, yearRange } from '../common/time-zone.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { CASE, TASK } from '../database/entities.js';
import type { CaseRow } from '../database/rows.js';

export class AgreementsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * For the dashboard: open cases by stage, overdue open tasks by role, signed per year, expiring soon.
   * The counts are of every case, for every role (aggregates, as `/agreements`); the list of agreements
   * expiring soon names cases, so a proposer's holds only their own (case-visibility.ts).
   */
  @Get('dashboard')
  @Roles('any')
  async dashboard(@CurrentActor() actor: Actor) {
    const now = this.clock.now();
    const soon = new Date(now.getTime() + 90 * 86_400_000).toISOString().slice(0, 10);
    const today = now.toISOString().slice(0, 10);
    return this.db.read(async (em) => {
      const open: { stage: string; n: string | number }[] = await em
        .createQueryBuilder<CaseRow>(CASE, 'c')
        .select('c.stage', 'stage')
        .addSelect('COUNT(*)', 'n')
        .where('c.stage NOT IN (:...closed)', { closed: ['signed', 'expired', 'terminated', 'rejected', 'withdrawn'] })
        .groupBy('c.stage')
        .getRawMany();
      const overdue: { role: string; n: string | number }[] = await em
        .createQueryBuilder(TASK, 't')
        .select('t.role', 'role')
        .addSelect('COUNT(*)', 'n')
        .where("t.status = 'open' AND t.due_at < :now", { now })
        .groupBy('t.role')
        .getRawMany();
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
        .where("c.stage = 'signed' AND c.valid_until IS NOT NULL AND c.valid_until >= :today AND c.valid_until <= :soon", { today, soon });
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
        expiringSoon: expiring.map((c) => ({ id: c.id, number: c.number, title: c.title, partner: c.partnerName, validUntil: c.validUntil })),
      };
    });
  }

  /** Agreements signed in a year (city time zone), by instrument and partner category: counts only, for every role. */
  @Get('agreements')
  @Roles('any')
  async agreements(@Query() query: AgreementsQuery) {
    const year = query.year ?? yearIn(this.clock.now(), this.config.timezone);
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
