/**
 * Where files wait (contract §9, `GET /api/reports/stages`): stays in each stage rebuilt from the event
 * log's stageBefore/stageAfter, measured in the city's working days. Pure: events go in one at a time,
 * ordered by case and seq, so a caller can feed them page by page and keep only one number per stay.
 *
 * - A stay begins with an event whose stageAfter is the stage and stageBefore another (or none: the
 *   case's first event), and ends with the next of that case whose stageBefore is the stage and
 *   stageAfter another. Events inside a stage (one reviewer of several approving, an upload) are not
 *   stays.
 * - `entered` counts stays that began in the window [from, to]; `completed` those of them that have
 *   ended by now (whenever; a stay begun in March and left in May counts in a March report).
 * - Durations, `withinSla` and percentiles are of completed stays only; still-open stays are `open`.
 * - A working day counts whole on the city's calendar: the share of each working day (Mon–Fri, not a
 *   public holiday or ONEGATE_HOLIDAYS) that the stay covers, so Friday 10.00 to Monday 10.00 is 1.00
 *   and a weekend adds nothing — the same days `P1D` in an SLA counts.
 * - `withinSla`: share of completed stays that left by the due time the deadline planner gives a task
 *   opened on entry (`calendar.add(entry, sla.due)`) on the stay's own workflow version; null for a
 *   stage without an SLA (proposal, revision) or without completed stays.
 * - `revisions`: stays of the stage that ended by going to the version's revision stage.
 */
import type { WorkflowDefinition } from '../../workflows/registry.js';
import type { SlaTables } from '../deadlines/sla-config.js';
import { parseDuration, type Duration, type WorkingCalendar } from '../deadlines/working-calendar.js';
import { zonedInstant } from '../common/time-zone.js';

export interface StageStay {
  stage: string;
  entered: number;
  completed: number;
  medianWorkingDays: number | null;
  p90WorkingDays: number | null;
  withinSla: number | null;
  revisions: number;
}

/** One event as the report needs it. */
export interface StageEvent {
  caseId: string;
  at: Date;
  stageBefore: string | null;
  stageAfter: string;
  workflowName: string;
  workflowVersion: number;
}

interface Tally {
  entered: number;
  durations: number[];
  withSla: number;
  inTime: number;
  revisions: number;
}

interface OpenStay {
  stage: string;
  at: Date;
  workflowName: string;
  workflowVersion: number;
  /** Began inside the window: only those count. */
  counted: boolean;
}

/**
 * The stages a file can wait in, in procedure order over every version: all but final stages and the
 * in-force stage (an agreement in force is not waiting for a desk).
 */
export function waitingStages(workflows: readonly WorkflowDefinition[]): string[] {
  const out: string[] = [];
  for (const w of workflows) {
    for (const s of w.stages) {
      if (w.finalStages.includes(s) || s === w.inForceStage || out.includes(s)) continue;
      out.push(s);
    }
  }
  return out;
}

/** The version's revision stage: the one whose entry sends the proposer `revision_requested`. */
function revisionStagesOf(workflows: readonly WorkflowDefinition[]): Map<string, ReadonlySet<string>> {
  return new Map(
    workflows.map((w) => [
      `${w.name}@${w.version}`,
      new Set(
        Object.entries(w.stageMessages)
          .filter(([, kind]) => kind === 'revision_requested')
          .map(([stage]) => stage),
      ),
    ]),
  );
}

export class StageReport {
  private readonly tallies = new Map<string, Tally>();
  private readonly revisionStages: Map<string, ReadonlySet<string>>;
  private readonly dueOf = new Map<string, Duration | null>();
  private caseId: string | null = null;
  private open: OpenStay | null = null;

  constructor(
    private readonly workflows: readonly WorkflowDefinition[],
    private readonly sla: SlaTables,
    private readonly time: WorkingTime,
    private readonly window: { from: Date | null; to: Date | null },
  ) {
    for (const s of waitingStages(workflows)) this.tallies.set(s, { entered: 0, durations: [], withSla: 0, inTime: 0, revisions: 0 });
    this.revisionStages = revisionStagesOf(workflows);
  }

  /** Events must come ordered by case, then seq. */
  add(e: StageEvent): void {
    if (e.caseId !== this.caseId) {
      this.caseId = e.caseId;
      this.open = null;
    }
    if (e.stageBefore === e.stageAfter) return;
    const open = this.open;
    if (open && open.stage === e.stageBefore && open.counted) this.close(open, e);
    this.open = null;
    const tally = this.tallies.get(e.stageAfter);
    if (!tally) return; // a final or in-force stage: not a desk
    const counted = (!this.window.from || e.at >= this.window.from) && (!this.window.to || e.at <= this.window.to);
    if (counted) tally.entered++;
    this.open = { stage: e.stageAfter, at: e.at, workflowName: e.workflowName, workflowVersion: e.workflowVersion, counted };
  }

  private close(stay: OpenStay, exit: StageEvent): void {
    const tally = this.tallies.get(stay.stage)!;
    tally.durations.push(this.time.workingDays(stay.at, exit.at));
    const due = this.due(stay);
    if (due) {
      tally.withSla++;
      if (exit.at.getTime() <= this.time.due(stay.at, due)) tally.inTime++;
    }
    if (this.revisionStages.get(`${stay.workflowName}@${stay.workflowVersion}`)?.has(exit.stageAfter)) tally.revisions++;
  }

