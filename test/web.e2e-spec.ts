/**
 * The web app (issue 5), driven through a real browser: one case from proposal to signature, each
 * role acting from its own inbox, then the auditor replaying and verifying it. Uses the system's
 * Chromium (never downloads one); fails, not skips, when it is missing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { samplePdf, TestApp, USERS } from './support/test-app.js';
import { launchChromium, newPage, signIn } from './support/browser.js';

const SCREENSHOTS = join(__dirname, '..', 'docs', 'screenshots');
const XSS_COMMENT = 'Lampirkan KAK yang ditandatangani <b>bold</b><script>window.__xss = 1</script>';

let t: TestApp;
let browser: Browser;
let base: string;
let files: string;

beforeAll(async () => {
  t = await TestApp.start();
  base = await t.listen();
  browser = await launchChromium();
  files = mkdtempSync(join(tmpdir(), 'onegate-web-'));
  for (const kind of ['kak', 'draft_kb', 'signed']) writeFileSync(join(files, `${kind}.pdf`), samplePdf(`web ${kind}`));
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
}, 30_000);

async function waitStage(page: Page, stage: string): Promise<void> {
  await page.locator(`[data-testid="case-page"][data-stage="${stage}"]`).waitFor();
}

/** Opens the case from the user's inbox (the task row's link). */
async function openFromInbox(page: Page, caseId: string): Promise<void> {
  await page.getByTestId('nav-inbox').click();
  await page.locator(`[data-testid="task-row"][data-case-id="${caseId}"] [data-testid="task-open"]`).click();
  await page.getByTestId('task-panel').waitFor();
}

async function decide(page: Page, decision: string, nextStage: string, comment?: string): Promise<void> {
  if (comment !== undefined) await page.getByTestId('decision-comment').fill(comment);
  await page.getByTestId(`decide-${decision}`).click();
  await waitStage(page, nextStage);
  await page.getByTestId('banner-ok').waitFor();
}

async function upload(page: Page, kind: string): Promise<void> {
  await page.getByTestId('upload-kind').selectOption(kind);
  await page.getByTestId('upload-file').setInputFiles(join(files, `${kind}.pdf`));
  await page.getByTestId('upload-submit').click();
  await page.locator(`[data-testid="document"][data-kind="${kind}"]`).waitFor();
}

