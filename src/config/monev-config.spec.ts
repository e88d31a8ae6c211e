import { ConfigError, DEFAULT_MONEV, monevOf } from './app-config.js';

describe('ONEGATE_MONEV (contract §10)', () => {
  it('defaults, and takes any of its keys over the defaults', () => {
    expect(monevOf(undefined)).toEqual({ endOfTerm: 'P30D', report: 'P10D', review: 'P5D', conclusion: 'P5D' });
    expect(monevOf('  ')).toEqual(DEFAULT_MONEV);
    expect(monevOf('{"endOfTerm":"P20D","review":"PT4H"}')).toEqual({ ...DEFAULT_MONEV, endOfTerm: 'P20D', review: 'PT4H' });
  });

  it.each([
    ['{"report":', /ONEGATE_MONEV is not valid JSON/],
    ['[1]', /ONEGATE_MONEV must be a JSON object/],
    ['{"reprot":"P3D"}', /ONEGATE_MONEV\.reprot is not a setting/],
    ['{"report":10}', /ONEGATE_MONEV\.report must be an ISO 8601 duration/],
    ['{"review":"5 days"}', /ONEGATE_MONEV\.review = "5 days"/],
    ['{"conclusion":"P0D"}', /ONEGATE_MONEV\.conclusion = "P0D"/],
  ])('refuses %s naming the key', (value, message) => {
    expect(() => monevOf(value)).toThrow(ConfigError);
    expect(() => monevOf(value)).toThrow(message);
  });
});
