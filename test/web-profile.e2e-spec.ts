/**
 * The profile page (contract §12), in a real browser: a signed-in user sets their WhatsApp number,
 * WhatsApp beside e-mail and the morning digest; an invalid number is refused in words naming the
 * number, a valid one is kept as 62…; English on switch. Uses the system's Chromium (never downloads one).
 */
import { type Browser } from 'playwright-core';
import { TestApp, USERS } from './support/test-app.js';
import { launchChromium, newPage, setLanguage, signIn, waitShowing } from './support/browser.js';

let t: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await TestApp.start();
  base = await t.listen();
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
}, 30_000);

test('a user sets their WhatsApp number, channels and morning digest on their profile page', async () => {
  const errors: string[] = [];
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await newPage(ctx, errors, [400]);
  const me = USERS.tkksd;
  await signIn(page, base, me);
  await setLanguage(page, 'id');
  await page.getByTestId('nav-profile').click();
  await page.waitForURL((url) => url.pathname === '/profile');
  await waitShowing(page, page.getByTestId('profile-form'));
  expect(await page.getByTestId('profile-email').textContent()).toBe(`${me.id}@jambikota.go.id`);

  // An invalid number: refused in words that name it, nothing changes.
  await page.getByLabel('Nomor WhatsApp').fill('12345');
  await page.getByTestId('profile-whatsapp').check();
  await page.getByTestId('profile-save').click();
  await waitShowing(page, page.getByTestId('banner-error'));
  expect(await page.getByTestId('banner-error').textContent()).toContain('Nomor WhatsApp tidak valid');
  expect((await t.get('/api/profile', me)).body).toMatchObject({ phone: null, channels: ['email'], digest: 'none' });

  await page.getByLabel('Nomor WhatsApp').fill('+62 812-3456-7890');
  await page.getByTestId('profile-digest').check();
  await page.getByTestId('profile-save').click();
  await waitShowing(page, page.getByTestId('banner-ok'));
  expect(await page.getByTestId('profile-phone').inputValue()).toBe('6281234567890');
  expect((await t.get('/api/profile', me)).body).toMatchObject({ phone: '6281234567890', channels: ['email', 'whatsapp'], digest: 'daily' });

  // Opened again (a fresh load of /profile), it shows what was kept; in English on switch.
  await page.goto(`${base}/profile`);
  await waitShowing(page, page.getByTestId('profile-form'));
  expect(await page.getByTestId('profile-whatsapp').isChecked()).toBe(true);
  expect(await page.getByTestId('profile-digest').isChecked()).toBe(true);
  await setLanguage(page, 'en');
  await waitShowing(page, page.getByText('Morning digest'));
  expect(await page.getByLabel('WhatsApp number').inputValue()).toBe('6281234567890');
  // Unticking WhatsApp and clearing the number turns it off.
  await page.getByTestId('profile-whatsapp').uncheck();
  await page.getByLabel('WhatsApp number').fill('');
  await page.getByTestId('profile-save').click();
  await waitShowing(page, page.getByTestId('banner-ok'));
  expect((await t.get('/api/profile', me)).body).toMatchObject({ phone: null, channels: ['email'], digest: 'daily' });
  expect(errors).toEqual([]);
  await ctx.close();
}, 60_000);