  private due(stay: OpenStay): Duration | null {
    const key = `${stay.workflowName}@${stay.workflowVersion}|${stay.stage}`;
    let due = this.dueOf.get(key);
    if (due === undefined) {
      const text = this.sla.of(stay)?.stages[stay.stage]?.due;
      due = text ? parseDuration(text) : null;
      this.dueOf.set(key, due);
    }
    return due;
  }

  result(): (StageStay & { open: number })[] {
    return [...this.tallies.entries()].map(([stage, t]) => {
      const sorted = t.durations.sort((a, b) => a - b);
      return {
        stage,
        entered: t.entered,
        completed: sorted.length,
        medianWorkingDays: round(percentile(sorted, 0.5)),
        p90WorkingDays: round(percentile(sorted, 0.9)),
        withinSla: t.withSla ? round(t.inTime / t.withSla, 4) : null,
        revisions: t.revisions,
        open: t.entered - sorted.length,
      };
    });
  }
}

/** Linear interpolation between closest ranks (the "R-7" definition spreadsheets use for PERCENTILE). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

function round(x: number | null, places = 2): number | null {
  if (x === null) return null;
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

const DAY_MS = 86_400_000;

/**
 * Working time between two instants, in working days of the city's calendar: whole working days
 * between, plus the covered shares of the first and last day. Working days before a date are counted
 * once per year into a table, so a stay of months costs two look-ups, not a walk.
 */
export class WorkingTime {
  private readonly cumulative = new Map<number, Int16Array>();
  private readonly midnights = new Map<string, number>();

  constructor(readonly calendar: WorkingCalendar) {}

  workingDays(from: Date, to: Date): number {
    if (to <= from) return 0;
    const a = this.localDate(from.getTime());
    const b = this.localDate(to.getTime());
    if (a === b) return this.calendar.isWorkingDay(a) ? (to.getTime() - from.getTime()) / DAY_MS : 0;
    let ms = 0;
    if (this.calendar.isWorkingDay(a)) ms += this.midnight(nextDate(a)) - from.getTime();
    if (this.calendar.isWorkingDay(b)) ms += to.getTime() - this.midnight(b);
    const whole = this.workingBetween(nextDate(a), b);
    return whole + ms / DAY_MS;
  }

  /**
   * `calendar.add(start, due)` as a number: the same wall-clock time `due.days` working days on, then
   * the time part (exact in zones without daylight saving, such as Indonesia's).
   */
  due(start: Date, due: Duration): number {
    const t = start.getTime();
    let date = this.localDate(t);
    const timeOfDay = t - this.midnight(date);
    for (let left = due.days; left > 0; left--) {
      do date = nextDate(date);
      while (!this.calendar.isWorkingDay(date));
    }
    return this.midnight(date) + timeOfDay + due.ms;
  }

  /** The city's calendar day of an instant (the zone's offsets are cached where they are worked out, time-zone.ts). */
  localDate(t: number): string {
    return this.calendar.localDate(new Date(t));
  }

  /** Working days on or after `from` and before `to` (`from` <= `to`, both `YYYY-MM-DD`). */
  private workingBetween(from: string, to: string): number {
    const ya = Number(from.slice(0, 4));
    const yb = Number(to.slice(0, 4));
    let total = this.year(yb)[dayOfYear(to)]! - this.year(ya)[dayOfYear(from)]!;
    for (let y = ya; y < yb; y++) total += this.year(y)[this.daysIn(y)]!;
    return total;
  }

  /** Index i: working days of `y` before its (i+1)-th day; the last entry is the year's total. */
  private year(y: number): Int16Array {
    let table = this.cumulative.get(y);
    if (!table) {
      const n = this.daysIn(y);
      table = new Int16Array(n + 1);
      const start = Date.UTC(y, 0, 1);
      for (let i = 0; i < n; i++) {
        const date = new Date(start + i * DAY_MS).toISOString().slice(0, 10);
        table[i + 1] = table[i]! + (this.calendar.isWorkingDay(date) ? 1 : 0);
      }
      this.cumulative.set(y, table);
    }
    return table;
  }

  private daysIn(y: number): number {
    return (Date.UTC(y + 1, 0, 1) - Date.UTC(y, 0, 1)) / DAY_MS;
  }

  private midnight(date: string): number {
    let at = this.midnights.get(date);
    if (at === undefined) {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      at = zonedInstant(y, m, d, this.calendar.timeZone).getTime();
      if (this.midnights.size > 20_000) this.midnights.clear();
      this.midnights.set(date, at);
    }
    return at;
  }
}

/** Parsing dates is most of a report's time: the few thousand days it meets are worked out once each. */
const nextDates = new Map<string, string>();
const daysOfYear = new Map<string, number>();

function nextDate(date: string): string {
  let next = nextDates.get(date);
  if (next === undefined) {
    next = new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    if (nextDates.size > 50_000) nextDates.clear();
    nextDates.set(date, next);
  }
  return next;
}

function dayOfYear(date: string): number {
  let n = daysOfYear.get(date);
  if (n === undefined) {
    n = (Date.parse(`${date}T00:00:00Z`) - Date.UTC(Number(date.slice(0, 4)), 0, 1)) / DAY_MS;
    if (daysOfYear.size > 50_000) daysOfYear.clear();
    daysOfYear.set(date, n);
  }
  return n;
}
