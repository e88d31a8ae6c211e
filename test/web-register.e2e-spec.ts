/**
 * The register of agreements in a real browser (issue 17, items 3 and 5): the staff page `/agreements`
 * (status tabs with the expiring list, filters and search kept in the address, the entries to complete,
 * one click to the case and its documents, an export downloaded with the session's token, the
 * secretariat's edit form with field errors), and the public page `/registry` (no sign-in, search, public
 * fields only: no value, signatory, partner's number or comment reaches its DOM). The app's clock is the
 * real one (the page's "expiring" badge reads the browser's today); the agreements' terms are set around it.
 * One browser for the file; the system's Chromium (never a download), failing, not skipping, when missing.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SettableClock } from '../src/common/clock.js';
import { countOnceSettled, launchChromium, newPage, signIn, waitShowing } from './support/browser.js';
import { signedCase, terminate } from './support/agreements.js';
import { TestApp, USERS } from './support/test-app.js';

const DAY = 86_400_000;
/** A calendar date `days` from now (YYYY-MM-DD, in Jambi). */
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toLocaleDateString('sv-SE', { timeZone: 'Asia/Jakarta' });
/** A domain id in snake_case, or an ISO date or instant: neither may reach a person. */
const SNAKE_ID = /\b[a-z]+_[a-z_]+\b/;
const ISO = /\b\d{4}-\d{2}-\d{2}\b/;

const SCREENSHOTS = join(__dirname, '..', 'docs', 'screenshots');
const clock = new SettableClock();
let t: TestApp;
let browser: Browser;
let base: string;
const ids: Record<'health' | 'expiring' | 'expired' | 'ended', { id: string; number: string }> = {} as never;

const SECRET = { amount: 987654321, comment: 'Wanprestasi mitra rahasia', signatory: 'Ir. Budi Santoso Rahasia', partnerNumber: 'PKS/017/BPJS-RAHASIA' };

beforeAll(async () => {
  // Signed two years ago, then the clock comes back to now: one agreement's term is over by then.
  clock.set(new Date(Date.now() - 2 * 365 * DAY));
  t = await TestApp.start({}, { clock });
  const sign = async (title: string, partner: string, validUntil: string) => {
    const c = await signedCase(t, { title, instrument: 'pks', partner: { name: partner, category: 'third_party' }, validFrom: dateIn(-700), validUntil });
    return { id: c.id as string, number: c.number as string };
  };
  ids.health = await sign('PKS layanan kesehatan JKN', 'BPJS Kesehatan', dateIn(900));
  ids.expiring = await sign('PKS penerangan jalan umum', 'PT PLN (Persero)', dateIn(40));
  ids.expired = await sign('PKS magang mahasiswa', 'Politeknik Negeri Sriwijaya', dateIn(-30));
  ids.ended = await sign('PKS payroll ASN', 'Bank Negara Indonesia', dateIn(600));
  clock.set(null);
  await t.runDue();
  expect((await terminate(t, ids.ended.id, { comment: SECRET.comment })).status).toBe(201);
  const patch = await t.request('PATCH', `/api/agreements/${ids.health.id}`, {
    as: USERS.secretariat,
    body: {
      partnerNumber: SECRET.partnerNumber,
      signedPlace: 'Jambi',
      signatories: [
        { party: 'city', name: 'Dr. H. Syarif Fasha', position: 'Wali Kota Jambi' },
        { party: 'partner', name: SECRET.signatory, position: 'Kepala Cabang' },
      ],
      fields: ['kesehatan'],
      opds: ['Dinas Kesehatan'],
      value: { amount: SECRET.amount, currency: 'IDR', source: 'APBD Kota Jambi' },
    },
  });
  expect(patch.status).toBe(200);
  base = await t.listen();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
}, 30_000);

const rows = (page: Page) => page.getByTestId('agreement-row');
const rowIds = (page: Page) => rows(page).evaluateAll((rs) => rs.map((r) => (r as unknown as { dataset: { agreementId: string } }).dataset.agreementId));
const text = (page: Page, selector: string) => page.evaluate<string>(`document.querySelector(${JSON.stringify(selector)}).innerText`);

