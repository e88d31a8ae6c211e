import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig, DEFAULT_LETTERHEAD } from '../config/app-config.js';
import { buildSemesterReport, type SemesterReport } from './semester-report.js';
import { semesterPdf, semesterXlsx } from './semester-render.js';
import { SemesterAgreementSource } from './semester-source.js';
import type { SemesterFormat } from './semester.dto.js';
import { SemesterSentService, type SemesterSentDto } from './semester-sent.service.js';

export const SEMESTER_MEDIA_TYPES: Record<SemesterFormat, string> = {
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** `GET /api/reports/semester`: the half-yearly report, as JSON or as a file to send. */
@Injectable()
export class SemesterReportService {
  constructor(
    @Inject(SemesterAgreementSource) private readonly source: SemesterAgreementSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SemesterSentService) private readonly sent: SemesterSentService,
  ) {}

  /** The report as JSON, with the sendings recorded for the half (`sent`, newest first). */
  async json(year: number, half: 1 | 2): Promise<SemesterReport & { sent: SemesterSentDto[] }> {
    const [report, sent] = await Promise.all([this.report(year, half), this.sent.list({ year, half })]);
    return { ...report, sent: sent.items };
  }

  async report(year: number, half: 1 | 2): Promise<SemesterReport> {
    const last = half === 1 ? `${year}-06-30` : `${year}-12-31`;
    const agreements = await this.source.signedBy(last);
    return buildSemesterReport(agreements, {
      year,
      half,
      timezone: this.config.timezone,
      letterhead: this.config.letterhead ?? DEFAULT_LETTERHEAD,
      generatedAt: this.clock.now(),
      source: this.source.name,
    });
  }

  /** The file and its name, e.g. `laporan-semester-2026-1.pdf`. */
  async file(year: number, half: 1 | 2, format: 'xlsx' | 'pdf'): Promise<{ bytes: Buffer; name: string }> {
    const r = await this.report(year, half);
    return { bytes: format === 'xlsx' ? await semesterXlsx(r) : await semesterPdf(r), name: `laporan-semester-${year}-${half}.${format}` };
  }
}
