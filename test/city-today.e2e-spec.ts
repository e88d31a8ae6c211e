import { SettableClock } from '../src/common/clock.js';
import { TestApp, USERS, type TestUser } from './support/test-app.js';

/**
 * "Today" is the city's (ONEGATE_TIMEZONE, here WIB, UTC+7), not UTC's: at 00:30 WIB on 1 January an
 * agreement valid until 31 December has ended, and the audit export is dated 1 January, while UTC still says 31 December.
 */
describe('today is the city’s date', () => {
  let t: TestApp;
  const clock = new SettableClock();

  beforeAll(async () => {
    clock.set(new Date('2026-12-31T03:00:00Z')); // 10:00 WIB on 31 December
    t = await TestApp.start({}, { clock });
  });
  afterAll(() => t.stop());

  it('lists an agreement ending on 31 December at 23:30 WIB, and no longer at 00:30 WIB on 1 January', async () => {
    const c = await t.createCase({ validFrom: '2026-01-01', validUntil: '2026-12-31' });
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    const steps: [TestUser, string][] = [[USERS.secretariat, 'approve'], [USERS.reviewerA, 'approve'], [USERS.chair, 'approve'], [USERS.legal, 'approve'], [USERS.mayor, 'sign']];
    for (const [user, decision] of steps) expect((await t.decide(c.id, user, decision)).status).toBe(200);
    expect(await t.stageOf(c.id)).toBe('signed');
    const expiring = async () => (await t.get('/api/reports/dashboard', USERS.secretariat)).body.expiringSoon.map((x: { id: string }) => x.id);

    clock.set(new Date('2026-12-31T16:30:00Z')); // 23:30 WIB, 31 December
    expect(await expiring()).toEqual([c.id]);
    clock.set(new Date('2026-12-31T17:30:00Z')); // 00:30 WIB, 1 January; 31 December in UTC
    expect(await expiring()).toEqual([]);
  });

  it('dates the audit export file by the city’s calendar', async () => {
    const token = await t.token(USERS.auditor);
    const name = async () => (await t.app.inject({ method: 'GET', url: '/api/audit/export?format=jsonl', headers: { authorization: `Bearer ${token}` } })).headers['content-disposition'];
    clock.set(new Date('2026-12-31T16:30:00Z')); // 23:30 WIB
    expect(await name()).toBe('attachment; filename="onegate-events-2026-12-31.jsonl"');
    clock.set(new Date('2026-12-31T17:30:00Z')); // 00:30 WIB, 1 January
    expect(await name()).toBe('attachment; filename="onegate-events-2027-01-01.jsonl"');
  });
});
