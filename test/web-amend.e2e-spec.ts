/**
 * Addenda and renewals in a real browser (issue 18, item 5): on an agreement's page the proposer proposes
 * an addendum (a missing change is said beside its field) and lands on its new case, which links back to
 * the agreement; once the addendum is signed the page lists it with its change old → new. The expiry
 * reminder's link (`?renew=1`) puts renewal first; renewing opens a new case of kind renewal, which the page
 * then links; the register's expiring list offers renewal per row. Needs the amendment and renewal API
 * (branch `amend`). One browser for the file, the system's Chromium, failing, not skipping, when missing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SettableClock } from '../src/common/clock.js';
import { countOnceSettled, launchChromium, loadedText, newPage, signIn, waitShowing } from './support/browser.js';
import { signedCase } from './support/agreements.js';
import { samplePdf, TestApp, USERS, type TestUser } from './support/test-app.js';
import { until } from './support/until.js';

const SNAKE_ID = /\b[a-z]+_[a-z_]+\b/;
const ISO = /\b\d{4}-\d{2}-\d{2}\b/;
const DAY = 86_400_000;
/** A calendar date `days` from now (YYYY-MM-DD, in Jambi): the page's "expiring" reads the browser's today. */
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toLocaleDateString('sv-SE', { timeZone: 'Asia/Jakarta' });

const clock = new SettableClock();
let t: TestApp;
let browser: Browser;
let base: string;
let amended: { id: string; number: string };
let renewing: { id: string; number: string };
let expiring: { id: string; number: string };
let files: string;

beforeAll(async () => {
  t = await TestApp.start({}, { clock });
  const sign = async (title: string, validUntil: string) => {
    const c = await signedCase(t, { title, instrument: 'pks', partner: { name: 'PT Air Jambi', category: 'third_party' }, validFrom: dateIn(-300), validUntil });
    return { id: c.id as string, number: c.number as string };
  };
  amended = await sign('PKS pengelolaan air bersih', dateIn(500));
  renewing = await sign('PKS penerangan jalan umum', dateIn(60));
  expiring = await sign('PKS magang mahasiswa', dateIn(45));
  base = await t.listen();
  browser = await launchChromium();
  files = mkdtempSync(join(tmpdir(), 'onegate-web-amend-'));
  writeFileSync(join(files, 'naskah-adendum.pdf'), samplePdf('naskah adendum I'));
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
}, 30_000);

const text = loadedText;
const caseIdOf = (page: Page) => decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

/** Takes a submitted case (an addendum, a renewal) to signed through the API, whatever stages its path has. */
async function throughToSigned(id: string): Promise<void> {
  const by: Record<string, [TestUser, string]> = {
    administrative_check: [USERS.secretariat, 'approve'],
    technical_review: [USERS.reviewerA, 'approve'],
    tkksd_coordination: [USERS.chair, 'approve'],
    legal_review: [USERS.legal, 'approve'],
    dprd_approval: [USERS.dprd, 'approve'],
    mayor_signature: [USERS.mayor, 'sign'],
  };
  for (let stage = await t.stageOf(id), n = 0; stage !== 'signed'; stage = await t.stageOf(id), n++) {
    if (!by[stage] || n > 8) throw new Error(`case ${id} stuck at ${stage}`);
    expect((await t.decide(id, by[stage][0], by[stage][1])).status).toBe(200);
  }
}

