/**
 * Links into the web app (issue 14): the link a real reminder mail carries, opened signed out in a real
 * browser, lands after sign-in on its case with the task in view; `/cases/<id>` links, old hash links and
 * list addresses with filters survive a reload; text typed before a session ends survives signing in
 * again; the server serves the app only at its paths, with its security headers. The reminder is
 * made by moving the app's clock past its time, not by waiting. One browser for the file; the system's
 * Chromium (never a download), failing, not skipping, when it is missing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SettableClock } from '../src/common/clock.js';
import { TIMER } from '../src/database/entities.js';
import type { TimerRow } from '../src/database/rows.js';
import { TimerHandler } from '../src/deadlines/timer-handler.js';
import { countOnceSettled, launchChromium, newPage, sessionItem, spoilSessionToken } from './support/browser.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp, USERS, type TestUser } from './support/test-app.js';

/** Monday 7 December 2026, 09:00 in Jambi: the app's "now" when the file starts. */
const START = new Date('2026-12-07T02:00:00Z');

let t: TestApp;
let smtp: SmtpSink;
let browser: Browser;
let base: string;
const clock = new SettableClock();

/** A free port, so PUBLIC_URL (which every mail link starts with) can be the app's own address before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  smtp = await new SmtpSink().start();
  const slaFile = join(mkdtempSync(join(tmpdir(), 'onegate-links-')), 'sla.json');
  // Days, not seconds: nothing fires by itself while the test runs; the test moves the clock and fires the timer.
  writeFileSync(slaFile, JSON.stringify({ administrative_check: { due: 'P5D', remind: ['P2D'], escalate: [] } }));
  clock.set(START);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await TestApp.start({ smtpUrl: smtp.url, slaFile, publicUrl: base }, { clock });
  await t.app.listen({ port, host: '127.0.0.1' });
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await smtp?.stop();
}, 30_000);

/** A signed-out tab that records script errors and refusals by the Content-Security-Policy. */
async function openTab(errors: string[]): Promise<Page> {
  return newPage(await browser.newContext({ viewport: { width: 1280, height: 900 } }), errors, [401, 403, 404, 409]);
}

async function pick(page: Page, user: TestUser, within: 'page' | 'dialog' = 'page'): Promise<void> {
  const scope = within === 'dialog' ? page.getByTestId('sign-in-dialog') : page.getByTestId('sign-in');
  await scope.getByTestId(`sign-in-as-${user.id}`).click();
  await page.getByTestId('whoami').filter({ hasText: user.name }).waitFor();
}

/** A case submitted to the administrative check; its open task. */
async function submitted(body: Record<string, unknown> = {}): Promise<{ id: string; number: string; taskId: string }> {
  const c = await t.createCase(body);
  expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
  const open = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.openTasks;
  expect(open).toHaveLength(1);
  return { id: c.id, number: c.number, taskId: open[0].id };
}

/** A mail's text with quoted-printable soft breaks and `=3D` undone, as a mail reader shows it. */
const mailText = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');

