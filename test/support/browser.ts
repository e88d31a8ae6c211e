import type { Page } from 'playwright-core';

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
