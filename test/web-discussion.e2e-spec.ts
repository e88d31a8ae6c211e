/**
 * Structured proposals and the discussion (issue 19), in a real browser: the proposal form asks for the
 * urusan, OPDs, value and the partner's contact (the register's own inputs), the case page shows them,
 * and reviewers and the proposer talk per document in "Diskusi" (Discussion in English), with local dates.
 * Uses the system's Chromium (never downloads one); fails, not skips, when it is missing.
 */
import { type Browser } from 'playwright-core';
import { TestApp, USERS } from './support/test-app.js';
import { launchChromium, loadedText, newPage, setLanguage, signIn, waitShowing } from './support/browser.js';

let t: TestApp;
let browser: Browser;
let base: string;

/** An ISO date or a snake_case id: neither may reach a person. */
const ISO = /\d{4}-\d{2}-\d{2}T/;
const SNAKE_ID = /\b[a-z]+_[a-z_]+\b/;

beforeAll(async () => {
  t = await TestApp.start();
  base = await t.listen();
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
}, 30_000);

test('a proposal typed once in structured fields, and a discussion per document on the case page', async () => {
  const errors: string[] = [];
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await newPage(ctx, errors);

  // The proposer fills in what the register will need, once, in the proposal form.
  await signIn(page, base, USERS.proposer);
  await setLanguage(page, 'id');
  await page.getByTestId('nav-new').click();
  await page.getByLabel('Judul kerja sama').fill('PKS layanan kesehatan keliling');
  await page.getByLabel('Nama mitra').fill('Kabupaten Muaro Jambi');
  await page.getByTestId('nc-fields').locator('[data-field="kesehatan"]').check();
  await page.getByTestId('nc-fields').locator('[data-field="sosial"]').check();
  await page.getByTestId('nc-opds').fill('Dinas Kesehatan\nDinas Sosial\n');
  await page.getByTestId('nc-amount').fill('250.000.000');
  await page.getByTestId('nc-source').fill('APBD Kota Jambi 2027');
  await page.getByTestId('nc-contact-name').fill('Ir. Budi Santoso');
  await page.getByTestId('nc-contact-email').fill('budi@muarojambikab.go.id');
  await page.getByTestId('create-case').click();
  await waitShowing(page, page.locator('[data-testid="case-page"][data-stage="proposal"]'));
  const caseId = (await page.getByTestId('case-page').getAttribute('data-case-id'))!;

  // Stored with the case, as the API shows it, and on the page in words.
  const c = (await t.get(`/api/cases/${caseId}`, USERS.proposer)).body;
  expect(c).toMatchObject({
    fields: ['kesehatan', 'sosial'],
    opds: ['Dinas Kesehatan', 'Dinas Sosial'],
    value: { amount: 250000000, currency: 'IDR', source: 'APBD Kota Jambi 2027' },
    partner: { contact: { name: 'Ir. Budi Santoso', email: 'budi@muarojambikab.go.id', phone: null } },
  });
  expect(await page.getByTestId('case-fields').innerText()).toMatch(/Kesehatan[\s\S]*Sosial/);
  expect(await page.getByTestId('case-opds').innerText()).toBe('Dinas Kesehatan, Dinas Sosial');
  expect(await page.getByTestId('case-value').innerText()).toMatch(/Rp\s?250\.000\.000/);
  expect(await page.getByTestId('case-contact').innerText()).toContain('budi@muarojambikab.go.id');

  // Its KAK and draft are uploaded and it is submitted; the secretariat comments on the KAK from the case page.
  for (const kind of ['kak', 'draft_kb']) expect((await t.upload(caseId, USERS.proposer, kind)).status).toBe(201);
  expect((await t.post(`/api/cases/${caseId}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
  const kak = (await t.get(`/api/cases/${caseId}/documents`, USERS.proposer)).body.find((d: any) => d.kind === 'kak');
  await signIn(page, base, USERS.secretariat);
  await page.goto(`${base}/cases/${encodeURIComponent(caseId)}`);
  await waitShowing(page, page.getByTestId('discussion-empty'));
  await page.getByTestId('discussion-document').selectOption(kak.id);
  await page.getByTestId('discussion-body').fill('Pasal 4 KAK perlu menyebut sumber dana.');
  await page.getByTestId('discussion-post').click();
  const onKak = page.locator(`[data-testid="discussion-group"][data-document-id="${kak.id}"]`);
  await waitShowing(page, onKak.getByTestId('comment'));
  const group = await onKak.innerText();
  expect(group).toContain('Tentang dokumen: KAK, versi 1');
  expect(group).toContain('Pasal 4 KAK perlu menyebut sumber dana.');
  expect(group).toContain(`${USERS.secretariat.name} (Bagian Kerja Sama)`);
  expect(group).not.toMatch(ISO);
  expect(await page.getByTestId('discussion-result').getAttribute('data-ok')).toBe('true');

  // The proposer answers on the case as a whole; the auditor only reads.
  await signIn(page, base, USERS.proposer);
  await page.goto(`${base}/cases/${encodeURIComponent(caseId)}`);
  await waitShowing(page, onKak.getByTestId('comment'));
  await page.getByTestId('discussion-body').fill('Sudah kami tambahkan.');
  await page.getByTestId('discussion-post').click();
  const general = page.locator('[data-testid="discussion-group"]:not([data-document-id])');
  await waitShowing(page, general.getByTestId('comment'));
  expect(await general.innerText()).toMatch(/Umum[\s\S]*Sudah kami tambahkan\./);
  const comments = (await t.get(`/api/cases/${caseId}/comments`, USERS.auditor)).body.items;
  expect(comments.map((x: any) => [x.author.id, x.documentId])).toEqual([
    [USERS.secretariat.id, kak.id],
    [USERS.proposer.id, null],
  ]);

  await signIn(page, base, USERS.auditor);
  await page.goto(`${base}/cases/${encodeURIComponent(caseId)}`);
  await waitShowing(page, page.getByTestId('discussion-read-only'));
  expect(await page.getByTestId('discussion-form').count()).toBe(0);
  await setLanguage(page, 'en');
  const discussion = await loadedText(page, 'discussion');
  expect(discussion).toContain('About the document: KAK');
  expect(discussion).toContain('General (the whole case)');
  expect(await page.locator('#discussion-title').innerText()).toBe('Discussion');
  expect(discussion).not.toMatch(ISO);
  expect(discussion).not.toMatch(SNAKE_ID);
  await setLanguage(page, 'id');
  expect(errors).toEqual([]);
  await ctx.close();
}, 90_000);