test('the staff register: tabs with the expiring list, filters and search in the address, incomplete entries, export, the case in one click', async () => {
  const errors: string[] = [];
  const page = await newPage(await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true }), errors);
  await signIn(page, base, USERS.secretariat);
  await page.getByTestId('nav-agreements').click();
  await waitShowing(page, rows(page).first());
  expect(await countOnceSettled(rows(page), 4)).toBe(4);
  // People read words and local dates, never ids or ISO dates.
  const listText = await text(page, '[data-testid="agreement-list"]');
  expect(listText).not.toMatch(SNAKE_ID);
  expect(listText).not.toMatch(ISO);
  expect(listText).toContain('Register perjanjian kerja sama');
  expect(listText).toContain('Diakhiri');
  expect(listText).toContain('Kesehatan');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'register.png') });

  // The expiring list is one tab away, and its address can be shared.
  await page.getByTestId('register-tab-expiring').click();
  await page.waitForURL(/\/agreements\?status=expiring$/);
  expect(await countOnceSettled(rows(page), 1)).toBe(1);
  expect(await rowIds(page)).toEqual([ids.expiring.id]);
  expect(await page.getByTestId('agreement-status').textContent()).toBe('Segera berakhir');
  await page.getByTestId('register-tab-expired').click();
  expect(await countOnceSettled(rows(page), 1)).toBe(1);
  expect(await rowIds(page)).toEqual([ids.expired.id]);
  await page.getByTestId('register-tab-terminated').click();
  expect(await countOnceSettled(rows(page), 1)).toBe(1);
  expect(await rowIds(page)).toEqual([ids.ended.id]);

  // Filters: a government affair, then a search; both stay in the address through a reload.
  await page.getByTestId('register-tab-all').click();
  expect(await countOnceSettled(rows(page), 4)).toBe(4);
  await page.getByTestId('register-field').selectOption('kesehatan');
  await page.waitForURL(/field=kesehatan/);
  expect(await countOnceSettled(rows(page), 1)).toBe(1);
  expect(await rowIds(page)).toEqual([ids.health.id]);
  await page.getByTestId('register-field').selectOption('');
  expect(await countOnceSettled(rows(page), 4)).toBe(4);
  await page.getByTestId('register-q').fill('magang');
  await page.getByTestId('register-search').click();
  await page.waitForURL(/q=magang/);
  expect(await countOnceSettled(rows(page), 1)).toBe(1);
  await page.reload();
  await waitShowing(page, rows(page).first());
  expect(await countOnceSettled(rows(page), 1)).toBe(1);
  expect(await rowIds(page)).toEqual([ids.expired.id]);
  expect(await page.getByTestId('register-q').inputValue()).toBe('magang');

  // The export is the filtered register, fetched with the session's token and saved as a file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^register-kerja-sama-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.replace(/^\ufeff/, '').trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^number,partner_number,title,/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(ids.expired.number);
  expect(lines[1]).toContain('PKS magang mahasiswa');
  await page.getByTestId('banner-ok').waitFor();
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const exported = JSON.parse(readFileSync((await json.path())!, 'utf8'));
  expect(exported.items.map((a: { id: string }) => a.id)).toEqual([ids.expired.id]);

  // The entries to complete: every one lacks something; what, in words.
  await page.goto(`${base}/agreements?incomplete=true`);
  await waitShowing(page, page.getByTestId('incomplete-hint'));
  expect(await countOnceSettled(rows(page), 3)).toBe(3);
  expect((await rowIds(page)).sort()).toEqual([ids.expiring.id, ids.expired.id, ids.ended.id].sort());
  const missing = await page.getByTestId('agreement-missing').first().textContent();
  expect(missing).toContain('Nomor pihak mitra');
  expect(missing).not.toMatch(/partnerNumber|signedPlace/);
  await page.getByTestId('agreement-complete').first().waitFor();

  // On a phone the page fits its width (the table scrolls inside its box).
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await page.setViewportSize({ width: 1366, height: 900 });

  // One click to the case; the documents open in the row.
  await page.goto(`${base}/agreements?field=kesehatan`);
  expect(await countOnceSettled(rows(page), 1)).toBe(1);
  await page.getByTestId('agreement-docs').click();
  await waitShowing(page, page.getByTestId('agreement-documents'));
  expect(await page.getByTestId('agreement-documents').innerText()).toContain('KAK');
  await page.getByTestId('agreement-case').click();
  await page.waitForURL(`${base}/cases/${ids.health.id}`);
  await waitShowing(page, page.getByTestId('case-page'));
  expect(await page.getByTestId('case-title').textContent()).toBe('PKS layanan kesehatan JKN');
  expect(errors).toEqual([]);
}, 90_000);

