/**
 * The mayor signs in the web app (issue 20, ONEGATE_SIGNING=local with the embedded default's demo
 * certificate): the sign form asks for the passphrase, a wrong one is told in Indonesian with the task
 * still open, the right one signs the latest draft, the case page shows the signature checked, and
 * the stored PDF validates in pdfsig. Uses the system's Chromium (never downloads one).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { demoSignerFiles } from '../src/signing/pkcs12.js';
import { TestApp, USERS } from './support/test-app.js';
import { launchChromium, newPage, setLanguage, signIn, waitShowing } from './support/browser.js';

let t: TestApp;
let browser: Browser;
let base: string;
const dataDir = mkdtempSync(join(tmpdir(), 'onegate-web-signing-'));

beforeAll(async () => {
  t = await TestApp.start({ signing: { mode: 'local', p12File: null, dataDir } });
  base = await t.listen();
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
}, 30_000);

test('the mayor signs a case with the passphrase on the sign form, and the stored PDF validates in pdfsig', async () => {
  const passphrase = readFileSync(demoSignerFiles(dataDir).passphrase, 'utf8').trim();
  const c = await t.createCase({ validFrom: '2027-01-01', validUntil: '2031-12-31' });
  expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
  for (const u of [USERS.secretariat, USERS.reviewerA, USERS.chair, USERS.legal]) expect((await t.decide(c.id, u, 'approve')).status).toBe(200);
  expect(await t.stageOf(c.id)).toBe('mayor_signature');

  const errors: string[] = [];
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The wrong passphrase's 502 is expected once.
  const page = await newPage(ctx, errors, [502]);
  await signIn(page, base, USERS.mayor);
  await setLanguage(page, 'id');
  await page.goto(`${base}/cases/${encodeURIComponent(c.id)}`);
  const form = page.getByTestId('sign-form');
  await waitShowing(page, form);
  // Nothing to upload by hand: the draft is signed here.
  expect(await page.getByTestId('sign-needs-copy').count()).toBe(0);
  expect(await page.getByTestId('decide-sign').isDisabled()).toBe(false);

  // No passphrase: asked for, nothing sent.
  await page.getByTestId('decide-sign').click();
  await waitShowing(page, page.getByTestId('comment-error'));
  expect(await page.getByTestId('comment-error').innerText()).toBe('Isi passphrase untuk menandatangani.');

  // A wrong one: the reason in Indonesian beside the form, the task still open, the field emptied.
  await page.getByTestId('sign-passphrase').fill('salah-ketik-123');
  await page.getByTestId('decide-sign').click();
  await waitShowing(page, page.getByTestId('decision-refused'));
  expect(await page.getByTestId('decision-refused').innerText()).toMatch(/^Passphrase salah/);
  expect(await page.getByTestId('sign-passphrase').inputValue()).toBe('');
  expect(await t.stageOf(c.id)).toBe('mayor_signature');

  // The right one signs.
  await page.getByTestId('sign-passphrase').fill(passphrase);
  await page.getByTestId('decide-sign').click();
  await waitShowing(page, page.locator('[data-testid="case-page"][data-stage="signed"]'));
  const check = page.locator('[data-testid="document"][data-kind="signed"] [data-testid="signature-check"][data-valid="true"]');
  await waitShowing(page, check);
  expect(await check.innerText()).toMatch(/Tanda tangan elektronik sah: Wali Kota \(demo onegate\)/);
  await setLanguage(page, 'en');
  await page.waitForFunction(`document.querySelector('[data-testid="signature-check"][data-valid="true"]')?.textContent.includes('Electronic signature valid')`);

  // The stored PDF, checked by an independent verifier.
  const signed = (await t.get(`/api/cases/${c.id}/documents`, USERS.auditor)).body.find((d: any) => d.kind === 'signed');
  const res = await t.app.inject({ method: 'GET', url: `/api/documents/${signed.id}/content`, headers: { authorization: `Bearer ${await t.token(USERS.auditor)}` } });
  const file = join(mkdtempSync(join(tmpdir(), 'pdfsig-')), 'signed.pdf');
  writeFileSync(file, res.rawPayload);
  const out = execFileSync('pdfsig', [file], { encoding: 'utf8' });
  expect(out).toMatch(/Signature Validation: Signature is Valid\./);
  expect(out).toMatch(/Signer Certificate Common Name: Wali Kota \(demo onegate\)/);
  await setLanguage(page, 'id');
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);
