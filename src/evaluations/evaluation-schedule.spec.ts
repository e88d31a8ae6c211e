import { zonedInstant } from '../common/time-zone.js';
import { WorkingCalendar } from '../deadlines/working-calendar.js';
import { idxOf, offsetOf, periodOfOffset, planEvaluations } from './evaluation-schedule.js';

const timeZone = 'Asia/Jakarta';
const calendar = new WorkingCalendar({ timeZone, extraHolidays: [] });
const settings = { calendar, timeZone, endOfTerm: 'P30D' };
const at = (date: string, hour = 0) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return zonedInstant(y, m, d, timeZone, hour);
};
const plan = (validFrom: string | null, validUntil: string | null, today: string) =>
  planEvaluations({ validFrom, validUntil }, at(today, 10), settings, today).map((p) => ({ key: p.key, from: p.from, to: p.to, fireAt: p.fireAt.toISOString() }));

describe('the evaluation schedule (contract §10)', () => {
  it('has one per half-year of the term and one at its end, from the last period on', () => {
    const planned = plan('2027-01-01', '2028-12-31', '2026-12-20');
    expect(planned.map((p) => [p.key, p.from, p.to])).toEqual([
      ['2027-1', '2027-01-01', '2027-06-30'],
      ['2027-2', '2027-07-01', '2027-12-31'],
      ['2028-1', '2028-01-01', '2028-06-30'],
      ['end', '2028-07-01', '2028-12-31'],
    ]);
    // 07:00 WIB the day after the period ends.
    expect(planned[0]!.fireAt).toBe(at('2027-07-01', 7).toISOString());
    // 30 working days before 31 December 2028 at 07:00, so the half 2028-2 (opening 1 January 2029) is the end's.
    const end = new Date(planned[3]!.fireAt);
    expect(end.getTime()).toBe(calendar.subtract(at('2028-12-31', 7), 'P30D').getTime());
    expect(calendar.localDate(end) < '2028-12-31').toBe(true);
  });

  it('clips a term starting mid-period and skips periods already over', () => {
    expect(plan('2026-03-15', '2027-09-30', '2026-03-20').map((p) => [p.key, p.from, p.to])).toEqual([
      ['2026-1', '2026-03-15', '2026-06-30'],
      ['2026-2', '2026-07-01', '2026-12-31'],
      ['2027-1', '2027-01-01', '2027-06-30'],
      ['end', '2027-07-01', '2027-09-30'],
    ]);
    // Signed (or imported) late: 2026-1 has passed; the end still covers from the last period's end.
    expect(plan('2026-03-15', '2027-09-30', '2026-08-01').map((p) => p.key)).toEqual(['2026-2', '2027-1', 'end']);
  });

  it('has only the end-of-term evaluation, opening at once, for a term shorter than 30 working days', () => {
    const planned = plan('2026-12-10', '2027-01-05', '2026-12-10');
    expect(planned.map((p) => [p.key, p.from, p.to])).toEqual([['end', '2026-12-10', '2027-01-05']]);
    expect(planned[0]!.fireAt).toBe(at('2026-12-10', 10).toISOString());
  });

  it('has none without validUntil (no term to divide), nor for a term already over', () => {
    expect(plan('2026-01-01', null, '2026-12-10')).toEqual([]);
    expect(plan('2020-01-01', '2021-01-01', '2026-12-10')).toEqual([]);
  });

  it('writes its period in the timer offset and back, within the column', () => {
    const p = { key: '2027-1', from: '2027-01-15', to: '2027-06-30' };
    expect(offsetOf(p)).toBe('2027-1/2027-01-15/2027-06-30');
    expect(offsetOf({ key: 'end', from: '2027-07-01', to: '2027-12-31' }).length).toBeLessThanOrEqual(32);
    expect(periodOfOffset(offsetOf(p))).toEqual(p);
    expect([idxOf('2027-1'), idxOf('2027-2'), idxOf('end')]).toEqual([20271, 20272, 0]);
  });
});
