import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { ReportsService } from './reports.service.js';

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
  constructor(@Inject(ReportsService) private readonly reports: ReportsService) {}

  /**
   * For the dashboard: open cases by stage, overdue open tasks by role, signed per year, expiring soon.
   * The counts are of every case, for every role (aggregates, as `/agreements`); the list of agreements
   * expiring soon names cases, so a proposer's holds only their own (case-visibility.ts).
   */
  @Get('dashboard')
  @Roles('any')
  dashboard(@CurrentActor() actor: Actor) {
    return this.reports.dashboard(actor);
  }

  /** Agreements signed in a year (city time zone), by instrument and partner category: counts only, for every role. */
  @Get('agreements')
  @Roles('any')
  agreements(@Query() query: AgreementsQuery) {
    return this.reports.agreements(query.year);
  }
}
