import { Body, Controller, Get, Inject, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { ReportsService } from './reports.service.js';
import { StageReportService } from './stage-report.service.js';
import { SemesterReportQuery, SemesterSentBody, SemesterSentQuery } from './semester.dto.js';
import { SEMESTER_MEDIA_TYPES, SemesterReportService } from './semester-report.service.js';
import { SemesterSentService } from './semester-sent.service.js';

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
    @Inject(SemesterReportService) private readonly semester: SemesterReportService,
    @Inject(SemesterSentService) private readonly semesterSent: SemesterSentService,
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

  /**
   * The half-yearly report to the province and the ministry: agreements signed in the half, in force at
   * its end, ended, and evaluations done, by instrument, partner category and field; JSON (default), or
   * XLSX / PDF under the city's letterhead (ONEGATE_LETTERHEAD) as an attachment.
   */
  @Get('semester')
  @Roles('secretariat', 'auditor', 'admin')
  async semesterReport(@Query() query: SemesterReportQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const format = query.format ?? 'json';
    if (format === 'json') return this.semester.json(query.year, query.half);
    const file = await this.semester.file(query.year, query.half, format);
    void reply
      .header('content-type', SEMESTER_MEDIA_TYPES[format])
      .header('content-disposition', `attachment; filename="${file.name}"`)
      .header('x-content-type-options', 'nosniff');
    return file.bytes;
  }

  /** Records that the half-yearly report went out: to whom, under which letter number, when. */
  @Post('semester')
  @Roles('secretariat')
  recordSemesterSent(@CurrentActor() actor: Actor, @Body() body: SemesterSentBody) {
    return this.semesterSent.record(actor, body);
  }

  /** The recorded sendings, newest first; `year` and `half` narrow them. */
  @Get('semester/sent')
  @Roles('any')
  semesterSentList(@Query() query: SemesterSentQuery) {
    return this.semesterSent.list(query);
  }
}
