/**
 * Where files wait (contract §9, `GET /api/reports/stages`): a case history built on the app's clock
 * with known working-day durations, on the city's calendar (Asia/Jakarta) with one extra non-working
 * day from ONEGATE_HOLIDAYS (Wednesday 4 December 2030). December 2030 has no other public holiday
 * before Christmas. Runs on PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set, embedded otherwise.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettableClock } from '../src/common/clock.js';
import { expectError } from './support/expectations.js';
import { TestApp, USERS } from './support/test-app.js';

const at = (local: string) => new Date(`${local}+07:00`); // WIB wall clock

describe('GET /api/reports/stages', () => {
  const clock = new SettableClock();
  let t: TestApp;
  let a: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onegate-stages-'));
    const holidays = join(dir, 'holidays.json');
    writeFileSync(holidays, JSON.stringify(['2030-12-04']));
    clock.set(at('2030-12-02T09:00:00'));
    t = await TestApp.start({ holidaysFile: holidays }, { clock });

    const step = async (when: string, fn: () => Promise<{ status: number; text: string }>) => {
      clock.set(at(when));
      const res = await fn();
      if (res.status >= 300) throw new Error(`${when}: ${res.status} ${res.text}`);
    };
    // Case A: proposal 1.00, administrative check 1.00 (Wednesday 4th is off), technical review 2.00 then
    // back for revision (1.00 there), technical review again 10.00 (left exactly at its P10D due time), then TKKSD, open.
    a = (await t.createCase({ title: 'KB pengelolaan sampah' })).id;
    await step('2030-12-03T09:00:00', () => t.post(`/api/cases/${a}/events`, USERS.proposer, { type: 'SUBMIT' }));
    await step('2030-12-05T09:00:00', () => t.decide(a, USERS.secretariat, 'approve'));
    await step('2030-12-09T09:00:00', () => t.decide(a, USERS.reviewerA, 'revise', { comment: 'Lengkapi KAK' }));
    await step('2030-12-10T09:00:00', () => t.post(`/api/cases/${a}/events`, USERS.proposer, { type: 'RESUBMIT' }));
    await step('2030-12-24T09:00:00', () => t.decide(a, USERS.reviewerA, 'approve'));
    // Case B: created Monday 2nd 10.00, submitted 16.00 (0.25), checked on Monday 16th 16.00: 9.00 working
    // days, past the P5D due time; its technical review stays open.
    clock.set(at('2030-12-02T10:00:00'));
    const b = (await t.createCase({ title: 'PKS air bersih', instrument: 'pks' })).id;
    await step('2030-12-02T16:00:00', () => t.post(`/api/cases/${b}/events`, USERS.proposer, { type: 'SUBMIT' }));
    await step('2030-12-16T16:00:00', () => t.decide(b, USERS.secretariat, 'approve'));
    clock.set(at('2030-12-27T09:00:00'));
  });
  afterAll(async () => {
    await t?.stop();
  });

  const byStage = (body: any[]) => Object.fromEntries(body.map((r) => [r.stage, r]));

  it('gives each waiting stage its stays, working days, share within SLA and revisions', async () => {
    const res = await t.get('/api/reports/stages', USERS.proposer); // any role
    expect(res.status).toBe(200);
    const s = byStage(res.body);
    expect(s.proposal).toEqual({ stage: 'proposal', label: 'Usulan', entered: 2, completed: 2, open: 0, medianWorkingDays: 0.63, p90WorkingDays: 0.93, withinSla: null, revisions: 0 });
    // [1, 9]: median 5, p90 1 + 0.9 × 8; one of two within P5D.
    expect(s.administrative_check).toMatchObject({ entered: 2, completed: 2, open: 0, medianWorkingDays: 5, p90WorkingDays: 8.2, withinSla: 0.5, revisions: 0 });
    // A twice ([2, 10], both by their due time), B once, still open; A's first stay went back for revision.
    expect(s.technical_review).toMatchObject({ entered: 3, completed: 2, open: 1, medianWorkingDays: 6, p90WorkingDays: 9.2, withinSla: 1, revisions: 1 });
    expect(s.revision).toMatchObject({ label: 'Revisi', entered: 1, completed: 1, medianWorkingDays: 1, p90WorkingDays: 1, withinSla: null });
    expect(s.tkksd_coordination).toMatchObject({ entered: 1, completed: 0, open: 1, medianWorkingDays: null, p90WorkingDays: null, withinSla: null, revisions: 0 });
    expect(s.mayor_signature).toMatchObject({ entered: 0, completed: 0, medianWorkingDays: null });
    // No final or in-force stage: an agreement in force waits at no desk.
    expect(Object.keys(s)).not.toContain('signed');
    expect(Object.keys(s)).not.toContain('withdrawn');
    for (const r of res.body) expect(Object.keys(r).sort()).toEqual(['completed', 'entered', 'label', 'medianWorkingDays', 'open', 'p90WorkingDays', 'revisions', 'stage', 'withinSla']);
  });

  it('counts stays that began in the window, followed to their end', async () => {
    // From Tuesday 10th: A's second technical review (10.00 working days), B's open one, A's TKKSD stay.
    const from = byStage((await t.get('/api/reports/stages?from=2030-12-10', USERS.secretariat)).body);
    expect(from.technical_review).toMatchObject({ entered: 2, completed: 1, medianWorkingDays: 10, withinSla: 1, revisions: 0 });
    expect(from.administrative_check).toMatchObject({ entered: 0, completed: 0 });
    expect(from.tkksd_coordination).toMatchObject({ entered: 1 });
    // Up to Monday 9th, the whole day: the revision entered at 09.00 counts; 10th's stay does not.
    const to = byStage((await t.get('/api/reports/stages?to=2030-12-09', USERS.auditor)).body);
    expect(to.revision).toMatchObject({ entered: 1, completed: 1 });
    expect(to.technical_review).toMatchObject({ entered: 1, completed: 1, medianWorkingDays: 2, revisions: 1 });
    // An instant with its offset: 2 December 12.00 WIB leaves out both proposals (09.00 and 10.00).
    const instant = byStage((await t.get(`/api/reports/stages?from=${encodeURIComponent('2030-12-02T12:00:00+07:00')}&to=2030-12-03`, USERS.auditor)).body);
    expect(instant.proposal.entered).toBe(0);
    expect(instant.administrative_check).toMatchObject({ entered: 2, completed: 2 });
  });

  it('refuses bad dates naming the field, and callers without a token', async () => {
    expectError(await t.get('/api/reports/stages?from=2030-13-01', USERS.secretariat), 400, 'from');
    expectError(await t.get('/api/reports/stages?to=yesterday', USERS.secretariat), 400, 'to');
    expectError(await t.get('/api/reports/stages?from=2030-12-10T10:00:00', USERS.secretariat), 400, 'from'); // no offset: ambiguous
    expectError(await t.get('/api/reports/stages?from=2030-12-10&to=2030-12-09', USERS.secretariat), 400, 'to');
    expectError(await t.get(`/api/reports/stages?from=${'9'.repeat(5000)}`, USERS.secretariat), 400, 'from');
    expectError(await t.get('/api/reports/stages'), 401);
  });
});
