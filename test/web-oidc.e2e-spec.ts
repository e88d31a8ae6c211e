/**
 * The web app signed in through an OpenID Connect provider (AUTH_OIDC_ISSUER), in a real browser:
 * the authorization code flow with PKCE against a Keycloak-shaped provider, acting on a task with the
 * provider's token, a forged return refused, sign-out ending the provider's session, an expired token,
 * a pasted bearer token, and a deep link (a mail's `/tasks/<id>`) that survives the provider's
 * round-trip, with text typed before the session ended. The ID token is validated in full in the
 * browser (oauth4webapi): one with another issuer, another audience, expired, a forged signature or
 * another sign-in's nonce is refused with a notice saying which. Uses the system's Chromium; fails,
 * not skips, when it is missing.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium, sessionItem, setSessionItem, spoilSessionToken, waitForValue } from './support/browser.js';
import { TestOidcProvider, type IdTokenFault, type OidcUser } from './support/oidc-provider.js';
import { TestApp, USERS } from './support/test-app.js';

const SECRETARIAT: OidcUser = { id: USERS.secretariat.id, name: 'Siti (Bagian Kerja Sama)', email: 'siti@jambikota.go.id', roles: ['secretariat', 'offline_access', 'uma_authorization'] };
const MAYOR: OidcUser = { id: USERS.mayor.id, name: 'Wali Kota Jambi', roles: ['mayor'] };

let t: TestApp;
let idp: TestOidcProvider;
let browser: Browser;
let base: string;

beforeAll(async () => {
  idp = await TestOidcProvider.start({ clientId: 'onegate-web', redirectUris: [], users: [SECRETARIAT, MAYOR] });
  // As in production: no sign-in picker; the local secret stays for the CLI (and this test's own API calls).
  t = await TestApp.start({ production: true, jwksUrl: idp.jwksUrl, oidc: { issuer: idp.issuer, clientId: idp.clientId, scope: 'openid profile email' } });
  base = await t.listen();
  idp.redirectUris.push(`${base}/`);
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await idp?.stop();
}, 30_000);

async function newPage(errors: string[]): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.setDefaultTimeout(8_000);
  return page;
}

/** Through the provider's login page, back to the app (signed in or not). */
async function throughProviderLogin(page: Page, user: OidcUser): Promise<void> {
  await page.getByTestId('oidc-sign-in').click();
  await page.waitForURL((url) => url.href.startsWith(idp.issuer));
  await page.getByLabel('Username').fill(user.id);
  await page.locator('#kc-login').click();
  await page.waitForURL((url) => url.href.startsWith(base));
}

/** Through the provider's login page and back, signed in. */
async function signInWithProvider(page: Page, user: OidcUser): Promise<void> {
  await throughProviderLogin(page, user);
  await page.getByTestId('whoami').filter({ hasText: user.name }).waitFor();
}

test('a reviewer signs in through the provider, acts on a task with its token, and signs out of both', async () => {
  const c = await t.createCase();
  expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
  const errors: string[] = [];
  const page = await newPage(errors);

  await page.goto(`${base}/`);
  await page.getByTestId('oidc-sign-in').waitFor();
  expect(await page.getByTestId('user-picker').count()).toBe(0);
  await signInWithProvider(page, SECRETARIAT);
  // The code and state are taken off the address bar; the roles shown are the ones the API honours.
  expect(page.url()).not.toMatch(/code=|state=/);
  expect(await page.locator('[data-testid="whoami"] .user-roles').textContent()).toBe('Bagian Kerja Sama');
  // The provider saw a correct PKCE verifier (it refuses the exchange otherwise).
  expect(idp.refusals).toEqual([]);
  // The page fetched the provider's keys itself: the ID token's signature was checked in the browser.
  expect(idp.jwksFromBrowser).toBeGreaterThan(0);

  // The provider's token works on the API: the task is in the inbox and the approval lands.
  await page.locator(`[data-testid="task-row"][data-case-id="${c.id}"] [data-testid="task-open"]`).click();
  await page.getByTestId('decide-approve').click();
  await page.locator(`[data-testid="case-page"][data-stage="technical_review"]`).waitFor();
  const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
  expect(history.at(-1)).toMatchObject({ type: 'TASK_COMPLETED', actor: { id: SECRETARIAT.id } });

  // A reload keeps the session; signing out ends the provider's session and returns to the sign-in page.
  await page.reload();
  await page.getByTestId('whoami').filter({ hasText: SECRETARIAT.name }).waitFor();
  await page.getByTestId('sign-out').click();
  await page.waitForURL(`${base}/`);
  await page.getByTestId('oidc-sign-in').waitFor();
  expect(await page.getByTestId('whoami').count()).toBe(0);
  expect(errors).toEqual([]);
}, 60_000);

