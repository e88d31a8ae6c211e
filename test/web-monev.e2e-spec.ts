/**
 * Monitoring and evaluation in a real browser (issue 18, items 5 and 6): on a signed agreement's page the
 * secretariat opens an evaluation now; the proposer files the monev report in the app (an empty one is
 * refused with the error beside its field, then a full one with its file); Tim Teknis approves, seeing the
 * agreement and its earlier evaluation beside the task; the secretariat concludes with a rating and a
 * recommendation; the agreement page's section after signing shows the evaluation with its rating, and
 * offers renewal first because the conclusion recommends extending. The dashboard counts the evaluation
 * under way. People read words and local dates, never ids or ISO dates. Writes
 * docs/screenshots/evaluation-report.png and agreement-after-signing.png. One browser for the file, the
 * system's Chromium (never downloaded), failing, not skipping, when it is missing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { SettableClock } from '../src/common/clock.js';
import { launchChromium, loadedText, newPage, signIn, waitShowing } from './support/browser.js';
import { signedCase } from './support/agreements.js';
import { samplePdf, TestApp, USERS } from './support/test-app.js';

const SCREENSHOTS = join(__dirname, '..', 'docs', 'screenshots');
/** A domain id in snake_case, or an ISO date: neither may reach a person. */
const SNAKE_ID = /\b[a-z]+_[a-z_]+\b/;
const ISO = /\b\d{4}-\d{2}-\d{2}\b/;

const clock = new SettableClock();
let t: TestApp;
let browser: Browser;
let base: string;
let files: string;
let agreement: { id: string; number: string };
let ending: { id: string; number: string };
let earlierId: string;

beforeAll(async () => {
  // Signed in March 2031; its first evaluation done through the API; two months later the app takes over.
  clock.set(new Date('2031-03-03T03:00:00Z'));
  t = await TestApp.start({}, { clock });
  const c = await signedCase(t, { title: 'PKS pengelolaan air bersih', instrument: 'pks', partner: { name: 'PT Air Jambi', category: 'third_party' }, validFrom: '2031-01-01', validUntil: '2034-12-31' });
  agreement = { id: c.id, number: c.number };
  const e = await signedCase(t, { title: 'KB pengembangan pariwisata', validFrom: '2031-01-01', validUntil: '2033-12-31' });
  ending = { id: e.id, number: e.number };
  clock.set(new Date('2031-04-01T03:00:00Z'));
  const earlier = await t.post(`/api/agreements/${c.id}/evaluations`, USERS.secretariat);
  expect(earlier.status).toBe(201);
  earlierId = earlier.body.id;
  for (const [u, d, extra] of [
    [USERS.proposer, 'submit', { report: { progress: 20, outputs: 'Survei jaringan pipa selesai', problems: 'Pembebasan lahan tertunda' } }],
    [USERS.reviewerA, 'approve', {}],
    [USERS.secretariat, 'approve', { rating: 3, recommendation: 'improve' }],
  ] as const) {
    const res = await t.decide(earlierId, u, d, extra);
    if (res.status !== 200) throw new Error(`${d} by ${u.id}: ${res.status} ${res.text}`);
  }
  clock.set(new Date('2031-06-02T03:00:00Z'));
  base = await t.listen();
  browser = await launchChromium();
  files = mkdtempSync(join(tmpdir(), 'onegate-web-monev-'));
  writeFileSync(join(files, 'laporan-monev.pdf'), samplePdf('laporan monev semester 1'));
  writeFileSync(join(files, 'surat-pengakhiran.pdf'), samplePdf('surat pengakhiran'));
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
}, 30_000);

const text = loadedText;