test('the proposer proposes an addendum on the agreement page; once signed, the page shows its change old → new', async () => {
  const errors: string[] = [];
  const page = await newPage(await browser.newContext({ viewport: { width: 1366, height: 900 } }), errors, [400]);
  await signIn(page, base, USERS.proposer);
  await page.goto(`${base}/agreements/${amended.id}`);
  await waitShowing(page, page.getByTestId('amend-open'));
  // A proposer neither opens evaluations nor terminates.
  expect(await page.getByTestId('evaluate-now').count()).toBe(0);
  expect(await page.getByTestId('terminate-open').count()).toBe(0);
  await page.getByTestId('amend-open').click();
  await waitShowing(page, page.getByTestId('amend-form'));
  expect(await page.getByTestId('amend-title').inputValue()).toBe('Adendum PKS pengelolaan air bersih');
  // Nothing changed: said beside the new end of term.
  await page.getByTestId('amend-submit').click();
  await waitShowing(page, page.getByTestId('amend-validUntil-error'));
  const newEnd = dateIn(900);
  await page.getByTestId('amend-validUntil').fill(newEnd);
  await page.getByTestId('amend-summary').fill('Masa berlaku diperpanjang 400 hari.');
  await page.getByTestId('amend-submit').click();
  await page.waitForURL((url) => url.pathname.startsWith('/cases/'));
  await waitShowing(page, page.getByTestId('case-page'));
  const addendumId = caseIdOf(page);
  const addendum = (await t.get(`/api/cases/${addendumId}`, USERS.auditor)).body;
  expect(addendum).toMatchObject({ kind: 'amendment', parentCaseId: amended.id, title: 'Adendum PKS pengelolaan air bersih' });
  await waitShowing(page, page.getByTestId('parent-link'));
  expect(await text(page, 'parent-agreement')).toContain(amended.number);
  // The addendum's own rules: its text is what SUBMIT needs, uploaded here, then submitted here.
  await waitShowing(page, page.getByTestId('required-addendum'));
  expect(await page.getByTestId('required-kak').count()).toBe(0);
  await page.getByTestId('upload-file').setInputFiles(join(files, 'naskah-adendum.pdf'));
  await page.getByTestId('upload-submit').click();
  await page.locator('[data-testid="upload-result"][data-ok="true"]').waitFor();
  await page.getByTestId('submit-case').click();
  await page.getByTestId('banner-ok').waitFor();
  expect(await t.stageOf(addendumId)).toBe('administrative_check');

  await throughToSigned(addendumId);
  await t.runDue();
  await until(
    async () => (await t.get(`/api/agreements/${amended.id}`, USERS.auditor)).body,
    (a) => a.validUntil === newEnd,
  );
  await page.goto(`${base}/agreements/${amended.id}`);
  const item = page.locator('[data-testid="after-event"][data-kind="amendment"]');
  await waitShowing(page, item);
  const said = await item.innerText();
  expect(said).toContain(addendum.number);
  expect(said).toMatch(/Berlaku sampai: .+ → .+/);
  expect(said).not.toMatch(ISO);
  expect(await text(page, 'after-signing')).not.toMatch(SNAKE_ID);
  expect(errors).toEqual([]);
}, 120_000);

test("the reminder's link puts renewal first; renewing opens its case, and the register's expiring list renews per row", async () => {
  const errors: string[] = [];
  const page = await newPage(await browser.newContext({ viewport: { width: 1366, height: 900 } }), errors);
  await signIn(page, base, USERS.proposer);
  await page.goto(`${base}/agreements/${renewing.id}?renew=1`);
  await waitShowing(page, page.getByTestId('after-renew-hint'));
  expect(await page.getByTestId('after-actions').getAttribute('data-first')).toBe('renew');
  await page.getByTestId('renew').click();
  await page.waitForURL((url) => url.pathname.startsWith('/cases/'));
  const renewalId = caseIdOf(page);
  expect((await t.get(`/api/cases/${renewalId}`, USERS.auditor)).body).toMatchObject({ kind: 'renewal', parentCaseId: renewing.id });
  await waitShowing(page, page.getByTestId('parent-link'));

  // The secretariat renews another from the register's expiring list.
  await signIn(page, base, USERS.secretariat);
  await page.goto(`${base}/agreements?status=expiring`);
  const rows = page.getByTestId('agreement-row');
  await waitShowing(page, rows.first());
  expect(await countOnceSettled(rows, 2)).toBe(2);
  await page.locator(`[data-testid="agreement-row"][data-agreement-id="${expiring.id}"] [data-testid="agreement-renew"]`).click();
  await page.waitForURL((url) => url.pathname.startsWith('/cases/'));
  expect((await t.get(`/api/cases/${caseIdOf(page)}`, USERS.auditor)).body).toMatchObject({ kind: 'renewal', parentCaseId: expiring.id });
  expect(errors).toEqual([]);
}, 90_000);