test('each role does its work in the web app, from proposal to signature and audit', async () => {
  const errors: string[] = [];
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await newPage(ctx, errors, [403, 409]);

  // The proposer signs in with the picker and drafts a KB with a neighbouring regency.
  await signIn(page, base, USERS.proposer);
  expect(await page.getByTestId('whoami').textContent()).toContain('Pengusul');
  await page.getByTestId('nav-new').click();
  await page.getByLabel('Judul kerja sama').fill('KB pengelolaan sampah regional');
  await page.getByLabel('Nama mitra').fill('Kabupaten Muaro Jambi');
  await page.getByLabel('Kategori mitra').selectOption('region');
  // The instrument select only offers what a region may use.
  expect(await page.locator('#nc-instrument option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value))).toEqual(['kb', 'pks']);
  await page.getByLabel('Instrumen').selectOption('kb');
  expect(await page.getByLabel('Negara mitra').count()).toBe(0);
  await page.getByLabel('Berlaku mulai').fill('2027-01-01');
  await page.getByLabel('Berlaku sampai').fill('2031-12-31');
  await page.getByTestId('create-case').click();
  await waitStage(page, 'proposal');
  const caseId = (await page.getByTestId('case-page').getAttribute('data-case-id'))!;

  // SUBMIT before the documents: the server's refusal is shown in words.
  await page.getByTestId('submit-case').click();
  expect(await page.getByTestId('banner-error').textContent()).toMatch(/KAK/);
  await upload(page, 'kak');
  await upload(page, 'draft_kb');
  await page.getByTestId('submit-case').click();
  await waitStage(page, 'administrative_check');

  // A second secretariat user opens the same task in another browser.
  const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page2 = await newPage(ctx2, errors, [403, 409]);
  await signIn(page2, base, USERS.secretariat2);
  await openFromInbox(page2, caseId);

  // The secretariat approves from its inbox.
  await signIn(page, base, USERS.secretariat);
  await page.locator(`[data-testid="task-row"][data-case-id="${caseId}"]`).waitFor();
  // Administrative check is due in 5 working days (the default SLA), counted by the server's calendar.
  expect(await page.locator(`[data-testid="task-row"][data-case-id="${caseId}"] [data-testid="working-days-left"]`).textContent()).toMatch(/5 hari kerja lagi/);
  await page.screenshot({ path: join(SCREENSHOTS, 'inbox.png'), fullPage: true });
  await openFromInbox(page, caseId);
  await decide(page, 'approve', 'technical_review');

  // The other secretariat user's approval comes too late: said in words (no server English), and the task is gone.
  await page2.getByTestId('decide-approve').click();
  const conflict = await page2.locator('[data-testid="banner-error"] > span').textContent();
  expect(conflict).toBe('Tugas ini sudah diselesaikan, mungkin oleh rekan Anda. Tidak ada yang perlu Anda lakukan lagi di sini.');
  await page2.getByTestId('task-panel').waitFor({ state: 'detached' });
  await ctx2.close();

  // The technical reviewer returns it; the comment is required, and shown as text, never as HTML.
  await signIn(page, base, USERS.reviewerA);
  await openFromInbox(page, caseId);
  await page.getByTestId('decide-revise').click();
  await page.getByTestId('comment-error').waitFor();
  expect(await page.getByTestId('decide-reject').count()).toBe(0); // technical reviewers approve or revise only
  await decide(page, 'revise', 'revision', XSS_COMMENT);

  // The proposer sees the comment in the timeline and resubmits.
  await signIn(page, base, USERS.proposer);
  expect(await page.getByTestId('nav-inbox').count()).toBe(1);
  await page.goto(`${base}/cases/${caseId}`);
  await waitStage(page, 'revision');
  const comment = page.getByTestId('tl-comment').filter({ hasText: 'Lampirkan KAK' });
  expect(await comment.textContent()).toBe(XSS_COMMENT);
  expect(await page.locator('[data-testid="timeline"] b, [data-testid="timeline"] script').count()).toBe(0);
  expect(await page.evaluate('globalThis.__xss')).toBeUndefined();
  // The proposer's revision task (contract §8): their own, "Ajukan ulang" its one decision, nothing to claim or delegate.
  const revision = page.getByTestId('task-panel');
  expect(await revision.count()).toBe(1);
  expect(await revision.getByTestId('revision-hint').count()).toBe(1);
  expect(await revision.locator('[data-testid^="decide-"]').allTextContents()).toEqual(['Ajukan ulang']);
  expect(await revision.getByTestId('claim').count()).toBe(0);
  expect(await page.getByTestId('resubmit-case').count()).toBe(0);
  await revision.getByTestId('decide-resubmit').click();
  await waitStage(page, 'technical_review');

  // Technical reviewer, TKKSD chair and Bagian Hukum approve from their inboxes.
  await signIn(page, base, USERS.reviewerA);
  await openFromInbox(page, caseId);
  await decide(page, 'approve', 'tkksd_coordination');
  await signIn(page, base, USERS.chair);
  await openFromInbox(page, caseId);
  await decide(page, 'approve', 'legal_review');
  await signIn(page, base, USERS.legal);
  await page.getByTestId('nav-new').waitFor({ state: 'detached' }); // no "new proposal" for non-proposers
  await openFromInbox(page, caseId);
  await decide(page, 'approve', 'mayor_signature');

  // The mayor uploads the signed copy and signs.
  await signIn(page, base, USERS.mayor);
  await openFromInbox(page, caseId);
  expect(await page.getByTestId('decide-approve').count()).toBe(0);
  await upload(page, 'signed');
  await page.locator('[data-testid="diagram"] g.stage.current#stage-mayor_signature').waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'case.png'), fullPage: true });
  await decide(page, 'sign', 'signed');
  expect(await page.getByTestId('case-stage').textContent()).toBe('Ditandatangani');

  // The auditor replays the case and verifies the chain.
  await signIn(page, base, USERS.auditor);
  await page.locator(`[data-testid="case-row"][data-case-id="${caseId}"] [data-testid="audit-link"]`).click();
  const slider = page.getByTestId('replay-slider');
  await page.locator('[data-testid="replay-stage"][data-stage="signed"]').waitFor();
  await slider.fill('1');
  await page.locator('[data-testid="replay-stage"][data-stage="proposal"]').waitFor();
  await page.locator('[data-testid="diagram"][data-stage="proposal"] g.stage.current#stage-proposal').waitFor();
  expect(await page.getByTestId('replay-matches').textContent()).toContain('ya');
  await slider.focus();
  await page.keyboard.press('End');
  await page.locator('[data-testid="replay-stage"][data-stage="signed"]').waitFor();
  await page.getByTestId('verify').click();
  expect(await page.getByTestId('verify-result').textContent()).toMatch(/^OK/);
  // The export buttons download the event log (XES for process-mining tools).
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xes').click()]);
  expect(download.suggestedFilename()).toBe('onegate-events.xes');
  const { readFileSync } = await import('node:fs');
  expect(readFileSync((await download.path())!, 'utf8')).toContain('<log xes.version="1849.2016"');
  await slider.fill('6');
  await page.locator('[data-testid="replay-stage"]:not([data-stage="signed"])').waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'auditor.png'), fullPage: true });

  // The dashboard counts the signed KB (plus a few open cases made through the API, for the picture).
  await t.createCase({ title: 'PKS layanan kesehatan', instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' } });
  for (const title of ['KB pendidikan vokasi', 'PKS beasiswa']) {
    const c = await t.createCase({ title, instrument: title.startsWith('KB') ? 'kb' : 'pks', partner: { name: 'Politeknik Negeri Sriwijaya', category: 'region' } });
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBeLessThan(300);
  }
  await page.getByTestId('nav-dashboard').click();
  const sentences = await page.getByTestId('signed-sentences').textContent();
  expect(sentences).toMatch(/\d{4}: 1 MoU/);
  await page.getByTestId('chart-stage').waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
  // The language switch turns it to English.
  await page.getByTestId('lang-switch').click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByTestId('lang-switch').click();

  // On a phone-sized screen the inbox fits without sideways scrolling.
  await signIn(page, base, USERS.secretariat);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('inbox').waitFor();
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  await page.screenshot({ path: join(SCREENSHOTS, 'inbox-mobile.png'), fullPage: true });

  await ctx.close();
  expect(errors).toEqual([]);
}, 60_000);