test('an evaluation opened, reported, reviewed and concluded in the app; the agreement page shows it with its rating', async () => {
  const errors: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await newPage(context, errors, [400]);

  // The secretariat opens an evaluation now, from the agreement's page.
  await signIn(page, base, USERS.secretariat);
  await page.goto(`${base}/agreements/${agreement.id}`);
  await waitShowing(page, page.getByTestId('after-timeline'));
  expect(await page.locator('[data-testid="after-event"][data-kind="evaluation"][data-status="done"]').count()).toBe(1);
  await page.getByTestId('evaluate-now').click();
  await page.waitForURL(/\/cases\/[^/]+$/);
  await waitShowing(page, page.getByTestId('case-page'));
  const evaluationId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  expect(evaluationId).not.toBe(earlierId);
  const opened = (await t.get(`/api/cases/${evaluationId}`, USERS.auditor)).body;
  expect(opened).toMatchObject({ kind: 'evaluation', parentCaseId: agreement.id, stage: 'evaluation_report' });
  expect(opened.number).toMatch(/^EV-2031-\d{4}$/);
  // The dashboard counts it as under way, none overdue.
  await page.goto(`${base}/dashboard`);
  await waitShowing(page, page.getByTestId('dash-evaluations'));
  expect(await text(page, 'evaluations-open')).toBe('1');
  expect(await text(page, 'evaluations-overdue')).toBe('0');

  // The proposer files the report: an empty one is refused beside its field, nothing is recorded.
  await signIn(page, base, USERS.proposer);
  await page.goto(`${base}/cases/${evaluationId}`);
  await waitShowing(page, page.getByTestId('report-form'));
  expect(await page.getByTestId('proposer-panel').count()).toBe(0);
  expect(await text(page, 'parent-agreement')).toContain(agreement.number);
  await page.getByTestId('report-submit').click();
  await waitShowing(page, page.getByTestId('monev-progress-error'));
  expect(await text(page, 'monev-progress-error')).toBe('Isi kemajuan pelaksanaan sebagai bilangan bulat 0 sampai 100.');
  expect(await page.getByTestId('report-progress').getAttribute('aria-invalid')).toBe('true');
  expect(await t.stageOf(evaluationId)).toBe('evaluation_report');
  // Progress given, outputs still empty: now the outputs are named, the progress no longer.
  await page.getByTestId('report-progress').fill('65');
  await page.getByTestId('report-submit').click();
  await waitShowing(page, page.getByTestId('monev-outputs-error'));
  expect(await page.getByTestId('monev-progress-error').count()).toBe(0);
  expect(await text(page, 'monev-outputs-error')).toBe('Tuliskan keluaran yang dicapai pada periode ini.');
  await page.getByTestId('report-problems').fill('Curah hujan tinggi menunda pemasangan pipa di dua kelurahan.');
  await page.getByTestId('report-form').screenshot({ path: join(SCREENSHOTS, 'evaluation-report.png') });
  await page.getByTestId('report-outputs').fill('Jaringan pipa 12 km terpasang; 1.800 sambungan rumah baru.');
  await page.getByTestId('report-file').setInputFiles(join(files, 'laporan-monev.pdf'));
  await page.getByTestId('report-submit').click();
  await page.getByTestId('banner-ok').waitFor();
  expect(await t.stageOf(evaluationId)).toBe('evaluation_review');
  const docs = (await t.get(`/api/cases/${evaluationId}/documents`, USERS.auditor)).body;
  expect((docs.items ?? docs).map((d: { kind: string }) => d.kind)).toEqual(['evaluation_report']);

  // Tim Teknis approves, with the agreement, this report and the earlier evaluation beside the task.
  await signIn(page, base, USERS.reviewerA);
  await page.goto(`${base}/cases/${evaluationId}`);
  await waitShowing(page, page.getByTestId('earlier-evaluation'));
  const beside = await text(page, 'parent-agreement');
  expect(beside).toContain(agreement.number);
  expect(beside).toContain('65%');
  expect(beside).toContain('Jaringan pipa 12 km');
  expect(await text(page, 'earlier-evaluation')).toContain('3 — Cukup');
  expect(await text(page, 'earlier-evaluation')).toContain('Survei jaringan pipa selesai');
  expect(beside).not.toMatch(SNAKE_ID);
  expect(beside).not.toMatch(ISO);
  await page.getByTestId('decide-approve').click();
  await page.getByTestId('banner-ok').waitFor();
  expect(await t.stageOf(evaluationId)).toBe('evaluation_conclusion');

  // The secretariat concludes: without a rating it is refused beside the rating; then 4 and "extend".
  await signIn(page, base, USERS.secretariat);
  await page.goto(`${base}/cases/${evaluationId}`);
  await waitShowing(page, page.getByTestId('conclusion-form'));
  expect(await text(page, 'conclusion-rating')).toContain('5 — Sangat baik');
  await page.getByTestId('conclusion-submit').click();
  await waitShowing(page, page.getByTestId('monev-rating-error'));
  expect(await text(page, 'monev-rating-error')).toBe('Pilih penilaian 1 sampai 5.');
  await page.getByTestId('rating-4').check();
  await page.getByTestId('conclusion-recommendation').selectOption('extend');
  await page.getByTestId('conclusion-comment').fill('Pelaksanaan baik; perpanjang sebelum berakhir.');
  await page.getByTestId('conclusion-submit').click();
  await page.getByTestId('banner-ok').waitFor();
  expect(await t.stageOf(evaluationId)).toBe('concluded');
  const listed = (await t.get(`/api/agreements/${agreement.id}/evaluations`, USERS.auditor)).body.items.find((e: { id: string }) => e.id === evaluationId);
  expect(listed).toMatchObject({ status: 'done', rating: 4, recommendation: 'extend', report: { progress: 65 } });

  // The agreement page: both evaluations in date order with their ratings, renewal offered first.
  await page.getByTestId('parent-link').click();
  await page.waitForURL(`${base}/agreements/${agreement.id}`);
  await waitShowing(page, page.locator(`[data-testid="after-event"][data-evaluation-id="${evaluationId}"]`));
  const done = page.locator('[data-testid="after-event"][data-kind="evaluation"][data-status="done"]');
  expect(await done.count()).toBe(2);
  expect(await done.nth(0).getAttribute('data-evaluation-id')).toBe(earlierId);
  expect(await done.nth(1).innerText()).toContain('4 — Baik');
  expect(await done.nth(1).innerText()).toContain('Diperpanjang');
  expect(await page.locator('[data-testid="after-event"]').first().getAttribute('data-kind')).toBe('signed');
  expect(await page.getByTestId('after-actions').getAttribute('data-first')).toBe('renew');
  expect(await text(page, 'after-recommendation')).toBe('Evaluasi terakhir merekomendasikan perpanjangan.');
  const section = await text(page, 'after-signing');
  expect(section).not.toMatch(SNAKE_ID);
  expect(section).not.toMatch(ISO);
  await page.getByTestId('after-signing').screenshot({ path: join(SCREENSHOTS, 'agreement-after-signing.png') });
  // On a phone the page fits its width.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await page.setViewportSize({ width: 1366, height: 900 });

  // In English too.
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction('document.documentElement.lang === "en"');
  expect(await text(page, 'after-signing')).toContain('4 — Good');
  expect(await text(page, 'after-signing')).toContain('After signing');
  await page.getByTestId('lang-switch').click();
  expect(errors).toEqual([]);
}, 120_000);

