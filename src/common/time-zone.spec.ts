import { dateIn, yearIn, yearRange, zonedInstant } from './time-zone.js';

describe('time zones', () => {
  it('puts midnight in Jakarta at 17:00 UTC the day before', () => {
    expect(zonedInstant(2027, 1, 1, 'Asia/Jakarta').toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(zonedInstant(2027, 1, 1, 'Asia/Jayapura').toISOString()).toBe('2026-12-31T15:00:00.000Z');
  });

  it('handles a zone with daylight saving', () => {
    expect(zonedInstant(2027, 7, 1, 'Europe/Berlin', 12).toISOString()).toBe('2027-07-01T10:00:00.000Z');
    expect(zonedInstant(2027, 1, 1, 'Europe/Berlin', 12).toISOString()).toBe('2027-01-01T11:00:00.000Z');
  });

  it('gives a year as [start, end) in the zone', () => {
    const [from, to] = yearRange(2017, 'Asia/Jakarta');
    expect([from.toISOString(), to.toISOString()]).toEqual(['2016-12-31T17:00:00.000Z', '2017-12-31T17:00:00.000Z']);
  });

  it('tells the year of an instant in the zone, across New Year', () => {
    expect(yearIn(new Date('2026-12-31T17:30:00Z'), 'Asia/Jakarta')).toBe(2027);
    expect(yearIn(new Date('2026-12-31T16:30:00Z'), 'Asia/Jakarta')).toBe(2026);
  });

  it("tells an instant's calendar date in the zone, around midnight", () => {
    expect(dateIn(new Date('2026-12-31T16:30:00Z'), 'Asia/Jakarta')).toBe('2026-12-31'); // 23:30 WIB
    expect(dateIn(new Date('2026-12-31T17:30:00Z'), 'Asia/Jakarta')).toBe('2027-01-01'); // 00:30 WIB, still 31 Dec in UTC
    expect(dateIn(new Date('2026-12-31T16:30:00Z'), 'Asia/Makassar')).toBe('2027-01-01'); // 00:30 WITA
  });
});
