import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium: the tests drive it and never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** One headless Chromium for a test file (install Debian's `chromium` package first). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium); this test never downloads a browser.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'] });
}
import type { TestUser } from './test-app.js';
import { until } from './until.js';

/**
 * A page that records script errors (a broken module fails the test) and console errors, except
 * the HTTP statuses the test provokes on purpose (`allowed`, e.g. [409] for a conflict it stages).
 */
export async function newPage(context: BrowserContext, errors: string[], allowed: number[] = []): Promise<Page> {
  const page = await context.newPage();
  const expected = new RegExp(`status of (${allowed.join('|') || '-'})\\b`);
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected.test(m.text())) errors.push(m.text());
  });
  // Generous: CI runs two suites at once on two cores, and a browser waits behind them.
  page.setDefaultTimeout(15_000);
  return page;
}

/** Signs in through the picker as `user` (signing out whoever is signed in first). */
export async function signIn(page: Page, base: string, user: TestUser): Promise<void> {
  await page.goto(`${base}/`);
  // The page first renders signed in (a sign-out button) or signed out (the picker): wait for either.
  await page.locator('[data-testid="sign-out"], [data-testid="user-picker"]').first().waitFor();
  const out = page.getByTestId('sign-out');
  if (await out.isVisible()) await out.click();
  await page.getByTestId(`sign-in-as-${user.id}`).click();
  await page.getByTestId('whoami').filter({ hasText: user.name }).waitFor();
  // Signed in, the app moves on to the user's home page: wait for that, or a goto() right after could
  // be a same-document hash change that this late move then overrides.
  await page.waitForURL((url) => url.pathname !== '/');
}

/** The browser runs this text, not the test's Node: the test code has no DOM types. */
export const sessionItem = (page: Page, key: string) => page.evaluate<string | null>(`sessionStorage.getItem(${JSON.stringify(key)})`);

export const setSessionItem = (page: Page, key: string, value: unknown) =>
  page.evaluate(`sessionStorage.setItem(${JSON.stringify(key)}, ${JSON.stringify(JSON.stringify(value))})`);

/** Spoils the signed-in session's token in place, so the next API call is answered 401, as when a session ends. */
export async function spoilSessionToken(page: Page): Promise<void> {
  const session = JSON.parse((await sessionItem(page, 'onegate.session')) ?? 'null') as { token: string } | null;
  if (!session) throw new Error('no session in this tab');
  await setSessionItem(page, 'onegate.session', { ...session, token: `${session.token}x` });
}

/** Waits until the field with this test id holds `value` (typed, or put back after a sign-in). */
export const waitForValue = (page: Page, testId: string, value: string) =>
  page.waitForFunction(([id, v]) => (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector(`[data-testid="${id}"]`)?.value === v, [testId, value] as const);

/** The text of the element `testId` once what it shows has loaded: no part of it still busy (the app's "Memuat…"). */
export async function loadedText(page: Page, testId: string): Promise<string> {
  const el = page.getByTestId(testId);
  await el.waitFor();
  await until(() => el.locator('[aria-busy="true"]').count(), (busy) => busy === 0);
  return el.innerText();
}

/** Waits for `locator`; on a time-out says what the page showed instead (its URL and text), to tell a slow page from a wrong one. */
export async function waitShowing(page: Page, locator: Locator): Promise<void> {
  try {
    await locator.waitFor();
  } catch (err) {
    const text = await page.evaluate<string>('document.body.innerText').catch(() => '(no page text)');
    throw new Error(`${(err as Error).message}\nat ${page.url()} the page showed:\n${text.slice(0, 1500)}`);
  }
}

/** Waits until `locator` matches `n` elements (a list re-rendered from a new query), then returns the count. */
export async function countOnceSettled(locator: Locator, n: number, timeoutMs = 15_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  let count = await locator.count();
  while (count !== n && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    count = await locator.count();
  }
  return count;
}

/** Switches the web app to `lang` with its own switch (when it is not already) and waits until the page says so. */
export async function setLanguage(page: Page, lang: 'id' | 'en'): Promise<void> {
  if ((await page.evaluate<string>('document.documentElement.lang')) !== lang) await page.getByTestId('lang-switch').click();
  await page.waitForFunction(`document.documentElement.lang === ${JSON.stringify(lang)}`);
}
