import { Inject, Injectable } from '@nestjs/common';
import { WORKFLOWS } from '../../workflows/registry.js';
import { invalid } from '../common/errors.js';
import { zonedInstant } from '../common/time-zone.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { CASE_EVENT } from '../database/entities.js';
import type { CaseEventRow } from '../database/rows.js';
import { SlaTables } from '../deadlines/sla-config.js';
import { WorkingCalendar, isCalendarDate } from '../deadlines/working-calendar.js';
import { label } from '../i18n/labels.js';
import { StageReport, WorkingTime, type StageStay } from './stage-report.js';

/** Events read per query: pages by (case, seq), so memory stays flat over any length of log. */
const PAGE = 5000;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export type StageReportRow = StageStay & { label: string; open: number };

/** `GET /api/reports/stages`: where files wait, from the event log (stage-report.ts says how it counts). */
@Injectable()
export class StageReportService {
  private readonly time: WorkingTime;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(SlaTables) private readonly sla: SlaTables,
    @Inject(WorkingCalendar) calendar: WorkingCalendar,
  ) {
    this.time = new WorkingTime(calendar);
  }

  /**
   * `from`/`to`: a city calendar day (`2030-12-01`; `to` takes the whole day) or an ISO 8601 instant
   * with its offset; stays that began in [from, to] count, followed to their end.
   */
  async stages(query: { from?: string; to?: string }): Promise<StageReportRow[]> {
    const from = this.bound('from', query.from, 'start');
    const to = this.bound('to', query.to, 'end');
    if (from && to && from > to) throw invalid('to', 'must not be before from');
    const report = new StageReport(WORKFLOWS, this.sla, this.time, { from, to });
    let after: { caseId: string; seq: number } | null = null;
    for (;;) {
      const page: Pick<CaseEventRow, 'caseId' | 'seq' | 'at' | 'stageBefore' | 'stageAfter' | 'workflowName' | 'workflowVersion'>[] = await this.db.read((em) => {
        const q = em
          .createQueryBuilder<CaseEventRow>(CASE_EVENT, 'e')
          .select(['e.id', 'e.caseId', 'e.seq', 'e.at', 'e.stageBefore', 'e.stageAfter', 'e.workflowName', 'e.workflowVersion'])
          // Only stage changes make or end a stay; an exit after `from` may end a stay begun before it, which is not counted anyway.
          .where('(e.stage_before IS NULL OR e.stage_before <> e.stage_after)');
        if (from) q.andWhere('e.at >= :from', { from });
        if (after) {
          const { caseId, seq } = after;
          // A row value, so both databases seek the (case_id, seq) index instead of scanning from the start.
          q.andWhere('(e.case_id, e.seq) > (:caseId, :seq)', { caseId, seq });
        }
        return q.orderBy('e.case_id', 'ASC').addOrderBy('e.seq', 'ASC').take(PAGE).getMany();
      });
      for (const e of page) report.add(e);
      if (page.length < PAGE) break;
      const last = page[page.length - 1]!;
      after = { caseId: last.caseId, seq: last.seq };
    }
    return report.result().map((r) => ({ ...r, label: label('id', 'stage', r.stage) }));
  }

  private bound(field: 'from' | 'to', text: string | undefined, edge: 'start' | 'end'): Date | null {
    if (text === undefined || text === '') return null;
    if (isCalendarDate(text)) {
      const [y, m, d] = text.split('-').map(Number) as [number, number, number];
      const start = zonedInstant(y, m, d, this.config.timezone);
      // The last millisecond of that day in the city: zonedInstant normalises day 32 to the next month's first.
      return edge === 'start' ? start : new Date(zonedInstant(y, m, d + 1, this.config.timezone).getTime() - 1);
    }
    const at = ISO_INSTANT.test(text) ? new Date(text) : null;
    if (!at || Number.isNaN(at.getTime())) throw invalid(field, `must be a date (YYYY-MM-DD, the city's calendar day) or an ISO 8601 date-time with its offset, got "${text.slice(0, 40)}"`);
    return at;
  }
}
