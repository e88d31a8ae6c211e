import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { ReportsService } from './reports.service.js';
import { StageReportService } from './stage-report.service.js';

export class AgreementsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export class StagesQuery {
  /** A city calendar day (`YYYY-MM-DD`) or an ISO 8601 date-time: stays that began at or after it. */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  /** Likewise, inclusive (a day counts whole): stays that began at or before it. */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(
    @Inject(ReportsService) private readonly reports: ReportsService,
    @Inject(StageReportService) private readonly stageReport: StageReportService,
  ) {}

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

  /**
   * Where files wait: per stage, stays entered in the window and completed, median and p90 working days
   * of completed stays, the share within the stage's SLA and the revision rounds returned from it, plus
   * `label` (Indonesian) and `open` (stays still there). Counts only, for every role.
   */
  @Get('stages')
  @Roles('any')
  stages(@Query() query: StagesQuery) {
    return this.stageReport.stages(query);
  }
}
