import { TestApp, USERS } from './support/test-app.js';

const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite';

/** Sign-in is limited per client address (contract §7: 429 with Retry-After); the API behind a token is not. */
describe(`rate limit on sign-in (${backend})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ signInRateLimit: 5 });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers 429 with Retry-After in the contract shape after the limit, per address, and leaves other routes alone', async () => {
    const signIn = (ip: string) => t.app.inject({ method: 'POST', url: '/api/auth/sign-in-as', remoteAddress: ip, payload: { userId: USERS.mayor.id } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn('10.0.0.1')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await signIn('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('too many requests') });
    // Another address still signs in; the limited routes share one count per address.
    expect((await signIn('10.0.0.2')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/sign-in-options', remoteAddress: '10.0.0.1' })).statusCode).toBe(429);
    // An API route from the limited address is not limited.
    for (let i = 0; i < 10; i++) expect((await t.app.inject({ method: 'GET', url: '/api/cases', remoteAddress: '10.0.0.1', headers: { authorization: `Bearer ${await t.token(USERS.auditor)}` } })).statusCode).toBe(200);
  });
});
