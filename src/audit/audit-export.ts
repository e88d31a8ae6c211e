import { csvCell } from '../common/spreadsheet-cell.js';
import { Readable } from 'node:stream';
import { Between, LessThanOrEqual, MoreThanOrEqual, type FindOptionsWhere } from 'typeorm';
import type { Database } from '../database/database.js';
import { CASE, CASE_EVENT } from '../database/entities.js';
import type { CaseEventRow, CaseRow } from '../database/rows.js';

export const EXPORT_FORMATS = ['jsonl', 'csv', 'xes'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xes: 'application/xml; charset=utf-8',
};

const CASE_BATCH = 200;

/**
 * The event log as a stream, case by case (bounded memory): JSON lines, CSV, or XES (IEEE 1849-2016)
 * with concept:name, time:timestamp, org:resource and lifecycle:transition for process-mining tools.
 */
export function exportEvents(db: Database, format: ExportFormat, range: { from?: Date; to?: Date }): Readable {
  return Readable.from(generate(db, format, range), { objectMode: false });
}

async function* generate(db: Database, format: ExportFormat, range: { from?: Date; to?: Date }): AsyncGenerator<string> {
  if (format === 'csv') yield CSV_HEADER;
  if (format === 'xes') yield XES_HEAD;
  const at: FindOptionsWhere<CaseEventRow>['at'] =
    range.from && range.to ? Between(range.from, range.to) : range.from ? MoreThanOrEqual(range.from) : range.to ? LessThanOrEqual(range.to) : undefined;
  for (let offset = 0; ; offset += CASE_BATCH) {
    const cases = await db.read((em) => em.find<CaseRow>(CASE, { order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: CASE_BATCH }));
    if (cases.length === 0) break;
    for (const c of cases) {
      const events = await db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: c.id, ...(at ? { at } : {}) }, order: { seq: 'ASC' } }));
      if (events.length === 0) continue;
      if (format === 'jsonl') for (const e of events) yield JSON.stringify(jsonRecord(c, e)) + '\n';
      else if (format === 'csv') for (const e of events) yield csvLine(c, e);
      else yield xesTrace(c, events);
    }
  }
  if (format === 'xes') yield '</log>\n';
}

function activity(e: CaseEventRow): string {
  const d = e.data as { decision?: string; document?: { kind?: string } };
  if (e.type === 'TASK_COMPLETED' || e.type === 'TASK_DEEMED_APPROVED') return `${e.stageBefore}: ${d.decision ?? 'decide'}`;
  if (e.type === 'DOCUMENT_UPLOADED') return `upload ${d.document?.kind ?? 'document'}`;
  return e.type;
}

function jsonRecord(c: CaseRow, e: CaseEventRow) {
  return {
    caseId: c.id,
    caseNumber: c.number,
    seq: e.seq,
    type: e.type,
    activity: activity(e),
    actor: { id: e.actorId, roles: e.actorRoles },
    at: e.at.toISOString(),
    stageBefore: e.stageBefore,
    stageAfter: e.stageAfter,
    workflow: `${e.workflowName}@${e.workflowVersion}`,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
    hashFormat: e.hashFormat,
  };
}

const CSV_HEADER = 'case_id,case_number,seq,type,activity,actor_id,actor_roles,at,stage_before,stage_after,workflow,decision,comment,hash,hash_format\n';

function csvLine(c: CaseRow, e: CaseEventRow): string {
  const d = e.data as { decision?: string; comment?: string | null };
  return (
    [c.id, c.number, e.seq, e.type, activity(e), e.actorId, e.actorRoles.join(' '), e.at.toISOString(), e.stageBefore ?? '', e.stageAfter, `${e.workflowName}@${e.workflowVersion}`, d.decision ?? '', d.comment ?? '', e.hash, e.hashFormat]
      .map(csvCell)
      .join(',') + '\n'
  );
}

const XES_HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849.2016" xes.features="nested-attributes">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000Z"/>
    <string key="lifecycle:transition" value="complete"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="onegate cooperation approvals"/>
`;

function xesTrace(c: CaseRow, events: CaseEventRow[]): string {
  const attr = (type: string, key: string, value: string) => `<${type} key="${key}" value="${xml(value)}"/>`;
  const lines = [
    '  <trace>',
    `    ${attr('string', 'concept:name', c.number)}`,
    `    ${attr('string', 'case:id', c.id)}`,
    `    ${attr('string', 'title', c.title)}`,
    `    ${attr('string', 'instrument', c.instrument)}`,
    `    ${attr('string', 'partner', c.partnerName)}`,
    `    ${attr('string', 'partnerCategory', c.partnerCategory)}`,
    `    ${attr('boolean', 'requiresDprdApproval', String(c.requiresDprdApproval))}`,
    `    ${attr('string', 'stage', c.stage)}`,
  ];
  for (const e of events) {
    const d = e.data as { decision?: string; comment?: string | null };
    lines.push(
      '    <event>',
      `      ${attr('string', 'concept:name', activity(e))}`,
      `      ${attr('date', 'time:timestamp', e.at.toISOString())}`,
      `      ${attr('string', 'org:resource', e.actorId)}`,
      ...(e.actorRoles.length ? [`      ${attr('string', 'org:role', e.actorRoles.join(' '))}`] : []),
      `      ${attr('string', 'lifecycle:transition', 'complete')}`,
      `      ${attr('int', 'seq', String(e.seq))}`,
      `      ${attr('string', 'type', e.type)}`,
      `      ${attr('string', 'stageAfter', e.stageAfter)}`,
      ...(d.decision ? [`      ${attr('string', 'decision', d.decision)}`] : []),
      ...(d.comment ? [`      ${attr('string', 'comment', d.comment)}`] : []),
      `      ${attr('string', 'hash', e.hash)}`,
      `      ${attr('int', 'hashFormat', String(e.hashFormat))}`,
      '    </event>',
    );
  }
  lines.push('  </trace>\n');
  return lines.join('\n');
}

/** XML-escapes text, and drops characters XML 1.0 cannot carry. */
function xml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}
