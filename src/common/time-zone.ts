const instants = new Map<string, number>();
/** Instants remembered before the memo starts over: an import of 10,000 agreements asks for the same few dates again and again. */
const INSTANT_MEMO = 10_000;

/** The UTC instant of a wall-clock time in a time zone (no DST in Indonesia, but zones are general). */
export function zonedInstant(year: number, month: number, day: number, timeZone: string, hour = 0): Date {
  const key = `${year}|${month}|${day}|${hour}|${timeZone}`;
  const known = instants.get(key);
  if (known !== undefined) return new Date(known);
  const guess = Date.UTC(year, month - 1, day, hour);
  const offset = offsetMs(new Date(guess), timeZone);
  const first = guess - offset;
  const at = first + (offset - offsetMs(new Date(first), timeZone));
  if (instants.size >= INSTANT_MEMO) instants.clear();
  instants.set(key, at);
  return new Date(at);
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

function offsetMs(at: Date, timeZone: string): number {
  const parts = wallClockFormatter(timeZone).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** [start, end) of a calendar year in the city's time zone. */
export function yearRange(year: number, timeZone: string): [Date, Date] {
  return [zonedInstant(year, 1, 1, timeZone), zonedInstant(year + 1, 1, 1, timeZone)];
}

/** The calendar year of an instant in a time zone. */
export function yearIn(at: Date, timeZone: string): number {
  return Number(wallClockFormatter(timeZone).formatToParts(at).find((p) => p.type === 'year')!.value);
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone: "today" for the city, not for UTC. */
export function dateIn(at: Date, timeZone: string): string {
  const parts = wallClockFormatter(timeZone).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}
