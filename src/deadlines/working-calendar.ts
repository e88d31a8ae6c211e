/**
 * Working-day arithmetic for SLAs (contract §5): a `D` part counts working days in the city's time
 * zone (Mon–Fri, less Indonesia's public holidays and the configured extra dates, e.g. cuti bersama);
 * a `T` part is plain elapsed time.
 */
import Holidays from 'date-holidays';
import { isoDateOf, wallClockFormatter, wallClockOf, zonedInstant } from '../common/time-zone.js';

export class DurationError extends Error {
  override name = 'DurationError';

  /** `reason` is the message without the quoted text, for callers that show the text themselves. */
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {
    super(`"${text}" ${reason}`);
  }
}

/** A parsed SLA duration: whole working days, then elapsed milliseconds. */
export interface Duration {
  days: number;
  ms: number;
}

/** add() walks one day at a time, so a runaway value (a typo such as P50000D) is refused early. */
const MAX_DAYS = 10_000;

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const UNIT_NAMES: Record<string, string> = { Y: 'years', M: 'months', W: 'weeks' };

/** Parses `P3D`, `PT30S`, `P1DT2H`, `PT0.5S`: ISO 8601 restricted to working days and a time part. */
export function parseDuration(text: string): Duration {
  if (typeof text !== 'string') throw new DurationError(String(text), 'is not a duration: expected a string such as "P3D"');
  const refuse = (why: string) => new DurationError(text, why);
  if (text.startsWith('-')) throw refuse('is negative: SLA durations count forward (remind offsets are already "before due")');
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    // Calendar units would make "working days" ambiguous (how many working days is a month?).
    const unit = /^P[^T]*?\d+(?:[.,]\d+)?([YMW])/.exec(text)?.[1];
    if (unit) throw refuse(`uses ${UNIT_NAMES[unit]}, which are not supported: count working days instead (e.g. P20D)`);
    throw refuse('is not a supported ISO 8601 duration: use working days and/or a time part, e.g. P3D, PT30S, P1DT2H');
  }
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  const parsed = {
    days: Number(days),
    ms: Math.round(((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds.replace(',', '.'))) * 1000),
  };
  if (parsed.days > MAX_DAYS || !Number.isSafeInteger(parsed.ms)) throw refuse(`is too long (at most ${MAX_DAYS} working days)`);
  return parsed;
}

export interface WorkingCalendarOptions {
  /** IANA zone whose calendar days and wall clock count (ONEGATE_TIMEZONE). */
  timeZone: string;
  /** Extra non-working dates, `YYYY-MM-DD` (ONEGATE_HOLIDAYS: cuti bersama and local days off). */
  extraHolidays?: string[];
}

/** A calendar day plus the time of day on the wall clock of the zone. */
interface WallClock {
  date: string;
  hour: number;
  /** Milliseconds past the hour on the wall clock (minutes, seconds, ms). */
  rest: number;
}

const DAY_MS = 86_400_000;

export class WorkingCalendar {
  readonly timeZone: string;
  private readonly extra: ReadonlySet<string>;
  private readonly publicHolidays = new Map<number, ReadonlySet<string>>();
  private source: Holidays | null = null;
  /** Answers already worked out, by calendar day: the planner asks about the same few weeks on every step. */
  private readonly workingDays = new Map<string, boolean>();
  private readonly daysBetween = new Map<string, number>();
  private readonly nextWorkingDays = { [1]: new Map<string, string>(), [-1]: new Map<string, string>() };

  constructor(options: WorkingCalendarOptions) {
    this.timeZone = options.timeZone;
    // Throws a RangeError for an unknown zone, so a bad calendar fails at construction.
    wallClockFormatter(options.timeZone);
    for (const date of options.extraHolidays ?? []) {
      if (!isCalendarDate(date)) throw new RangeError(`extra holiday "${date}" is not a YYYY-MM-DD date`);
    }
    this.extra = new Set(options.extraHolidays ?? []);
  }

  /** `date` is a calendar day (`YYYY-MM-DD`) in the calendar's zone. */
  isWorkingDay(date: string): boolean {
    const known = this.workingDays.get(date);
    if (known !== undefined) return known;
    if (!isCalendarDate(date)) throw new RangeError(`"${date}" is not a YYYY-MM-DD date`);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const working = weekday !== 0 && weekday !== 6 && !this.extra.has(date) && !this.holidaysOf(Number(date.slice(0, 4))).has(date);
    remember(this.workingDays, date, working);
    return working;
  }