test('a forged or replayed return from the provider is refused, and so is a code without its verifier', async () => {
  const errors: string[] = [];
  const page = await newPage(errors);
  await page.goto(`${base}/?code=stolen-code&state=guessed`);
  expect(await page.getByTestId('banner-info').textContent()).toMatch(/tidak cocok/);
  expect(await page.getByTestId('whoami').count()).toBe(0);
  expect(page.url()).not.toContain('stolen-code');

  // A code exchanged without the verifier this tab made is refused by the provider.
  const exchange = await fetch(`${idp.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'stolen-code', client_id: idp.clientId, redirect_uri: `${base}/`, code_verifier: 'x' }),
  });
  expect(exchange.status).toBe(400);
  expect(errors).toEqual([]);
}, 30_000);

test('an expired provider token sends the user back to sign in, with a notice', async () => {
  const errors: string[] = [];
  const page = await newPage(errors);
  await page.goto(`${base}/`);
  idp.tokenTtl = '3s';
  try {
    await signInWithProvider(page, MAYOR);
  } finally {
    idp.tokenTtl = '10m';
  }
  await page.waitForTimeout(3_500);
  await page.getByTestId('nav-cases').click();
  expect(await page.getByTestId('banner-info').textContent()).toMatch(/Sesi Anda berakhir/);
  await page.getByTestId('oidc-sign-in').waitFor();
  expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
}, 30_000);

test('a bearer token from the provider can also be pasted, and a token of another issuer is refused', async () => {
  const errors: string[] = [];
  const page = await newPage(errors);
  await page.goto(`${base}/`);
  await page.getByText('Atau tempelkan token akses').click();
  await page.getByLabel('Token akses').fill(await idp.accessToken(MAYOR, { issuer: 'https://sso.elsewhere.example/realms/x' }));
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  // Refused in words a person can act on: not the server's English reason (which names the "iss" claim).
  const refused = await page.getByTestId('banner-error').textContent();
  expect(refused).toMatch(/^Token akses tidak diterima/);
  expect(refused).not.toMatch(/iss|issuer/);
  await page.getByLabel('Token akses').fill(await idp.accessToken(MAYOR));
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await page.getByTestId('whoami').filter({ hasText: MAYOR.name }).waitFor();
  expect(await page.getByTestId('whoami').textContent()).toContain('Wali Kota');
  expect(errors).toEqual([]);
}, 30_000);

test('a task link opened signed out lands on its case after the provider sign-in, and typed text survives a second round-trip', async () => {
  const c = await t.createCase({ title: 'PKS layanan air bersih' });
  expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
  const taskId = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.openTasks[0].id;
  const errors: string[] = [];
  const page = await newPage(errors);

  // The link in a reminder, opened without a session: sign in, then that task on its case, not the inbox.
  await page.goto(`${base}/tasks/${taskId}`);
  await signInWithProvider(page, SECRETARIAT);
  await page.waitForURL(`${base}/cases/${c.id}?task=${taskId}`);
  await page.locator(`[data-testid="task-panel"][data-task-id="${taskId}"]`).waitFor();

  // Typing a note when the session ends (the API answers 401): the sign-in comes up over the page.
  const note = 'Mohon lengkapi <i>lampiran</i> anggaran\nbaris kedua';
  await page.getByTestId('decision-comment').fill(note);
  await spoilSessionToken(page);
  await page.getByTestId('claim').click();
  await page.getByTestId('sign-in-dialog').getByTestId('oidc-sign-in').waitFor();
  expect(await page.getByTestId('decision-comment').inputValue()).toBe(note);
  // The provider's login is another site: the page is left, and what was typed goes along in this tab's storage.
  await signInWithProvider(page, SECRETARIAT);
  await page.waitForURL(`${base}/cases/${c.id}?task=${taskId}`);
  await page.locator(`[data-testid="task-panel"][data-task-id="${taskId}"]`).waitFor();
  await waitForValue(page, 'decision-comment', note);
  expect(await sessionItem(page, 'onegate.drafts')).toBeNull();
  expect(await page.getByTestId('sign-in-dialog').count()).toBe(0);
  // The restored note is the page's own state: sending it records exactly that text.
  await page.getByTestId('decide-approve').click();
  await page.locator('[data-testid="case-page"][data-stage="technical_review"]').waitFor();
  const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
  expect(history.at(-1)).toMatchObject({ type: 'TASK_COMPLETED', actor: { id: SECRETARIAT.id }, data: { comment: note } });
  expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
}, 60_000);

test('a return path kept across the provider round-trip is used only when it is an app path of this origin', async () => {
  const errors: string[] = [];
  const page = await newPage(errors);
  await page.goto(`${base}/`);
  await page.getByTestId('oidc-sign-in').waitFor();
  // What another script in the tab might have left: an outside address, then /api, then a protocol-relative one.
  for (const returnTo of ['https://evil.example/cases/x', '/api/cases', '//evil.example/inbox']) {
    const state = `s-${Math.random().toString(36).slice(2)}`;
    const as = { issuer: idp.issuer, authorization_endpoint: `${idp.issuer}/auth`, token_endpoint: 'http://127.0.0.1:9/token', jwks_uri: idp.jwksUrl };
    await setSessionItem(page, 'onegate.oidc.pending', { as, state, verifier: 'v', nonce: 'n', clientId: 'onegate-web', returnTo });
    await page.goto(`${base}/?code=c&state=${state}`);
    await page.getByTestId('banner-info').waitFor();
    expect(new URL(page.url()).origin).toBe(base);
    expect(new URL(page.url()).pathname).toBe('/');
  }
  expect(errors).toEqual([]);
}, 30_000);

/** Each way an ID token can be wrong, with the notice the sign-in page shows for it (Indonesian, then English). */
const SPOILED: Array<[string, IdTokenFault, RegExp, RegExp]> = [
  ['another issuer', 'issuer', /^Masuk ditolak: token identitas dari SSO diterbitkan oleh layanan lain/, /^Sign-in refused: the SSO identity token was issued by another service/],
  ['another audience', 'audience', /^Masuk ditolak: token identitas dari SSO tidak ditujukan untuk aplikasi ini/, /^Sign-in refused: the SSO identity token is not meant for this application/],
  ['an expiry in the past', 'expired', /^Masuk ditolak: token identitas dari SSO sudah kedaluwarsa/, /^Sign-in refused: the SSO identity token has expired/],
  ['a signature by another key', 'signature', /^Masuk ditolak: tanda tangan token identitas dari SSO tidak sah/, /^Sign-in refused: the SSO identity token’s signature is not valid/],
  ['another sign-in’s nonce', 'nonce', /^Masuk ditolak: token identitas dari SSO dibuat untuk permintaan masuk lain/, /^Sign-in refused: the SSO identity token was made for another sign-in/],
];

test.each(SPOILED)('an ID token with %s is refused with a notice saying so, and a sound one then signs in', async (_what, fault, indonesian, english) => {
  const errors: string[] = [];
  const page = await newPage(errors);
  // A deep link opened signed out: the refusal comes back to it, signed out.
  await page.goto(`${base}/cases`);
  idp.refusals.length = 0;
  idp.idTokenFault = fault;
  try {
    await throughProviderLogin(page, SECRETARIAT);
    await page.getByTestId('banner-info').waitFor();
  } finally {
    idp.idTokenFault = null;
  }
  // The provider gave the tokens (its access token is good for the API): the page itself refused them.
  expect(idp.refusals).toEqual([]);
  expect(await page.getByTestId('banner-info').textContent()).toMatch(indonesian);
  expect(await page.getByTestId('whoami').count()).toBe(0);
  expect(await sessionItem(page, 'onegate.session')).toBeNull();
  expect(await sessionItem(page, 'onegate.oidc.pending')).toBeNull();
  expect(new URL(page.url()).pathname).toBe('/cases');
  expect(page.url()).not.toMatch(/code=|state=/);
  // Switched to English, the same notice in English.
  await page.getByTestId('lang-switch').click();
  await page.getByTestId('banner-info').filter({ hasText: english }).waitFor();
  expect(await page.getByTestId('banner-info').textContent()).toMatch(english);

  // Signing in again with a sound token works, onto the page the link named.
  await signInWithProvider(page, SECRETARIAT);
  expect(new URL(page.url()).pathname).toBe('/cases');
  expect(errors).toEqual([]);
}, 45_000);
