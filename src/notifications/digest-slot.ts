import { zonedInstant } from '../common/time-zone.js';
import type { WorkingCalendar } from '../deadlines/working-calendar.js';

/** The digest's hour and minute on the city's wall clock (contract §12: "one morning e-mail"). */
export const DIGEST_HOUR = 7;
export const DIGEST_MINUTE = 30;

/**
 * The morning digest due by `now`: today's 07:30 in the calendar's zone when today is a working day
 * (not a weekend, Indonesian public holiday or ONEGATE_HOLIDAYS date) and that time has come; null
 * otherwise. Only today's: a digest missed on an earlier day (an outage) is not sent late, since
 * today's lists the same tasks.
 */
export function digestSlot(now: Date, calendar: WorkingCalendar): { date: string; at: Date } | null {
  const date = calendar.localDate(now);
  if (!calendar.isWorkingDay(date)) return null;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const at = new Date(zonedInstant(y, m, d, calendar.timeZone, DIGEST_HOUR).getTime() + DIGEST_MINUTE * 60_000);
  return now.getTime() >= at.getTime() ? { date, at } : null;
}
