/** The UTC instant of a wall-clock time in a time zone (no DST in Indonesia, but zones are general). */
export function zonedInstant(year: number, month: number, day: number, timeZone: string, hour = 0): Date {
  const guess = Date.UTC(year, month - 1, day, hour);
  const offset = offsetMs(new Date(guess), timeZone);
  const first = guess - offset;
  return new Date(first + (offset - offsetMs(new Date(first), timeZone)));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Formats an instant as the zone's wall clock (year … second, 24 h), for `formatToParts`; one per zone, since building one is costly. */
export function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  formatters.set(timeZone, formatter);
  return formatter;
}

/** The zone's offset from UTC at an instant, as Intl works it out (slow: a `formatToParts` per call). */
function intlOffsetMs(atMs: number, timeZone: string): number {
  const parts = wallClockFormatter(timeZone).formatToParts(new Date(atMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(atMs / 1000) * 1000;
}

/** Quarter hours: the tz database never puts two offset changes within one. */
const BUCKET_MS = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

/**
 * The zone's offset from UTC at an instant. Worked out with Intl once per zone and quarter hour: when
 * both ends of the quarter have the same offset (every quarter but one holding a change), it holds
 * throughout, since no zone changes its offset twice within fifteen minutes; the quarter of a change
 * asks Intl for the instant itself. A step plans its deadlines with dozens of these.
 */
function offsetMs(at: Date, timeZone: string): number {
  const ms = at.getTime();
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const bucket = Math.floor(ms / BUCKET_MS);
  let offset = zone.get(bucket);
  if (offset === undefined) {
    const start = intlOffsetMs(bucket * BUCKET_MS, timeZone);
    offset = start === intlOffsetMs((bucket + 1) * BUCKET_MS, timeZone) ? start : NaN;
    if (zone.size >= 50_000) zone.clear();
    zone.set(bucket, offset);
  }
  return Number.isNaN(offset) ? intlOffsetMs(ms, timeZone) : offset;
}

/** The zone's wall clock at an instant, as UTC fields of a shifted Date (year … millisecond). */
export function wallClockOf(at: Date, timeZone: string): Date {
  return new Date(at.getTime() + offsetMs(at, timeZone));
}

/** [start, end) of a calendar year in the city's time zone. */
export function yearRange(year: number, timeZone: string): [Date, Date] {
  return [zonedInstant(year, 1, 1, timeZone), zonedInstant(year + 1, 1, 1, timeZone)];
}

/** The calendar year of an instant in a time zone. */
export function yearIn(at: Date, timeZone: string): number {
  return wallClockOf(at, timeZone).getUTCFullYear();
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone: "today" for the city, not for UTC. */
export function dateIn(at: Date, timeZone: string): string {
  return isoDateOf(wallClockOf(at, timeZone));
}

/** `YYYY-MM-DD` of a wall clock as wallClockOf gives it (its UTC fields). */
export function isoDateOf(wall: Date): string {
  return `${String(wall.getUTCFullYear()).padStart(4, '0')}-${String(wall.getUTCMonth() + 1).padStart(2, '0')}-${String(wall.getUTCDate()).padStart(2, '0')}`;
}