test('the link in a real reminder mail, opened signed out, lands after sign-in on the case with the task in view', async () => {
  const c = await submitted({ title: 'KB pengelolaan sampah Talang Gulo' });
  expect((await t.post(`/api/tasks/${c.taskId}/claim`, USERS.secretariat)).status).toBe(200);
  const [reminder] = await t.db.read((em) => em.findBy<TimerRow>(TIMER, { taskId: c.taskId, kind: 'remind', status: 'pending' }));
  expect(reminder).toBeDefined();

  // Before its time the reminder does nothing; with the clock moved past it, it sends the mail.
  const handler = t.app.get(TimerHandler);
  await handler.fire(reminder!.id);
  expect(smtp.received.filter((m) => m.subject.includes(c.number))).toEqual([]);
  clock.set(new Date(reminder!.fireAt.getTime() + 60_000));
  await handler.fire(reminder!.id);
  const mails = smtp.received.filter((m) => m.subject.includes(c.number));
  expect(mails.map((m) => m.to)).toEqual([[`${USERS.secretariat.id}@jambikota.go.id`]]);
  const links = [...mailText(mails[0]!.raw).matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
  const taskLink = links.find((l) => l.includes('/tasks/'));
  expect(taskLink).toBe(`${base}/tasks/${c.taskId}`);

  // Opened in a browser with no session: the sign-in, at that same address.
  const errors: string[] = [];
  const page = await openTab(errors);
  await page.goto(taskLink!);
  await page.getByTestId('user-picker').waitFor();
  expect(page.url()).toBe(taskLink);
  const entries = await page.evaluate<number>('history.length');
  await pick(page, USERS.secretariat);
  // The task's case, with the task named in the address and its panel on screen.
  await page.waitForURL(`${base}/cases/${c.id}?task=${c.taskId}`);
  const panel = page.locator(`[data-testid="task-panel"][data-task-id="${c.taskId}"]`);
  await panel.waitFor();
  expect(await page.getByTestId('case-title').textContent()).toBe('KB pengelolaan sampah Talang Gulo');
  const box = await panel.boundingBox();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeLessThan(900);
  // The task link was replaced, not stacked: back does not bounce through /tasks/ again.
  expect(await page.evaluate<number>('history.length')).toBe(entries);
  expect(errors).toEqual([]);
}, 60_000);

test('a case link and an old hash link open their case after sign-in; an unknown task says so in Indonesian', async () => {
  const c = await submitted({ title: 'PKS beasiswa Universitas Jambi' });
  const errors: string[] = [];
  const page = await openTab(errors);
  await page.goto(`${base}/cases/${c.id}`);
  await pick(page, USERS.legal);
  await page.locator(`[data-testid="case-page"][data-case-id="${c.id}"]`).waitFor();
  expect(page.url()).toBe(`${base}/cases/${c.id}`);

  // A link from before path routing (`/#/cases/<id>`) turns into the path form.
  await page.goto(`${base}/#/cases/${c.id}`);
  await page.waitForURL(`${base}/cases/${c.id}`);
  await page.locator(`[data-testid="case-page"][data-case-id="${c.id}"]`).waitFor();

  // Links inside the app follow without a page load; back and forward move between the screens.
  await page.evaluate('window.__samePage = true');
  await page.getByTestId('nav-cases').click();
  await page.getByTestId('case-list').waitFor();
  expect(page.url()).toBe(`${base}/cases`);
  await page.goBack();
  await page.locator(`[data-testid="case-page"][data-case-id="${c.id}"]`).waitFor();
  await page.goForward();
  await page.getByTestId('case-list').waitFor();
  // A link still written the old way (`href="#/cases/<id>"`) is followed as its path.
  await page.evaluate(`(() => { const a = document.createElement('a'); a.href = '#/cases/${c.id}'; a.textContent = 'old link'; a.dataset.testid = 'old-link'; document.getElementById('content').prepend(a); })()`);
  await page.getByTestId('old-link').click();
  await page.waitForURL(`${base}/cases/${c.id}`);
  await page.locator(`[data-testid="case-page"][data-case-id="${c.id}"]`).waitFor();
  expect(await page.evaluate('window.__samePage')).toBe(true);

  // A task id nobody has: a page that says so, in words, and where to go instead.
  await page.goto(`${base}/tasks/00000000-0000-4000-8000-000000000000`);
  await page.getByTestId('not-found').waitFor();
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Tugas tidak ditemukan');
  expect(await page.getByTestId('not-found').textContent()).toMatch(/tautan/i);

  // A task link opened in a tab whose session has ended: the sign-in over it, then the task's case.
  await spoilSessionToken(page);
  await page.goto(`${base}/tasks/${c.taskId}`);
  await pick(page, USERS.legal, 'dialog');
  await page.waitForURL(`${base}/cases/${c.id}?task=${c.taskId}`);
  await page.locator(`[data-testid="case-page"][data-case-id="${c.id}"]`).waitFor();
  expect(errors).toEqual([]);
}, 60_000);

test('the case list and the inbox keep their search, filters and page in the address, across reload and back/forward', async () => {
  for (let i = 0; i < 27; i++) await t.createCase({ title: `Kerja sama Jelutung ${i + 1}` }, USERS.proposer, { documents: false });
  await submitted({ title: 'Kerja sama Jelutung diajukan' });
  await submitted({ title: 'PKS Jelutung layanan air', instrument: 'pks' });
  const errors: string[] = [];
  const page = await openTab(errors);
  await page.goto(`${base}/cases`);
  await pick(page, USERS.secretariat);
  const rows = page.getByTestId('case-row');

  await page.getByTestId('cases-q').fill('jelutung');
  await page.getByTestId('cases-search').click();
  await page.waitForURL(`${base}/cases?q=jelutung`);
  await page.getByTestId('cases-stage').selectOption('proposal');
  await page.waitForURL(`${base}/cases?q=jelutung&stage=proposal`);
  await page.getByText('27 berkas').waitFor();
  await page.getByTestId('cases-next').click();
  await page.waitForURL(`${base}/cases?q=jelutung&stage=proposal&page=2`);
  await page.getByTestId('cases-page').filter({ hasText: 'Halaman 2 dari 2' }).waitFor();
  expect(await countOnceSettled(rows, 2)).toBe(2);

  // A reload (or the same link in another tab) shows the same list.
  await page.reload();
  await page.getByTestId('cases-page').filter({ hasText: 'Halaman 2 dari 2' }).waitFor();
  expect(await countOnceSettled(rows, 2)).toBe(2);
  expect(await page.getByTestId('cases-q').inputValue()).toBe('jelutung');
  expect(await page.getByTestId('cases-stage').inputValue()).toBe('proposal');

  // Back: the first page, then the list without the stage filter; forward again.
  await page.goBack();
  await page.waitForURL(`${base}/cases?q=jelutung&stage=proposal`);
  await page.getByTestId('cases-page').filter({ hasText: 'Halaman 1 dari 2' }).waitFor();
  expect(await countOnceSettled(rows, 25)).toBe(25);
  await page.goBack();
  await page.waitForURL(`${base}/cases?q=jelutung`);
  await page.getByText('29 berkas').waitFor();
  expect(await page.getByTestId('cases-stage').inputValue()).toBe('');
  await page.goForward();
  await page.getByText('27 berkas').waitFor();
  expect(await page.getByTestId('cases-stage').inputValue()).toBe('proposal');

  // The inbox: filters in the address, kept by a reload.
  await page.goto(`${base}/inbox?instrument=pks`);
  await page.getByTestId('inbox').waitFor();
  await page.locator('[data-testid="task-row"]').first().waitFor();
  const inboxTitles = () => page.locator('[data-testid="task-row"] .case-title').allTextContents();
  expect(await inboxTitles()).toEqual(['PKS Jelutung layanan air']);
  await page.getByTestId('filter-stage').selectOption('administrative_check');
  await page.waitForURL(`${base}/inbox?instrument=pks&stage=administrative_check`);
  await page.reload();
  await page.locator('[data-testid="task-row"]').first().waitFor();
  expect(await inboxTitles()).toEqual(['PKS Jelutung layanan air']);
  expect(await page.getByTestId('filter-stage').inputValue()).toBe('administrative_check');
  expect(await page.getByTestId('filter-instrument').inputValue()).toBe('pks');
  await page.goto(`${base}/inbox`);
  await page.locator('[data-testid="task-row"]').first().waitFor();
  expect((await inboxTitles()).length).toBeGreaterThan(1);
  expect(errors).toEqual([]);
}, 60_000);

test('text typed before the session ends survives signing in again: a decision comment and a new proposal', async () => {
  const c = await submitted({ title: 'KB sanitasi Kota Baru' });
  const errors: string[] = [];
  const page = await openTab(errors);
  await page.goto(`${base}/cases/${c.id}?task=${c.taskId}`);
  await pick(page, USERS.secretariat);
  const note = 'Berkas lengkap.\nMohon <b>Tim Teknis</b> menelaah lampiran anggaran.';
  await page.getByTestId('decision-comment').fill(note);

  // The session ends under the page: the next call is answered 401 and the sign-in comes up over the page.
  await spoilSessionToken(page);
  await page.getByTestId('claim').click();
  await page.getByTestId('sign-in-dialog').getByTestId('user-picker').waitFor();
  expect(await page.getByTestId('sign-in-dialog').getByTestId('banner-info').textContent()).toMatch(/Sesi Anda berakhir/);
  expect(await sessionItem(page, 'onegate.session')).toBeNull();
  // Escape does not send it away: only signing in (or out) does.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.getByTestId('sign-in-dialog').getByTestId('user-picker').waitFor({ state: 'visible' });
  await pick(page, USERS.secretariat, 'dialog');
  await page.getByTestId('sign-in-dialog').waitFor({ state: 'detached' });
  expect(page.url()).toBe(`${base}/cases/${c.id}?task=${c.taskId}`);
  expect(await page.getByTestId('decision-comment').inputValue()).toBe(note);
  await page.getByTestId('decide-approve').click();
  await page.locator('[data-testid="case-page"][data-stage="technical_review"]').waitFor();
  const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
  expect(history.at(-1)).toMatchObject({ type: 'TASK_COMPLETED', actor: { id: USERS.secretariat.id }, data: { comment: note } });

  // The new-proposal form, half filled when the session ends, is still filled after signing in.
  await page.getByTestId('sign-out').click();
  await page.goto(`${base}/new`);
  await pick(page, USERS.proposer);
  await page.getByLabel('Judul kerja sama').fill('PKS pelatihan vokasi');
  await page.getByLabel('Nama mitra').fill('Politeknik Jambi');
  await page.getByLabel('Kategori mitra').selectOption('third_party');
  await page.getByLabel('Ringkasan / ruang lingkup').fill('Pelatihan 200 pemuda');
  await spoilSessionToken(page);
  await page.getByTestId('create-case').click();
  await page.getByTestId('sign-in-dialog').getByTestId('user-picker').waitFor();
  await pick(page, USERS.proposer, 'dialog');
  await page.getByTestId('sign-in-dialog').waitFor({ state: 'detached' });
  expect(await page.getByLabel('Judul kerja sama').inputValue()).toBe('PKS pelatihan vokasi');
  expect(await page.getByLabel('Nama mitra').inputValue()).toBe('Politeknik Jambi');
  expect(await page.getByLabel('Kategori mitra').inputValue()).toBe('third_party');
  expect(await page.getByLabel('Ringkasan / ruang lingkup').inputValue()).toBe('Pelatihan 200 pemuda');
  await page.getByTestId('create-case').click();
  await page.locator('[data-testid="case-page"][data-stage="proposal"]').waitFor();
  expect(await page.getByTestId('case-title').textContent()).toBe('PKS pelatihan vokasi');
  expect(errors).toEqual([]);
}, 60_000);

test('API errors read as sentences in the user’s language, naming stages, documents, fields and roles by their labels', async () => {
  const errors: string[] = [];
  const page = await openTab(errors);
  await page.goto(`${base}/`);
  await pick(page, USERS.auditor);
  const cases = [
    { status: 409, body: { code: 'InvalidTransition', message: 'SIGN is not allowed in stage mayor_signature', stage: 'mayor_signature', allowedEvents: ['WITHDRAW'] } },
    { status: 409, body: { code: 'InvalidTransition', message: 'sign needs the signed copy uploaded at mayor_signature first', stage: 'mayor_signature', allowedEvents: [], missingDocuments: ['signed'] } },
    { status: 409, body: { code: 'InvalidTransition', message: 'stage legal_review takes documents of kind draft_pks, not kak', stage: 'legal_review', allowedKinds: ['draft_pks', 'other'] } },
    { status: 400, body: { code: 'ValidationFailed', message: 'partner.name: should not be empty; validFrom: must be a date', field: 'partner.name', fields: [{ field: 'partner.name' }, { field: 'validFrom' }] } },
    { status: 400, body: { code: 'ValidationFailed', message: 'validUntil: must be after validFrom', field: 'validUntil' } },
    { status: 403, body: { code: 'Forbidden', message: 'this action needs one of the roles: legal, tkksd_chair; the token has: auditor' } },
    { status: 409, body: { code: 'StaleVersion', message: 'expectedVersion 3 is stale: the case is at version 4', currentVersion: 4 } },
    { status: 409, body: { code: 'TaskClaimedByAnother', message: 'task t1 is claimed by hukum-1', assigneeId: 'hukum-1' } },
    { status: 413, body: { code: 'PayloadTooLarge', message: 'file: larger than 20 MiB', field: 'file' } },
    { status: 415, body: { code: 'UnsupportedMediaType', message: 'file: the content is not a PDF', field: 'file' } },
    { status: 429, body: { message: 'Too Many Requests' }, retryAfter: 30 },
    { status: 503, body: { code: 'DependencyUnavailable', message: 'the database is unavailable; try again shortly' } },
    { status: 404, body: { code: 'NotFound', message: 'case KS-1 not found' } },
    { status: 500, body: { message: 'internal error' } },
  ];
  const say = (lang: 'id' | 'en') =>
    page.evaluate<string[]>(
      `(async () => {
        const { apiErrorText } = await import('/error-text.js');
        const { setLang } = await import('/i18n.js');
        setLang(${JSON.stringify(lang)});
        const out = ${JSON.stringify(cases)}.map((e) => apiErrorText(e));
        setLang('id');
        return out;
      })()`,
    );
  // The directory's names reach the messages once the app has loaded them.
  await page.waitForFunction(`import('/error-text.js').then((m) => m.apiErrorText({ status: 409, body: { code: 'TaskClaimedByAnother', assigneeId: 'hukum-1' } }).includes(${JSON.stringify(USERS.legal.name)}))`);
  const id = await say('id');
  expect(id).toEqual([
    'Tindakan ini tidak dapat dilakukan pada tahap Penandatanganan Wali Kota. Yang dapat dilakukan sekarang: menarik usulan.',
    'Unggah dulu dokumen berikut: Salinan ditandatangani.',
    'Pada tahap Telaah hukum (Bagian Hukum), dokumen yang dapat diunggah hanya: Draf PKS dan Lainnya.',
    'Periksa isian berikut: Nama mitra dan Berlaku mulai.',
    'Tanggal "Berlaku sampai" harus sesudah tanggal "Berlaku mulai".',
    'Anda tidak berwenang melakukan ini. Tindakan ini untuk: Bagian Hukum dan Ketua TKKSD.',
    'Berkas ini baru saja diubah oleh orang lain. Muat ulang halaman, periksa perubahannya, lalu ulangi tindakan Anda.',
    `Tugas ini sudah diambil oleh ${USERS.legal.name}.`,
    'Berkas terlalu besar: paling besar 20 MiB.',
    'Jenis berkas ini tidak diterima. Unggah PDF, DOCX, ODT, XLSX, PNG atau JPEG.',
    'Terlalu banyak permintaan dalam waktu singkat. Coba lagi dalam 30 detik.',
    'Layanan sedang tidak tersedia. Coba lagi dalam beberapa saat.',
    'Berkas kerja sama ini tidak ditemukan, atau Anda tidak berhak melihatnya.',
    'Terjadi kesalahan di server. Coba lagi; jika berulang, hubungi admin.',
  ]);
  // No id, no server English in Indonesian.
  for (const s of id) expect(s).not.toMatch(/[a-z]+_[a-z]+|SIGN|stage|not allowed|should|must/);
  const en = await say('en');
  expect(en[0]).toBe("This cannot be done at the Mayor's signature stage. What can be done now: withdraw the proposal.");
  expect(en[3]).toBe('Check these fields: Partner name and Valid from.');
  expect(errors).toEqual([]);
}, 30_000);

test('the server serves the app at its paths only, with its security headers on every response', async () => {
  const get = (path: string) => fetch(`${base}${path}`, { redirect: 'manual' });
  const html = await (await get('/')).text();
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!;
  for (const path of ['/', '/inbox', '/inbox?stage=legal_review&instrument=pks', '/cases', '/cases?q=sampah&stage=signed&page=2', '/cases/abc', '/tasks/abc', '/new', '/audit/abc', '/dashboard']) {
    const res = await get(path);
    expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
    expect(await res.text()).toBe(html);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`script-src 'self' 'sha256-${createHash('sha256').update(importMap).digest('base64')}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  }
  // Unknown paths, paths under the app's screens that name nothing, and the API's own paths are never the app.
  for (const path of ['/nope', '/cases/a/b', '/inbox/x', '/tasks', '/audit', '/public/x', '/api/nope', '/api/cases/x/nope', '/vendor/nope.mjs', '/index.htm']) {
    const res = await get(path);
    expect([path, res.status]).toEqual([path, 404]);
    expect(await res.text()).not.toContain('<script type="importmap">');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toBeTruthy();
  }
  // A request refused by a hook before any route (a NUL in the query) still carries them (@fastify/helmet runs first).
  const refusedEarly = await get('/api/cases?q=%00');
  expect(refusedEarly.status).toBe(400);
  expect(refusedEarly.headers.get('x-content-type-options')).toBe('nosniff');
  expect(refusedEarly.headers.get('x-frame-options')).toBe('DENY');
  expect(refusedEarly.headers.get('referrer-policy')).toBe('same-origin');
  const unauth = await get('/api/cases');
  expect(unauth.status).toBe(401);
  expect(unauth.headers.get('content-type')).toMatch(/json/);
  expect(unauth.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  // The OpenAPI page (Swagger UI, its scripts files of this origin) has its own policy, still no inline script.
  const docs = await get('/api/docs');
  expect(docs.status).toBe(200);
  expect(docs.headers.get('content-security-policy')).toMatch(/^default-src 'self';.*frame-ancestors 'none'$/);
  expect(docs.headers.get('content-security-policy')).not.toMatch(/script-src/);
  // Real static files are still themselves.
  for (const [path, type] of [['/app.js', /javascript/], ['/router.js', /javascript/], ['/styles.css', /css/], ['/vendor/preact.mjs', /javascript/], ['/labels.js', /javascript/]] as const) {
    const res = await get(path);
    expect([path, res.status]).toEqual([path, 200]);
    expect(res.headers.get('content-type')).toMatch(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  }
}, 30_000);