test('the secretariat terminates an agreement on its page: what is missing is said beside its field, then it ends with its date and grounds', async () => {
  const errors: string[] = [];
  const page = await newPage(await browser.newContext({ viewport: { width: 1366, height: 900 } }), errors, [400]);
  await signIn(page, base, USERS.secretariat);
  await page.goto(`${base}/agreements/${ending.id}`);
  await waitShowing(page, page.getByTestId('terminate-open'));
  await page.getByTestId('terminate-open').click();
  await waitShowing(page, page.getByTestId('terminate-form'));
  // Not confirmed: said beside the statement, nothing sent.
  await page.getByTestId('terminate-submit').click();
  await waitShowing(page, page.getByTestId('term-confirm-error'));
  await page.getByTestId('terminate-confirm').check();
  // No grounds: the server's 400 names them, beside the select.
  await page.getByTestId('terminate-submit').click();
  await waitShowing(page, page.getByTestId('term-grounds-error'));
  expect(await text(page, 'term-grounds-error')).toBe('Pilih alasan pengakhiran.');
  expect(await page.getByTestId('term-confirm-error').count()).toBe(0);
  // Grounds but no letter: named beside the letter's upload.
  await page.getByTestId('terminate-grounds').selectOption('mutual_agreement');
  await page.getByTestId('terminate-comment').fill('Para pihak sepakat mengakhiri; anggaran dialihkan.');
  await page.getByTestId('terminate-submit').click();
  await waitShowing(page, page.getByTestId('term-termination_letter-error'));
  expect(await page.getByTestId('term-grounds-error').count()).toBe(0);
  expect(await text(page, 'term-termination_letter-error')).toBe('Unggah surat pengakhiran (PDF).');
  expect(await t.stageOf(ending.id)).not.toBe('terminated');
  await page.getByTestId('terminate-letter').setInputFiles(join(files, 'surat-pengakhiran.pdf'));
  await page.getByTestId('terminate-submit').click();
  await waitShowing(page, page.locator('[data-testid="after-event"][data-kind="terminated"]'));
  expect(await t.stageOf(ending.id)).toBe('terminated');
  const ended = await page.locator('[data-testid="after-event"][data-kind="terminated"]').innerText();
  expect(ended).toContain('2 Jun 2031');
  expect(ended).toContain('Kesepakatan para pihak');
  // Ended: nothing more to do after signing.
  expect(await page.getByTestId('after-actions').count()).toBe(0);
  expect(await page.getByTestId('agreement-status').textContent()).toBe('Diakhiri');
  expect(await text(page, 'after-signing')).not.toMatch(SNAKE_ID);
  expect(errors).toEqual([]);
}, 90_000);
