/** What this test uses of web/i18n.js (plain JS, type-checked by `npm run typecheck:web`, not by this project). */
interface WebDates {
  formatDate(iso: string, withTime?: boolean, timeZone?: string): string;
  formatWhen(iso: string, timeZone?: string): string;
}
const WEB_I18N = '../web/i18n.js';
let formatDate: WebDates['formatDate'];
let formatWhen: WebDates['formatWhen'];

beforeAll(async () => {
  ({ formatDate, formatWhen } = (await import(WEB_I18N)) as WebDates);
});

/**
 * web/i18n.js shows every instant in the city's time zone, which it takes from the server's /labels.js
 * (ONEGATE_TIMEZONE), never a zone of its own: here the module stands in for a WITA city (Asia/Makassar).
 * The web app's own module, run in Node without a browser (no Nest, no server).
 */
describe('web app dates in the configured time zone', () => {
  it('shows an instant in the city’s zone: 16:30 UTC on 31 December is 00:30 on 1 January in Makassar', () => {
    expect(formatWhen('2026-12-31T16:30:00Z')).toBe('1 Jan 2027 00.30');
    expect(formatWhen('2026-12-31T16:30:00Z', 'Asia/Jakarta')).toBe('31 Des 2026 23.30'); // the same instant in WIB
    expect(formatDate('2026-12-31T16:30:00Z')).toBe('1 Jan 2027');
    expect(formatDate('2026-12-31T16:30:00Z', true)).toMatch(/^1 Jan 2027,? 00[.:]30$/);
  });

  it('shows a calendar date as the day it names, whatever the zone', () => {
    expect(formatDate('2026-12-31')).toBe('31 Des 2026');
    expect(formatDate('2026-12-31', false, 'Pacific/Honolulu')).toBe('31 Des 2026');
    expect(formatDate('2026-12-31', false, 'Pacific/Kiritimati')).toBe('31 Des 2026');
  });
});
