/**
 * Reads ONEGATE_SLA and ONEGATE_HOLIDAYS (contract §2, §5). Both are validated once at boot; every
 * refusal names the file, the key path and the offending value, so an operator can fix it in one go.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_WORKFLOW, KNOWN, WORKFLOWS, newestWorkflow, type ExpiryAction, type SlaTable, type StageSla, type WorkflowDefinition } from '../../workflows/registry.js';
import { ConfigError } from '../config/app-config.js';
import { type Duration, DurationError, isCalendarDate, parseDuration } from './working-calendar.js';

const STAGE_FIELDS = ['due', 'remind', 'escalate', 'onExpiry', 'source'] as const;
const EXPIRY_FIELDS = ['action', 'after'] as const;
const EXPIRY_DAYS_KEY = 'expiryReminderDays';

/** Each workflow version's SLA table, `name@version` → table; a case's deadlines use its own version's. */
export class SlaTables {
  constructor(private readonly byVersion: ReadonlyMap<string, SlaTable>) {}

  of(c: { workflowName: string; workflowVersion: number }): SlaTable | undefined {
    return this.byVersion.get(`${c.workflowName}@${c.workflowVersion}`);
  }
}

/** Every version's table: its own defaults, overridden by the one ONEGATE_SLA file where it has the stage. */
export function loadSlaTables(file: string | null, workflows: readonly WorkflowDefinition[] = WORKFLOWS): SlaTables {
  return new SlaTables(new Map(workflows.map((w) => [`${w.name}@${w.version}`, loadSlaTable(file, w)])));
}

/**
 * A version's default SLA table (its sealed defaults), overridden per stage and field by the JSON
 * file when one is given. A stage the file names that this version lacks but another has is left to
 * that version; one no version has is refused.
 */
export function loadSlaTable(file: string | null, workflow: WorkflowDefinition = newestWorkflow(DEFAULT_WORKFLOW)!): SlaTable {
  const table: SlaTable = {
    stages: Object.fromEntries(Object.entries(workflow.sla.stages).map(([stage, sla]) => [stage, copyStage(sla)])),
    expiryReminderDays: [...workflow.sla.expiryReminderDays],
  };
  if (file === null) return table;
  const fail: Fail = failer(file, 'ONEGATE_SLA');
  const root = readJson(file, fail);
  if (!isPlainObject(root)) fail('(top level)', root, `must be an object of stages, e.g. {"technical_review": {"due": "P10D"}}`);

  for (const [key, value] of Object.entries(root)) {
    if (key === EXPIRY_DAYS_KEY) {
      table.expiryReminderDays = expiryDays(value, fail);
    } else if (table.stages[key]) {
      table.stages[key] = mergeStage(key, table.stages[key], value, file, fail);
    } else if (!KNOWN.taskStages.includes(key)) {
      fail(key, value, `is not a task stage (known: ${KNOWN.taskStages.join(', ')}) nor "${EXPIRY_DAYS_KEY}"`);
    }
  }
  return table;
}

/** Extra non-working dates (cuti bersama etc.), sorted and without repeats. */
export function loadHolidays(file: string | null): string[] {
  if (file === null) return [];
  const fail: Fail = failer(file, 'ONEGATE_HOLIDAYS');
  const root = readJson(file, fail);
  if (!Array.isArray(root)) fail('(top level)', root, 'must be an array of dates, e.g. ["2026-12-24"]');
  root.forEach((date, i) => {
    if (!isCalendarDate(date)) fail(`[${i}]`, date, 'is not a real date written YYYY-MM-DD');
  });
  return [...new Set(root as string[])].sort();
}

type Fail = (key: string, value: unknown, problem: string) => never;

function failer(file: string, variable: string): Fail {
  return (key, value, problem) => {
    throw new ConfigError(`${variable} file ${file}: ${key} = ${show(value)} ${problem}`);
  };
}

function readJson(file: string, fail: Fail): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail('(file)', text, `is not valid JSON: ${(e as Error).message}`);
  }
}

