import { dateIn, wallClockFormatter, wallClockOf, yearIn, yearRange, zonedInstant } from './time-zone.js';

describe('time zones', () => {
  it('gives the wall clock Intl gives, minute by minute across offset changes and odd offsets', () => {
    // The offset is cached per quarter hour: around a change every minute (and second near it) must still agree.
    const cases: [string, string][] = [
      ['Europe/Berlin', '2026-03-29T00:30:00Z'],
      ['Europe/Berlin', '2026-10-25T00:30:00Z'],
      ['America/St_Johns', '2026-03-08T05:00:00Z'],
      ['Asia/Kathmandu', '2026-06-01T00:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T14:30:00Z'],
      ['Asia/Jakarta', '1963-12-31T15:00:00Z'],
      // A change off the quarter hours: Batavia's +07:07:12 became +07:20 at 1923-12-31T16:52:48Z.
      ['Asia/Jakarta', '1923-12-31T16:00:00Z'],
    ];
    for (const [zone, around] of cases) {
      const start = new Date(around).getTime();
      for (let s = 0; s < 2 * 3600; s += 7) {
        const at = new Date(start + s * 1000 + 123);
        const parts = wallClockFormatter(zone).formatToParts(at);
        const get = (t: string) => parts.find((p) => p.type === t)!.value;
        const wall = wallClockOf(at, zone);
        const expected = `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}.123`;
        expect(`${zone} ${wall.toISOString().slice(0, 23)}`).toBe(`${zone} ${expected}`);
      }
    }
  });

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
