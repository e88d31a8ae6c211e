import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { invalid } from '../common/errors.js';
import { zonedInstant } from '../common/time-zone.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { SEMESTER_REPORT_SENT } from '../database/entities.js';
import type { SemesterReportSentRow } from '../database/rows.js';
import type { SemesterSentBody } from './semester.dto.js';

/** A sending may be recorded a little ahead of the server's clock (a clock a minute off), not more. */
const FUTURE_SLACK_MS = 5 * 60_000;

export interface SemesterSentDto {
  id: string;
  year: number;
  half: number;
  sentTo: string;
  letterNumber: string;
  sentAt: string;
  recordedBy: string;
  recordedAt: string;
}

export const toSemesterSentDto = (r: SemesterReportSentRow): SemesterSentDto => ({
  id: r.id,
  year: r.year,
  half: r.half,
  sentTo: r.sentTo,
  letterNumber: r.letterNumber,
  sentAt: r.sentAt.toISOString(),
  recordedBy: r.recordedBy,
  recordedAt: r.recordedAt.toISOString(),
});

/** [start, end) of a half-year in the city's time zone: January–June or July–December. */
export function halfRange(year: number, half: 1 | 2, timeZone: string): [Date, Date] {
  return half === 1 ? [zonedInstant(year, 1, 1, timeZone), zonedInstant(year, 7, 1, timeZone)] : [zonedInstant(year, 7, 1, timeZone), zonedInstant(year + 1, 1, 1, timeZone)];
}

/** Records that the half-yearly report (contract §9) went out, and lists those records. */
@Injectable()
export class SemesterSentService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async record(actor: Actor, body: SemesterSentBody): Promise<SemesterSentDto> {
    const sentTo = body.sentTo.trim();
    const letterNumber = body.letterNumber.trim();
    if (!sentTo) throw invalid('sentTo', 'must name whom the report went to');
    if (!letterNumber) throw invalid('letterNumber', "must be the cover letter's number");
    const sentAt = this.instant(body.sentAt);
    const now = this.clock.now();
    const [start] = halfRange(body.year, body.half, this.config.timezone);
    if (sentAt < start) throw invalid('sentAt', `is before the half-year it reports on began (${body.year}, half ${body.half})`);
    if (sentAt.getTime() > now.getTime() + FUTURE_SLACK_MS) throw invalid('sentAt', 'is in the future: record a report once it has gone out');
    const row: SemesterReportSentRow = { id: randomUUID(), year: body.year, half: body.half, sentTo, letterNumber, sentAt, recordedBy: actor.id, recordedAt: now };
    await this.db.transaction((em) => em.insert(SEMESTER_REPORT_SENT, row));
    return toSemesterSentDto(row);
  }

  async list(query: { year?: number; half?: number }): Promise<{ items: SemesterSentDto[]; total: number }> {
    const rows = await this.db.read((em) =>
      em.find<SemesterReportSentRow>(SEMESTER_REPORT_SENT, {
        where: { ...(query.year !== undefined ? { year: query.year } : {}), ...(query.half !== undefined ? { half: query.half } : {}) },
        order: { sentAt: 'DESC', id: 'ASC' },
      }),
    );
    return { items: rows.map(toSemesterSentDto), total: rows.length };
  }

  /** A date (`2026-07-10`: that day in the city, 00.00) or a date-time as given. */
  private instant(text: string): Date {
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
      const [y, m, d] = text.split('-').map(Number) as [number, number, number];
      return zonedInstant(y, m, d, this.config.timezone);
    }
    const at = new Date(text);
    if (Number.isNaN(at.getTime()) || !/(Z|[+-]\d{2}:?\d{2})$/.test(text)) throw invalid('sentAt', 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time with its offset');
    return at;
  }
}