test('the secretariat completes an entry on its page: a bad value is named beside its field, a good one is saved', async () => {
  const errors: string[] = [];
  const page = await newPage(await browser.newContext({ viewport: { width: 1366, height: 900 } }), errors, [400]);
  await signIn(page, base, USERS.secretariat);
  await page.goto(`${base}/agreements/${ids.expiring.id}`);
  await waitShowing(page, page.getByTestId('agreement-form'));
  // (The documents' own file names are what was uploaded: left out.)
  for (const part of ['agreement-details', 'agreement-form']) expect(await text(page, `[data-testid="${part}"]`)).not.toMatch(SNAKE_ID);
  await page.getByTestId('ag-partnerNumber').fill('PKS/88/PLN/2025');
  await page.getByTestId('ag-amount').fill('125000000');
  await page.getByTestId('ag-currency').fill('R1');
  // A partner signatory named without a position: said under the partner's signatory.
  await page.getByTestId('ag-partnerName').fill('Ir. Daryono');
  await page.locator('[data-field="pekerjaan_umum"]').check();
  await page.getByTestId('ag-opds').fill('Dinas Perumahan dan Kawasan Permukiman');
  await page.getByTestId('agreement-save').click();
  await waitShowing(page, page.getByTestId('ag-currency-error'));
  expect(await page.getByTestId('ag-currency-error').textContent()).toContain('kode mata uang');
  expect(await page.getByTestId('ag-partnerName-error').textContent()).toBe('Isi nama dan jabatan penanda tangan pihak mitra.');
  expect(await page.getByTestId('ag-cityName-error').count()).toBe(0);
  expect(await page.getByTestId('ag-partnerPosition-error').count()).toBe(0);
  expect((await t.get(`/api/agreements/${ids.expiring.id}`, USERS.auditor)).body.partnerNumber).toBeNull();
  await page.getByTestId('ag-currency').fill('IDR');
  await page.getByTestId('ag-partnerPosition').fill('General Manager PLN');
  await page.getByTestId('agreement-save').click();
  await page.getByTestId('banner-ok').waitFor();
  expect(await page.getByTestId('ag-currency-error').count()).toBe(0);
  expect(await page.getByTestId('agreement-partner-number').textContent()).toBe('PKS/88/PLN/2025');
  expect(await page.getByTestId('agreement-value').textContent()).toMatch(/Rp\s?125\.000\.000/);
  const saved = (await t.get(`/api/agreements/${ids.expiring.id}`, USERS.auditor)).body;
  expect(saved.signatories).toEqual([{ party: 'partner', name: 'Ir. Daryono', position: 'General Manager PLN' }]);
  expect(saved).toMatchObject({ partnerNumber: 'PKS/88/PLN/2025', fields: ['pekerjaan_umum'], opds: ['Dinas Perumahan dan Kawasan Permukiman'], value: { amount: 125000000, currency: 'IDR' } });
  // An entry with more signatories than the form's two (as the API may record them) keeps them all.
  const three = [
    { party: 'city', name: 'Dr. H. Syarif Fasha', position: 'Wali Kota Jambi' },
    { party: 'partner', name: 'Dr. Ing. Ahmad Taqwa', position: 'Direktur' },
    { party: 'partner', name: 'Ir. Sirajudin', position: 'Wakil Direktur I' },
  ];
  expect((await t.request('PATCH', `/api/agreements/${ids.expired.id}`, { as: USERS.secretariat, body: { signatories: three } })).status).toBe(200);
  await page.goto(`${base}/agreements/${ids.expired.id}`);
  await waitShowing(page, page.getByTestId('agreement-form'));
  expect(await page.getByTestId('ag-partnerName').inputValue()).toBe('Dr. Ing. Ahmad Taqwa');
  await page.getByTestId('ag-partnerNumber').fill('0733/PL6/KS/2017');
  await page.getByTestId('agreement-save').click();
  await page.getByTestId('banner-ok').waitFor();
  expect((await t.get(`/api/agreements/${ids.expired.id}`, USERS.auditor)).body).toMatchObject({ partnerNumber: '0733/PL6/KS/2017', signatories: three });
  // A proposer reads the entry but has no form.
  await signIn(page, base, USERS.proposer);
  await page.goto(`${base}/agreements/${ids.expiring.id}`);
  await waitShowing(page, page.getByTestId('agreement-page'));
  expect(await page.getByTestId('agreement-form').count()).toBe(0);
  expect(errors).toEqual([]);
}, 60_000);

