/**
 * The dashboard's evaluations (issue 18, item 6): `GET /api/reports/dashboard` counts the evaluations
 * under way (one open task each) and those whose open task is past due, the same for every role. An
 * evaluation is opened by the secretariat through the API, made overdue by the test clock, and concluded.
 */
import { SettableClock } from '../src/common/clock.js';
import { signedCase } from './support/agreements.js';
import { TestApp, USERS, type TestUser } from './support/test-app.js';

const DAY = 86_400_000;
const clock = new SettableClock();
let t: TestApp;

beforeAll(async () => {
  clock.set(new Date('2031-03-03T03:00:00Z'));
  t = await TestApp.start({}, { clock });
}, 30_000);

afterAll(async () => {
  await t?.stop();
}, 30_000);

const counts = async (as: TestUser = USERS.secretariat) => (await t.get('/api/reports/dashboard', as)).body.evaluations;

describe(`GET /api/reports/dashboard: evaluations on ${process.env.DATABASE_URL ? 'PostgreSQL + Redis' : 'embedded SQLite'}`, () => {
  it('counts the evaluations under way and those overdue, and drops one once concluded', async () => {
    expect(await counts()).toEqual({ open: 0, overdue: 0 });
    const a = await signedCase(t, { title: 'PKS pengelolaan air bersih', instrument: 'pks', partner: { name: 'PT Air Jambi', category: 'third_party' }, validFrom: '2030-07-01', validUntil: '2033-06-30' });
    const first = await t.post(`/api/agreements/${a.id}/evaluations`, USERS.secretariat);
    expect(first.status).toBe(201);
    // A second agreement's evaluation, one step further on: still one under way each.
    const b = await signedCase(t, { title: 'KB pengembangan pariwisata', validFrom: '2030-07-01', validUntil: '2033-06-30' });
    const second = await t.post(`/api/agreements/${b.id}/evaluations`, USERS.secretariat);
    expect(second.status).toBe(201);
    expect((await t.decide(second.body.id, USERS.proposer, 'submit', { report: { progress: 40, outputs: 'Dua paket wisata' } })).status).toBe(200);
    expect(await counts()).toEqual({ open: 2, overdue: 0 });
    // The same counts for a proposer as for the staff: they name no case.
    expect(await counts(USERS.proposer)).toEqual({ open: 2, overdue: 0 });

    // Past the report's due (ONEGATE_MONEV report P10D, its working days) the first is overdue; the second's review (P5D) too.
    await t.advance(30 * DAY);
    expect(await counts()).toEqual({ open: 2, overdue: 2 });

    for (const [u, d, extra] of [
      [USERS.proposer, 'submit', { report: { progress: 70, outputs: 'Jaringan pipa 3 km' } }],
      [USERS.reviewerA, 'approve', {}],
      [USERS.secretariat, 'approve', { rating: 4, recommendation: 'continue' }],
    ] as const) {
      const res = await t.decide(first.body.id, u, d, extra);
      expect(res.status).toBe(200);
    }
    expect(await t.stageOf(first.body.id)).toBe('concluded');
    expect(await counts()).toEqual({ open: 1, overdue: 1 });
  });
});
