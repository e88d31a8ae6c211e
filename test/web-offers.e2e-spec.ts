/**
 * Partners' way in (contract §11) in a real browser, no sign-in: a company sends an offer on `/offer`
 * with its two PDFs, follows it on its tracking page, and, when the secretariat asks for more (through the
 * API in between), answers there with a paper and a reply; Indonesian first, English on the switch, on a
 * phone-sized screen. Uses the system's Chromium (never downloads one); fails, not skips, when it is missing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { TestApp, USERS, samplePdf } from './support/test-app.js';
import { launchChromium, newPage, signIn } from './support/browser.js';

let t: TestApp;
let browser: Browser;
let base: string;
const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite';

beforeAll(async () => {
  t = await TestApp.start();
  base = await t.listen();
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
}, 30_000);

test(`an offer sent on /offer, followed and answered on its tracking page (${backend})`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'onegate-web-offer-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, samplePdf(text));
    return path;
  };
  const errors: string[] = [];
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await newPage(ctx, errors, [400]);

  await page.goto(`${base}/offer`);
  await page.getByTestId('offer-form').waitFor();
  expect(await page.evaluate<string>('document.documentElement.lang')).toBe('id');
  expect(await page.locator('h1').innerText()).toBe('Penawaran kerja sama dari mitra');
  // No sign-in on the partner's page.
  expect(await page.getByTestId('user-picker').count()).toBe(0);
  await page.getByLabel('Nama mitra').fill('PT Air Jambi Lestari');
  await page.getByTestId('of-category').selectOption('third_party');
  await page.getByLabel('Nama narahubung').fill('Budi Santoso');
  await page.getByLabel('Surel narahubung').fill('budi@airjambi.co.id');
  await page.getByLabel('Judul penawaran').fill('Penawaran pengelolaan air bersih');
  await page.getByTestId('of-instrument').selectOption('pks');
  await page.getByLabel('Ringkasan penawaran').fill('Kami menawarkan pengelolaan air bersih.');
  await page.getByTestId('of-profile').setInputFiles(file('profil.pdf', 'profil'));
  // The legal papers left out: the server names the field, in words.
  await page.getByTestId('offer-submit').click();
  expect(await page.getByRole('alert').innerText()).toContain('Dokumen legalitas');
  await page.getByTestId('of-legal').setInputFiles(file('akta.pdf', 'akta'));
  await page.getByTestId('offer-submit').click();
  await page.getByTestId('offer-done').waitFor();
  const href = (await page.getByTestId('offer-track-link').getAttribute('href'))!;
  expect(href).toMatch(/^\/offers\/[A-Za-z0-9_-]{43}$/);

  await page.getByTestId('offer-track-link').click();
  await page.getByTestId('offer-tracking').waitFor();
  expect(new URL(page.url()).pathname).toBe(href);
  expect(await page.getByTestId('offer-title').innerText()).toBe('Penawaran pengelolaan air bersih');
  expect(await page.getByTestId('offer-status').innerText()).toBe('Diterima, sedang diperiksa');
  expect(await page.getByTestId('offer-document').count()).toBe(2);
  const number = await page.getByTestId('offer-number').innerText();
  expect(number).toMatch(/^KS-\d{4}-\d{4}$/);

  // The secretariat asks for more.
  const c = (await t.get(`/api/cases?q=${encodeURIComponent('Penawaran pengelolaan air bersih')}`, USERS.secretariat)).body.items[0];
  expect(c.number).toBe(number);
  const asked = await t.post(`/api/tasks/${c.openTasks[0].id}/complete`, USERS.secretariat, { decision: 'revise', comment: 'Mohon lampirkan NIB perusahaan' });
  expect(asked.status).toBe(200);

  await page.reload();
  await page.locator('[data-testid="offer-status"][data-status="awaiting_partner"]').waitFor();
  expect(await page.getByTestId('offer-status').innerText()).toBe('Menunggu jawaban Anda');
  expect(await page.getByTestId('offer-request').innerText()).toContain('Mohon lampirkan NIB perusahaan');
  // In English on the switch.
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction(`document.documentElement.lang === 'en'`);
  expect(await page.getByTestId('offer-status').innerText()).toBe('Waiting for your reply');
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction(`document.documentElement.lang === 'id'`);

  await page.getByTestId('offer-upload-file').setInputFiles(file('nib.pdf', 'nib'));
  await page.getByTestId('offer-upload-send').click();
  await page.getByTestId('offer-document').nth(2).waitFor();
  expect(await page.getByTestId('offer-documents').innerText()).toContain('nib.pdf');
  await page.getByTestId('offer-reply').fill('NIB sudah kami unggah');
  await page.getByTestId('offer-reply-send').click();
  await page.locator('[data-testid="offer-status"][data-status="received"]').waitFor();
  expect(await page.getByTestId('offer-reply-form').count()).toBe(0);
  expect(await page.locator('[data-testid="offer-request"][data-answered="true"]').count()).toBe(1);

  // Back at intake, with the reply and the paper recorded as the partner's.
  const after = (await t.get(`/api/cases/${c.id}`, USERS.secretariat)).body;
  expect(after.stage).toBe('intake');
  const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
  expect(history.at(-1)).toMatchObject({ type: 'PARTNER_REPLY', actor: { id: after.proposerId }, data: { comment: 'NIB sudah kami unggah' } });
  expect(after.proposerId).toMatch(/^partner:/);

  // A wrong code: the page says so and nothing more.
  await page.goto(`${base}/offers/${'A'.repeat(43)}`);
  expect(await page.getByTestId('offer-error').innerText()).toContain('Penawaran tidak ditemukan');
  // Fits a phone: no sideways scrolling.
  expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);

  // The secretariat's inbox lists the offer in its own group, after the other work.
  const other = await t.createCase({});
  expect((await t.post(`/api/cases/${other.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
  await signIn(page, base, USERS.secretariat);
  await page.goto(`${base}/inbox`);
  await page.getByTestId('inbox-group-offers').waitFor();
  expect(await page.getByTestId('inbox-group-offers').innerText()).toContain('Penawaran mitra yang menunggu penerimaan (1)');
  const rows = await page.getByTestId('task-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-case-id')));
  expect(rows).toEqual([other.id, c.id]);
  expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  await ctx.close();
}, 90_000);