test('the public registry: no sign-in, search and filters, public fields only in its DOM', async () => {
  const errors: string[] = [];
  const page = await newPage(await browser.newContext({ viewport: { width: 1280, height: 900 } }), errors);
  await page.goto(`${base}/registry`);
  const registryRows = page.getByTestId('registry-row');
  await waitShowing(page, registryRows.first());
  expect(await countOnceSettled(registryRows, 4)).toBe(4);
  const body = await page.evaluate<string>('document.body.innerText');
  expect(body).toContain('Daftar perjanjian kerja sama daerah');
  expect(body).toContain('Berakhir');
  expect(body).toContain('Diakhiri');
  expect(body).not.toMatch(SNAKE_ID);
  expect(body).not.toMatch(ISO);
  // Nothing but the public fields, anywhere in the document (text or attributes).
  const dom = await page.content();
  for (const secret of [String(SECRET.amount), '987.654.321', SECRET.comment, SECRET.signatory, SECRET.partnerNumber, 'APBD Kota Jambi', ...Object.values(ids).map((x) => x.id), USERS.proposer.id]) {
    expect(dom).not.toContain(secret);
  }
  expect(await page.getByTestId('registry-csv').getAttribute('href')).toBe('/public/agreements.csv');
  await page.screenshot({ path: join(SCREENSHOTS, 'registry.png') });
  expect(await page.getByTestId('registry-catalog').getAttribute('href')).toBe('/public/catalog.json');

  await page.getByTestId('registry-q').fill('penerangan');
  await page.getByTestId('registry-search').click();
  await page.waitForURL(/\/registry\?q=penerangan$/);
  expect(await countOnceSettled(registryRows, 1)).toBe(1);
  expect(await registryRows.first().innerText()).toContain('PT PLN (Persero)');
  expect(await registryRows.first().innerText()).toContain('Segera berakhir');
  expect(await page.getByTestId('registry-csv').getAttribute('href')).toBe('/public/agreements.csv?q=penerangan');
  await page.getByTestId('registry-q').fill('');
  await page.getByTestId('registry-status').selectOption('terminated');
  await page.waitForURL(/status=terminated/);
  expect(await countOnceSettled(registryRows, 1)).toBe(1);
  expect(await registryRows.first().innerText()).toContain('PKS payroll ASN');
  await page.goBack();
  expect(await countOnceSettled(registryRows, 1)).toBe(1);
  expect(await registryRows.first().innerText()).toContain('PT PLN (Persero)');

  // On a phone the page fits its width (the table scrolls inside its box).
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await page.setViewportSize({ width: 1280, height: 900 });

  // English, cheaply: the same list in the other language.
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction('document.documentElement.lang === "en"');
  await waitShowing(page, page.getByText('Register of the city’s cooperation agreements'));
  expect(await countOnceSettled(registryRows, 1)).toBe(1);
  expect(errors).toEqual([]);
}, 60_000);