function mergeStage(stage: string, base: StageSla, raw: unknown, file: string, fail: Fail): StageSla {
  if (!isPlainObject(raw)) fail(stage, raw, 'must be an object with any of ' + STAGE_FIELDS.join(', '));
  const merged = copyStage(base);
  const changed: string[] = [];
  for (const [field, value] of Object.entries(raw)) {
    const key = `${stage}.${field}`;
    switch (field as (typeof STAGE_FIELDS)[number]) {
      case 'due':
        duration(key, value, fail);
        merged.due = value as string;
        break;
      case 'remind':
      case 'escalate':
        if (!Array.isArray(value)) fail(key, value, 'must be an array of durations, e.g. ["P1D", "PT0S"]');
        value.forEach((offset, i) => duration(`${key}[${i}]`, offset, fail));
        merged[field as 'remind' | 'escalate'] = [...(value as string[])];
        break;
      case 'onExpiry':
        if (value === null) delete merged.onExpiry;
        else merged.onExpiry = expiryAction(key, value, fail);
        break;
      case 'source':
        if (typeof value !== 'string' || !value.trim()) fail(key, value, 'must be a non-empty note on where the value comes from');
        merged.source = value;
        break;
      default:
        fail(key, value, `is not an SLA field (known: ${STAGE_FIELDS.join(', ')})`);
    }
    if (field !== 'source') changed.push(field);
  }
  if (changed.length && !('source' in raw)) merged.source = `${changed.join(', ')} from ${file}; default was: ${base.source}`;
  checkAgainstDue(stage, merged, new Set(changed), fail);
  return merged;
}

/**
 * A reminder is counted back from the due time, so one longer than `due` would fall before the task
 * even opened; likewise a deemed approval before the due time would cut the deadline short.
 */
function checkAgainstDue(stage: string, sla: StageSla, changed: Set<string>, fail: Fail): void {
  const due = parseDuration(sla.due);
  const note = (field: string) => (changed.has(field) ? '' : ' (default; override it too)');
  sla.remind.forEach((offset, i) => {
    if (compare(parseDuration(offset), due) > 0) {
      fail(`${stage}.remind[${i}]`, offset, `is longer than due "${sla.due}": a reminder cannot come before the task opens${note('remind')}`);
    }
  });
  if (sla.onExpiry && compare(parseDuration(sla.onExpiry.after), due) < 0) {
    fail(`${stage}.onExpiry.after`, sla.onExpiry.after, `is shorter than due "${sla.due}": deemed approval cannot come before the due time`);
  }
}

function expiryAction(key: string, raw: unknown, fail: Fail): ExpiryAction {
  if (!isPlainObject(raw)) fail(key, raw, 'must be {"action": "approve", "after": DURATION} or null (off)');
  for (const [field, value] of Object.entries(raw)) {
    if (!(EXPIRY_FIELDS as readonly string[]).includes(field)) fail(`${key}.${field}`, value, `is not an onExpiry field (known: ${EXPIRY_FIELDS.join(', ')})`);
  }
  if (raw.action !== 'approve') fail(`${key}.action`, raw.action, 'is not supported: the only expiry action is "approve" (deemed approval)');
  if (!('after' in raw)) fail(`${key}.after`, undefined, 'is required, e.g. "P45D"');
  duration(`${key}.after`, raw.after, fail);
  return { action: 'approve', after: raw.after as string };
}

function expiryDays(raw: unknown, fail: Fail): number[] {
  if (!Array.isArray(raw)) fail(EXPIRY_DAYS_KEY, raw, 'must be an array of calendar days before validUntil, e.g. [90, 30, 0]');
  raw.forEach((days, i) => {
    if (!Number.isSafeInteger(days) || (days as number) < 0) fail(`${EXPIRY_DAYS_KEY}[${i}]`, days, 'must be a whole number of days, 0 or more');
  });
  // One reminder per distinct day, earliest first.
  return [...new Set(raw as number[])].sort((a, b) => b - a);
}

function duration(key: string, value: unknown, fail: Fail): Duration {
  if (typeof value !== 'string') return fail(key, value, 'must be an ISO 8601 duration string such as "P3D" or "PT30S"');
  try {
    return parseDuration(value);
  } catch (e) {
    if (e instanceof DurationError) return fail(key, value, e.reason);
    throw e;
  }
}

/** Days first, then the time part: P1D is longer than PT25H in working-day terms. */
function compare(a: Duration, b: Duration): number {
  return a.days - b.days || a.ms - b.ms;
}

function copyStage(sla: StageSla): StageSla {
  return { ...sla, remind: [...sla.remind], escalate: [...sla.escalate], ...(sla.onExpiry ? { onExpiry: { ...sla.onExpiry } } : {}) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = value === undefined ? '(missing)' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