  /** The calendar day (`YYYY-MM-DD`) of an instant in the calendar's zone. */
  localDate(instant: Date): string {
    return this.wallClock(instant).date;
  }

  /**
   * Working days from `now`'s local date to `due`'s: 0 when due today, positive ahead, negative when
   * overdue (counting the working days since). Bounded to about two years either way.
   */
  workingDaysBetween(now: Date, due: Date): number {
    const from = this.localDate(now);
    const to = this.localDate(due);
    if (from === to) return 0;
    // An inbox asks this for every row, from the same day to a few due dates: worked out once per pair.
    const key = `${from}|${to}`;
    let days = this.daysBetween.get(key);
    if (days === undefined) {
      days = this.countWorkingDays(from, to);
      remember(this.daysBetween, key, days);
    }
    return days;
  }

  private countWorkingDays(from: string, to: string): number {
    const sign = to > from ? 1 : -1;
    let count = 0;
    let date = from;
    for (let i = 0; i < 800 && date !== to; i++) {
      date = shiftDate(date, sign);
      if (this.isWorkingDay(date)) count++;
    }
    return sign * count;
  }

  /** `start` plus `days` working days at the same wall-clock time, then the `T` part as elapsed time. */
  add(start: Date, duration: string | Duration): Date {
    const { days, ms } = typeof duration === 'string' ? parseDuration(duration) : duration;
    return new Date(this.stepWorkingDays(start, days, 1).getTime() + ms);
  }

  /** The reverse of add(): the `T` part as elapsed time back from `due`, then `days` working days back. */
  subtract(due: Date, duration: string | Duration): Date {
    const { days, ms } = typeof duration === 'string' ? parseDuration(duration) : duration;
    return this.stepWorkingDays(new Date(due.getTime() - ms), days, -1);
  }

  /** Plain calendar days (negative = earlier) at the same wall-clock time, e.g. expiry reminders. */
  addCalendarDays(instant: Date, days: number): Date {
    if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
    const clock = this.wallClock(instant);
    return this.instantOf({ ...clock, date: shiftDate(clock.date, days) });
  }

  /** Each step moves to the next (or previous) working day, so a Saturday start + P1D lands on Monday. */
  private stepWorkingDays(from: Date, days: number, direction: 1 | -1): Date {
    if (days === 0) return new Date(from);
    const clock = this.wallClock(from);
    let date = clock.date;
    for (let left = days; left > 0; left--) date = this.nextWorkingDay(date, direction);
    return this.instantOf({ ...clock, date });
  }

  /** The first working day after (or before) `date`. */
  private nextWorkingDay(date: string, direction: 1 | -1): string {
    const cache = this.nextWorkingDays[direction];
    let next = cache.get(date);
    if (next === undefined) {
      next = date;
      do {
        next = shiftDate(next, direction);
      } while (!this.isWorkingDay(next));
      remember(cache, date, next);
    }
    return next;
  }

  private wallClock(instant: Date): WallClock {
    const wall = wallClockOf(instant, this.timeZone);
    const rest = (wall.getUTCMinutes() * 60 + wall.getUTCSeconds()) * 1000 + wall.getUTCMilliseconds();
    return { date: isoDateOf(wall), hour: wall.getUTCHours(), rest };
  }

  private instantOf({ date, hour, rest }: WallClock): Date {
    const [year, month, day] = date.split('-').map(Number);
    return new Date(zonedInstant(year, month, day, this.timeZone, hour).getTime() + rest);
  }

  /**
   * Public holidays of a year, by each holiday's calendar day: `isHoliday(instant)` would start
   * Islamic holidays at 18:00 the evening before (stack-notes, date-holidays).
   */
  private holidaysOf(year: number): ReadonlySet<string> {
    let days = this.publicHolidays.get(year);
    if (!days) {
      this.source ??= new Holidays('ID');
      days = new Set(
        this.source
          .getHolidays(year)
          .filter((h) => h.type === 'public')
          .map((h) => h.date.slice(0, 10))
          .filter((d) => d.startsWith(`${year}-`)),
      );
      this.publicHolidays.set(year, days);
    }
    return days;
  }
}

/** `YYYY-MM-DD` naming a real day of the Gregorian calendar. */
export function isCalendarDate(text: string): boolean {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const at = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === text;
}

/** Caches stay small: past the bound one starts over (a long-running process moves on to new days). */
function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  if (cache.size >= 20_000) cache.clear();
  cache.set(key, value);
}

function shiftDate(date: string, days: number): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}
