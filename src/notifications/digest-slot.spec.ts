import { zonedInstant } from '../common/time-zone.js';
import { WorkingCalendar } from '../deadlines/working-calendar.js';
import { digestSlot } from './digest-slot.js';

describe('digestSlot', () => {
  const jakarta = new WorkingCalendar({ timeZone: 'Asia/Jakarta', extraHolidays: ['2030-09-04'] });
  const at = (y: number, m: number, d: number, h: number, min: number, tz = 'Asia/Jakarta') => new Date(zonedInstant(y, m, d, tz, h).getTime() + min * 60_000);

  it("is today's 07:30 in the city's zone on a working day, from 07:30 on", () => {
    expect(digestSlot(at(2030, 9, 2, 7, 29), jakarta)).toBeNull(); // Monday, a minute early
    expect(digestSlot(at(2030, 9, 2, 7, 30), jakarta)).toEqual({ date: '2030-09-02', at: at(2030, 9, 2, 7, 30) });
    expect(digestSlot(at(2030, 9, 2, 23, 59), jakarta)).toEqual({ date: '2030-09-02', at: at(2030, 9, 2, 7, 30) });
    expect(at(2030, 9, 2, 7, 30).toISOString()).toBe('2030-09-02T00:30:00.000Z');
  });

  it('is none on a weekend, an Indonesian public holiday or an ONEGATE_HOLIDAYS date', () => {
    expect(digestSlot(at(2030, 9, 7, 9, 0), jakarta)).toBeNull(); // Saturday
    expect(digestSlot(at(2030, 9, 8, 9, 0), jakarta)).toBeNull(); // Sunday
    expect(digestSlot(at(2030, 12, 25, 9, 0), jakarta)).toBeNull(); // Christmas, a Wednesday
    expect(digestSlot(at(2030, 9, 4, 9, 0), jakarta)).toBeNull(); // an extra holiday, a Wednesday
    expect(digestSlot(at(2030, 9, 5, 9, 0), jakarta)).toEqual({ date: '2030-09-05', at: at(2030, 9, 5, 7, 30) });
  });

  it('counts in ONEGATE_TIMEZONE: 07:30 WITA is an hour before 07:30 WIB', () => {
    const makassar = new WorkingCalendar({ timeZone: 'Asia/Makassar' });
    expect(digestSlot(at(2030, 9, 2, 7, 30, 'Asia/Makassar'), makassar)?.at.toISOString()).toBe('2030-09-01T23:30:00.000Z');
    expect(digestSlot(at(2030, 9, 2, 6, 45), makassar)).not.toBeNull(); // 06:45 WIB is 07:45 WITA
    expect(digestSlot(at(2030, 9, 2, 6, 45), jakarta)).toBeNull();
  });
});