test('the secretariat delegates the check to a colleague, who assigns two Tim Teknis members', async () => {
  const errors: string[] = [];
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await newPage(ctx, errors, [403, 409]);
  const c = await t.createCase({ title: 'PKS magang mahasiswa', instrument: 'pks', partner: { name: 'Universitas Jambi', category: 'region' } });
  expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);

  // Bagian Kerja Sama 1 hands the check to Bagian Kerja Sama 2; it leaves 1's hands at once.
  await signIn(page, base, USERS.secretariat);
  await openFromInbox(page, c.id);
  expect(await page.locator('[data-testid="delegate-to"] option').allTextContents()).toEqual(['Pilih rekan…', USERS.secretariat2.name]);
  await page.getByTestId('delegate-to').selectOption(USERS.secretariat2.id);
  await page.getByTestId('delegate').click();
  expect(await page.getByTestId('banner-ok').textContent()).toContain(USERS.secretariat2.name);
  await page.getByTestId('task-panel').waitFor({ state: 'detached' });
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId('inbox').waitFor();
  expect(await page.locator(`[data-testid="task-row"][data-case-id="${c.id}"]`).count()).toBe(0);

  // Bagian Kerja Sama 2 finds it in the inbox, picks both technical reviewers and approves.
  await signIn(page, base, USERS.secretariat2);
  await openFromInbox(page, c.id);
  await page.getByTestId(`reviewer-${USERS.reviewerA.id}`).check();
  await page.getByTestId(`reviewer-${USERS.reviewerB.id}`).check();
  await decide(page, 'approve', 'technical_review');
  for (const reviewer of [USERS.reviewerA, USERS.reviewerB]) {
    const mine = (await t.get(`/api/tasks?caseId=${c.id}`, reviewer)).body.items;
    expect(mine.map((x: any) => [x.stage, x.assigneeId])).toEqual([['technical_review', reviewer.id]]);
  }
  const delegated = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body.find((e: any) => e.type === 'TASK_DELEGATED');
  expect(delegated).toMatchObject({ actor: { id: USERS.secretariat.id }, data: { to: USERS.secretariat2.id } });

  // Each reviewer has their own task; a reviewer's own task offers no one to delegate to but themselves, so no form.
  await signIn(page, base, USERS.reviewerB);
  await openFromInbox(page, c.id);
  expect(await page.getByTestId('task-panel').count()).toBe(1);
  expect(await page.getByTestId('reviewer-picker').count()).toBe(0);
  await ctx.close();
  expect(errors).toEqual([]);
}, 60_000);
