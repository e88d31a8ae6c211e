/**
 * The dashboard's "where files wait" chart (issue 17 item 4) in a real browser: a case history made on
 * the app's clock with known working-day durations (December 2030, no public holiday before Christmas)
 * is drawn as SVG bars with a title and description, and the same figures in a table, in Indonesian
 * and English; writes docs/screenshots/dashboard-waiting.png. Uses the system's Chromium, one browser
 * for the file; fails, not skips, when it is missing.
 * Runs on PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set, embedded otherwise.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SettableClock } from '../src/common/clock.js';
import { launchChromium, newPage, signIn } from './support/browser.js';
import { TestApp, USERS } from './support/test-app.js';

const SCREENSHOTS = join(__dirname, '..', 'docs', 'screenshots');
const at = (local: string) => new Date(`${local}+07:00`);
const clock = new SettableClock();
let t: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  clock.set(at('2030-12-02T09:00:00'));
  t = await TestApp.start({}, { clock });
  base = await t.listen();
  browser = await launchChromium();
  const step = async (when: string, fn: () => Promise<{ status: number; text: string }>) => {
    clock.set(at(when));
    const res = await fn();
    if (res.status >= 300) throw new Error(`${when}: ${res.status} ${res.text}`);
  };
  // Administrative check: 2.00 working days (Monday 2nd → Wednesday 4th) and 8.00 (Monday 2nd → Thursday 12th):
  // median 5, p90 2 + 0.9 × 6 = 7.4, one of two within its five working days.
  const a = (await t.createCase({ title: 'KB pengelolaan sampah' })).id;
  const b = (await t.createCase({ title: 'PKS air bersih', instrument: 'pks' })).id;
  for (const id of [a, b]) await step('2030-12-02T09:00:00', () => t.post(`/api/cases/${id}/events`, USERS.proposer, { type: 'SUBMIT' }));
  await step('2030-12-04T09:00:00', () => t.decide(a, USERS.secretariat, 'approve'));
  await step('2030-12-12T09:00:00', () => t.decide(b, USERS.secretariat, 'approve'));
  clock.set(at('2030-12-13T09:00:00'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
}, 30_000);

const attr = (page: Page, selector: string, name: string) => page.locator(selector).first().getAttribute(name);

test('the dashboard draws where files wait from the stage report, with a table of the same figures', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  const page = await newPage(context, errors);
  await signIn(page, base, USERS.secretariat);
  await page.goto(`${base}/dashboard`);
  await page.getByTestId('chart-waiting').waitFor();

  const admin = '[data-testid="chart-waiting"] svg g[data-stage="administrative_check"]';
  expect(await attr(page, admin, 'data-median')).toBe('5');
  expect(await attr(page, admin, 'data-p90')).toBe('7.4');
  expect(await page.locator(admin).textContent()).toContain('Pemeriksaan administrasi');
  expect(await page.locator(admin).textContent()).toContain('5,0 hari');
  // Both technical reviews are still open: no bar yet, two files waiting there.
  const tech = '[data-testid="chart-waiting"] svg g[data-stage="technical_review"]';
  expect(await page.locator(tech).textContent()).toContain('2 menunggu');
  expect(await page.locator(`${tech} rect.median`).count()).toBe(0);
  // The median bar is drawn to scale: 5 of the longest whisker's 7.4 days.
  const track = Number(await attr(page, `${admin} rect:not(.median)`, 'width'));
  expect(Number(await attr(page, `${admin} rect.median`, 'width'))).toBeCloseTo((track * 5) / 7.4, 1);
  // Accessible: a named image with a description, and the table for those who read numbers.
  expect(await page.locator('[data-testid="chart-waiting"] svg').getAttribute('role')).toBe('img');
  expect(await page.locator('#stages-svg-title').textContent()).toContain('Di mana berkas menunggu');
  expect(await page.locator('#stages-svg-desc').textContent()).toContain('Pemeriksaan administrasi: median 5,0 hari kerja');
  const row = page.locator('[data-testid="stages-table"] tr[data-stage="administrative_check"]');
  expect(await row.locator('th').textContent()).toBe('Pemeriksaan administrasi');
  expect(await row.locator('td').allTextContents()).toEqual(['2', '2', '0', '5,0', '7,4', '50%', '0']);
  // Stages no file entered are left out; an agreement in force is no desk.
  expect(await page.locator('[data-testid="stages-table"] tr[data-stage="mayor_signature"]').count()).toBe(0);

  await page.getByTestId('chart-waiting').screenshot({ path: join(SCREENSHOTS, 'dashboard-waiting.png') });
  // Stays that entered from Wednesday 4th: both administrative checks began on the 2nd, so that row goes;
  // both technical reviews (4th and 12th) stay.
  await page.getByTestId('stages-from').fill('2030-12-04');
  await page.locator('[data-testid="stages-table"] tr[data-stage="administrative_check"]').waitFor({ state: 'detached' });
  expect(await page.locator('[data-testid="stages-table"] tr[data-stage="technical_review"] td').first().textContent()).toBe('2');
  await page.getByTestId('stages-from').fill('');
  await row.waitFor();

  await page.getByTestId('lang-switch').click();
  await page.locator('#stages-svg-title', { hasText: 'Where files wait' }).waitFor({ state: 'attached' });
  expect(await row.locator('th').textContent()).toBe('Administrative check');
  expect(await row.locator('td[data-col="p90"]').textContent()).toBe('7.4');
  await page.getByTestId('lang-switch').click();
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);
