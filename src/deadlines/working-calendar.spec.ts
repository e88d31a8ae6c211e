import { DurationError, parseDuration, WorkingCalendar } from './working-calendar.js';

/*
 * Indonesia's 2026 public holidays as date-holidays 3.x lists them (calendar days), around the tests:
 *   2026-01-01 Thu new year · 2026-03-19 Thu Nyepi · 2026-03-20 Fri + 2026-03-21 Sat Idul Fitri ·
 *   2026-05-27 Wed Idul Adha · 2026-12-25 Fri Christmas · 2027-01-01 Fri new year · 2027-01-05 Tue Isra Mi'raj.
 * Islamic holidays "start" at 18:00 the evening before in the package; the calendar must ignore that.
 */
const jakarta = new WorkingCalendar({ timeZone: 'Asia/Jakarta' });
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('parseDuration', () => {
  it.each([
    ['P3D', 3, 0],
    ['PT30S', 0, 30_000],
    ['P1DT2H', 1, 7_200_000],
    ['PT0S', 0, 0],
    ['P0D', 0, 0],
    ['PT1H30M', 0, 5_400_000],
    ['PT0.5S', 0, 500],
    ['PT1,25S', 0, 1_250],
    ['P2DT3H4M5.006S', 2, 11_045_006],
  ])('reads %s', (text, days, ms) => {
    expect(parseDuration(text)).toEqual({ days, ms });
  });

  it.each([
    ['', /not a supported ISO 8601 duration/],
    ['P', /not a supported ISO 8601 duration/],
    ['PT', /not a supported ISO 8601 duration/],
    ['P1DT', /not a supported ISO 8601 duration/],
    ['-P1D', /negative/],
    ['P1M', /months, which are not supported: count working days/],
    ['P1Y', /years, which are not supported/],
    ['P2W', /weeks, which are not supported/],
    ['P1Y2M3D', /years, which are not supported/],
    ['PT1.5H', /not a supported/],
    ['P1.5D', /not a supported/],
    ['p3d', /not a supported/],
    ['3D', /not a supported/],
    [' P3D', /not a supported/],
    ['three days', /not a supported/],
    ['P99999D', /too long/],
  ])('refuses %j, quoting it', (text, why) => {
    let error: unknown;
    try {
      parseDuration(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DurationError);
    expect((error as Error).message).toContain(`"${text}"`);
    expect((error as Error).message).toMatch(why);
  });
});

describe('WorkingCalendar', () => {
  describe('working days', () => {
    it('skips Saturday and Sunday, keeping the wall-clock time', () => {
      // Friday 6 March 2026 15:00 WIB (UTC+7) → Monday 9 March 15:00 WIB.
      expect(iso(jakarta.add(at('2026-03-06T08:00:00Z'), 'P1D'))).toBe('2026-03-09T08:00:00.000Z');
      expect(iso(jakarta.add(at('2026-03-06T08:00:00Z'), 'P3D'))).toBe('2026-03-11T08:00:00.000Z');
    });

    it('moves a weekend start to Monday at the same clock time', () => {
      expect(iso(jakarta.add(at('2026-03-07T03:00:00Z'), 'P1D'))).toBe('2026-03-09T03:00:00.000Z'); // Saturday 10:00
      expect(iso(jakarta.add(at('2026-03-08T03:00:00Z'), 'P1D'))).toBe('2026-03-09T03:00:00.000Z'); // Sunday 10:00
      expect(iso(jakarta.add(at('2026-03-07T03:00:00Z'), 'P2D'))).toBe('2026-03-10T03:00:00.000Z');
    });

    it('knows weekends and the public holidays by calendar day', () => {
      expect(jakarta.isWorkingDay('2026-03-06')).toBe(true);
      expect(jakarta.isWorkingDay('2026-03-07')).toBe(false);
      expect(jakarta.isWorkingDay('2026-03-08')).toBe(false);
      expect(jakarta.isWorkingDay('2026-03-19')).toBe(false); // Nyepi
      expect(jakarta.isWorkingDay('2026-03-20')).toBe(false); // Idul Fitri
      expect(jakarta.isWorkingDay('2026-01-01')).toBe(false);
      expect(() => jakarta.isWorkingDay('2026-3-6')).toThrow(RangeError);
    });

    it('skips Nyepi and Idul Fitri 2026 (19–22 March is one run of days off)', () => {
      // Wednesday 18 March 10:00 WIB + P1D: Thu Nyepi, Fri Idul Fitri, Sat Idul Fitri, Sun → Monday 23 March.
      expect(iso(jakarta.add(at('2026-03-18T03:00:00Z'), 'P1D'))).toBe('2026-03-23T03:00:00.000Z');
      // Starting on the holiday itself (Thursday 19 March 10:00) lands on the same Monday.
      expect(iso(jakarta.add(at('2026-03-19T03:00:00Z'), 'P1D'))).toBe('2026-03-23T03:00:00.000Z');
      // Tuesday 17 March + P2D: Wednesday 18 counts, the run is skipped.
      expect(iso(jakarta.add(at('2026-03-17T03:00:00Z'), 'P2D'))).toBe('2026-03-23T03:00:00.000Z');
    });

    it('counts the evening before an Islamic holiday as a working day', () => {
      // date-holidays starts Idul Adha (Wed 27 May 2026) at 18:00 on Tuesday; Tuesday still counts.
      expect(jakarta.isWorkingDay('2026-05-26')).toBe(true);
      expect(jakarta.isWorkingDay('2026-05-27')).toBe(false);
      // Monday 25 May 19:00 WIB + P1D → Tuesday 26 May 19:00, not Thursday.
      expect(iso(jakarta.add(at('2026-05-25T12:00:00Z'), 'P1D'))).toBe('2026-05-26T12:00:00.000Z');
      expect(jakarta.localDate(at('2026-05-26T12:00:00Z'))).toBe('2026-05-26');
      expect(iso(jakarta.add(at('2026-05-26T03:00:00Z'), 'P1D'))).toBe('2026-05-28T03:00:00.000Z');
    });

    it('lets a T part run into a holiday: clock time is elapsed time', () => {
      // Wednesday 18 March 20:00 WIB + PT6H = Thursday 19 March 02:00 (Nyepi); no working-day shift.
      const due = jakarta.add(at('2026-03-18T13:00:00Z'), 'PT6H');
      expect(iso(due)).toBe('2026-03-18T19:00:00.000Z');
      expect(jakarta.isWorkingDay(jakarta.localDate(due))).toBe(false);
    });

    it('crosses the year boundary, skipping 1 January', () => {
      // Thursday 31 Dec 2026 10:00 WIB + P1D: Fri 1 Jan 2027 holiday, weekend → Monday 4 January.
      expect(iso(jakarta.add(at('2026-12-31T03:00:00Z'), 'P1D'))).toBe('2027-01-04T03:00:00.000Z');
      // + P2D: Tuesday 5 January is Isra Mi'raj → Wednesday 6 January.
      expect(iso(jakarta.add(at('2026-12-31T03:00:00Z'), 'P2D'))).toBe('2027-01-06T03:00:00.000Z');
      // 31 Dec 23:30 WIB is already 1 January by then in Jayapura (UTC+9), a holiday.
      expect(jakarta.localDate(at('2026-12-31T16:30:00Z'))).toBe('2026-12-31');
      expect(new WorkingCalendar({ timeZone: 'Asia/Jayapura' }).localDate(at('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
    });

    it('skips cuti bersama given as extra holidays', () => {
      const withLeave = new WorkingCalendar({ timeZone: 'Asia/Jakarta', extraHolidays: ['2026-03-18', '2026-03-24', '2026-12-24'] });
      expect(withLeave.isWorkingDay('2026-03-18')).toBe(false);
      expect(jakarta.isWorkingDay('2026-03-18')).toBe(true);
      // Tuesday 17 March + P1D: 18 (leave) and 19–22 → Monday 23; + P2D skips Tuesday 24 too.
      expect(iso(withLeave.add(at('2026-03-17T03:00:00Z'), 'P1D'))).toBe('2026-03-23T03:00:00.000Z');
      expect(iso(withLeave.add(at('2026-03-17T03:00:00Z'), 'P2D'))).toBe('2026-03-25T03:00:00.000Z');
      // Wednesday 23 Dec + P1D: 24 (leave), 25 Christmas, weekend → Monday 28 December.
      expect(iso(withLeave.add(at('2026-12-23T03:00:00Z'), 'P1D'))).toBe('2026-12-28T03:00:00.000Z');
    });

    it('refuses an unknown time zone and a malformed extra date', () => {
      expect(() => new WorkingCalendar({ timeZone: 'Asia/Atlantis' })).toThrow(RangeError);
      expect(() => new WorkingCalendar({ timeZone: 'Asia/Jakarta', extraHolidays: ['2026-02-30'] })).toThrow(/2026-02-30/);
    });
  });

  describe('T part', () => {
    it('adds clock time as elapsed time', () => {
      expect(iso(jakarta.add(at('2026-03-06T08:00:00Z'), 'PT30S'))).toBe('2026-03-06T08:00:30.000Z');
      expect(iso(jakarta.add(at('2026-03-06T08:00:00Z'), 'PT0.25S'))).toBe('2026-03-06T08:00:00.250Z');
      // Friday 23:00 WIB + PT2H = Saturday 01:00: the T part does not count working hours.
      expect(iso(jakarta.add(at('2026-03-06T16:00:00Z'), 'PT2H'))).toBe('2026-03-06T18:00:00.000Z');
    });

    it('adds the D part first, then the T part', () => {
      // Friday 15:00 + P1DT2H = Monday 17:00.
      expect(iso(jakarta.add(at('2026-03-06T08:00:00Z'), 'P1DT2H'))).toBe('2026-03-09T10:00:00.000Z');
      expect(iso(jakarta.add(at('2026-03-06T08:00:00Z'), { days: 1, ms: 7_200_000 }))).toBe('2026-03-09T10:00:00.000Z');
    });

    it('leaves a zero duration where it is, even on a weekend', () => {
      expect(iso(jakarta.add(at('2026-03-07T03:00:00Z'), 'P0D'))).toBe('2026-03-07T03:00:00.000Z');
      expect(iso(jakarta.add(at('2026-03-07T03:00:00Z'), 'PT0S'))).toBe('2026-03-07T03:00:00.000Z');
    });
  });

  describe('subtract', () => {
    it('goes back working days at the same clock time', () => {
      // P1D before Monday 9 March 10:00 WIB = Friday 6 March 10:00.
      expect(iso(jakarta.subtract(at('2026-03-09T03:00:00Z'), 'P1D'))).toBe('2026-03-06T03:00:00.000Z');
      // P1D before Monday 23 March (after Nyepi/Idul Fitri) = Wednesday 18 March.
      expect(iso(jakarta.subtract(at('2026-03-23T03:00:00Z'), 'P1D'))).toBe('2026-03-18T03:00:00.000Z');
      // P1D before Monday 4 January 2027 = Thursday 31 December 2026.
      expect(iso(jakarta.subtract(at('2027-01-04T03:00:00Z'), 'P1D'))).toBe('2026-12-31T03:00:00.000Z');
      // From a Sunday, the previous working day is Friday.
      expect(iso(jakarta.subtract(at('2026-03-08T03:00:00Z'), 'P1D'))).toBe('2026-03-06T03:00:00.000Z');
    });

    it('takes the T part off as elapsed time', () => {
      expect(iso(jakarta.subtract(at('2026-03-09T03:00:00Z'), 'PT10S'))).toBe('2026-03-09T02:59:50.000Z');
      expect(iso(jakarta.subtract(at('2026-03-09T03:00:00Z'), 'PT0S'))).toBe('2026-03-09T03:00:00.000Z');
      // Monday 17:00 − P1DT2H = Friday 15:00: the reverse of add.
      expect(iso(jakarta.subtract(at('2026-03-09T10:00:00Z'), 'P1DT2H'))).toBe('2026-03-06T08:00:00.000Z');
    });

    it('undoes add() for starts on working days', () => {
      const starts = ['2026-03-06T08:00:00Z', '2026-03-18T03:00:00Z', '2026-12-31T03:00:00Z', '2026-05-26T12:34:56.789Z'];
      for (const start of starts) {
        for (const duration of ['P1D', 'P3DT4H', 'P10D', 'PT45M']) {
          expect(iso(jakarta.subtract(jakarta.add(at(start), duration), duration))).toBe(iso(at(start)));
        }
      }
    });
  });

  describe('time zones and wall clocks', () => {
    const jayapura = new WorkingCalendar({ timeZone: 'Asia/Jayapura' });

    it('counts days in the city: Friday 23:30 in Jakarta is Saturday 01:30 in Jayapura', () => {
      const instant = at('2026-03-06T16:30:00Z');
      expect(jakarta.localDate(instant)).toBe('2026-03-06');
      expect(jayapura.localDate(instant)).toBe('2026-03-07');
      // Jakarta: Friday 23:30 → Monday 23:30 WIB. Jayapura: Saturday 01:30 → Monday 01:30 WIT.
      expect(iso(jakarta.add(instant, 'P1D'))).toBe('2026-03-09T16:30:00.000Z');
      expect(iso(jayapura.add(instant, 'P1D'))).toBe('2026-03-08T16:30:00.000Z');
    });

    it('keeps Friday 15:00 local in each zone', () => {
      expect(iso(jakarta.add(at('2026-03-06T08:00:00Z'), 'P1D'))).toBe('2026-03-09T08:00:00.000Z');
      expect(iso(jayapura.add(at('2026-03-06T06:00:00Z'), 'P1D'))).toBe('2026-03-09T06:00:00.000Z');
    });

    it('keeps minutes, seconds and milliseconds of the wall clock', () => {
      expect(iso(jakarta.add(at('2026-03-06T03:07:08.123Z'), 'P1D'))).toBe('2026-03-09T03:07:08.123Z');
      // A half-hour zone: Saturday 00:15 IST is still Friday in UTC; + P1D = Monday 00:15 IST.
      const kolkata = new WorkingCalendar({ timeZone: 'Asia/Kolkata' });
      expect(kolkata.localDate(at('2026-03-06T18:45:00Z'))).toBe('2026-03-07');
      expect(iso(kolkata.add(at('2026-03-06T18:45:30.250Z'), 'P1D'))).toBe('2026-03-08T18:45:30.250Z');
    });

    it('keeps the wall clock across a daylight-saving change', () => {
      // Friday 27 March 2026 10:00 CET + P1D = Monday 30 March 10:00 CEST.
      const berlin = new WorkingCalendar({ timeZone: 'Europe/Berlin' });
      expect(iso(berlin.add(at('2026-03-27T09:00:00Z'), 'P1D'))).toBe('2026-03-30T08:00:00.000Z');
      expect(iso(berlin.addCalendarDays(at('2026-03-27T09:00:00Z'), 3))).toBe('2026-03-30T08:00:00.000Z');
    });
  });

  describe('addCalendarDays', () => {
    it('counts plain days, holidays and weekends included', () => {
      expect(iso(jakarta.addCalendarDays(at('2026-12-31T03:00:00Z'), 1))).toBe('2027-01-01T03:00:00.000Z');
      expect(iso(jakarta.addCalendarDays(at('2026-03-18T03:00:00Z'), 3))).toBe('2026-03-21T03:00:00.000Z');
    });

    it('goes back for negative days, e.g. 90 days before expiry', () => {
      expect(iso(jakarta.addCalendarDays(at('2027-03-31T00:00:00Z'), -90))).toBe('2026-12-31T00:00:00.000Z');
      expect(iso(jakarta.addCalendarDays(at('2027-03-31T00:00:00Z'), 0))).toBe('2027-03-31T00:00:00.000Z');
    });

    it('refuses fractional days', () => {
      expect(() => jakarta.addCalendarDays(at('2027-03-31T00:00:00Z'), 1.5)).toThrow(RangeError);
    });
  });
});

describe('WorkingCalendar.workingDaysBetween', () => {
  const cal = new WorkingCalendar({ timeZone: 'Asia/Jakarta' });
  const wib = (date: string, time = '10:00') => new Date(`${date}T${time}:00+07:00`);

  it('counts working days ahead and behind, skipping weekends and holidays', () => {
    expect(cal.workingDaysBetween(wib('2026-11-27'), wib('2026-11-27', '16:00'))).toBe(0);
    expect(cal.workingDaysBetween(wib('2026-11-27'), wib('2026-11-30'))).toBe(1); // Friday → Monday
    expect(cal.workingDaysBetween(wib('2026-11-30'), wib('2026-11-27'))).toBe(-1);
    expect(cal.workingDaysBetween(wib('2026-03-18'), wib('2026-03-23'))).toBe(1); // Nyepi and Idul Fitri between
    expect(cal.workingDaysBetween(wib('2026-12-31'), wib('2027-01-04'))).toBe(1);
  });
});
