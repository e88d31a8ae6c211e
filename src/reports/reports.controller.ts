import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { INSTRUMENTS, PARTNER_CATEGORIES } from '../../workflows/cooperation/v1.rules.js';
import { Roles } from '../auth/auth.decorators.js';
import { Clock } from '../common/clock.js';
import { yearRange } from '../common/time-zone.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../core/tokens.js';
import { Database } from '../database/database.js';
import { CASE } from '../database/entities.js';
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Agreements signed in a year (city time zone), by instrument and partner category. */
  @Get('agreements')
  @Roles('any')
  async agreements(@Query() query: AgreementsQuery) {
    const year = query.year ?? Number(new Intl.DateTimeFormat('en', { timeZone: this.config.timezone, year: 'numeric' }).format(this.clock.now()));
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
