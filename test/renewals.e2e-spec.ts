import { randomUUID } from 'node:crypto';
import { SettableClock } from '../src/common/clock.js';
import { TIMER } from '../src/database/entities.js';
import type { TimerRow } from '../src/database/rows.js';
import { expectError } from './support/expectations.js';
import { SIGNING, signedCase, terminate } from './support/agreements.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp, USERS } from './support/test-app.js';
import { until } from './support/until.js';

const backend = process.env.DATABASE_URL ? `PostgreSQL${process.env.REDIS_URL ? ' + Redis (BullMQ)' : ''}` : 'embedded SQLite, in-process timers';

const AGREEMENT = {
  title: 'KB pengelolaan sampah regional',
  instrument: 'kb',
  partner: { name: 'Kabupaten Muaro Jambi', category: 'region' },
  summary: 'TPA regional bersama',
  requiresDprdApproval: false,
  validFrom: '2026-04-01',
  validUntil: '2026-09-30',
};

/**
 * Contract §10, renewal: `POST /api/agreements/:id/renew` opens a new case (kind renewal) prefilled from
 * the agreement, through the whole procedure; once it is signed, the old agreement shows `renewedBy`
 * and its expiry reminders stop (no mail when their day comes), while an agreement not renewed still gets its own.
 */
describe(`renewal of agreements (${backend}, real SMTP)`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new SettableClock();
  let old: any;
  let control: any;
  let renewal: any;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    clock.set(new Date('2026-03-12T03:00:00Z')); // 10:00 WIB, Thursday 12 March 2026
    t = await TestApp.start({ smtpUrl: smtp.url }, { clock });
    old = await signedCase(t, AGREEMENT);
    control = await signedCase(t, { ...AGREEMENT, title: 'KB tanpa perpanjangan' });
    expect((await t.request('PATCH', `/api/agreements/${old.id}`, { as: USERS.secretariat, body: { fields: ['lingkungan_hidup'], opds: ['Dinas Lingkungan Hidup'] } })).status).toBe(200);
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  it('opens a renewal prefilled from the agreement: kind renewal, parent set, the newest cooperation version, in proposal', async () => {
    const res = await t.post(`/api/agreements/${old.id}/renew`, USERS.proposer, { validFrom: '2026-10-01', validUntil: '2031-09-30' });
    expect(res.status).toBe(201);
    renewal = res.body;
    expect(renewal).toMatchObject({
      kind: 'renewal',
      parentCaseId: old.id,
      workflow: { name: 'cooperation', version: 3 },
      stage: 'proposal',
      title: AGREEMENT.title,
      instrument: 'kb',
      partner: { name: 'Kabupaten Muaro Jambi', category: 'region', country: null },
      summary: AGREEMENT.summary,
      requiresDprdApproval: false,
      validFrom: '2026-10-01',
      validUntil: '2031-09-30',
      proposerId: USERS.proposer.id,
    });
    expect(renewal.id).not.toBe(old.id);
    expect((await t.get(`/api/agreements/${old.id}`, USERS.secretariat)).body.renewedBy).toBeNull();
  });

  it('allows one renewal at a time, and refuses a terminated agreement with 409, other proposers with 404, other roles with 403', async () => {
    expectError(await t.post(`/api/agreements/${old.id}/renew`, USERS.proposer, {}), 409, 'already has a renewal', renewal.number);
    expectError(await t.post(`/api/agreements/${old.id}/renew`, USERS.proposer2, {}), 404);
    expectError(await t.post(`/api/agreements/${old.id}/renew`, USERS.tkksd, {}), 403);
    expectError(await t.post(`/api/agreements/${old.id}/renew`, USERS.mayor, {}), 403);
    expectError(await t.post(`/api/agreements/${renewal.id}/renew`, USERS.proposer, {}), 404);
    expectError(await t.post(`/api/agreements/${control.id}/renew`, USERS.proposer, { validFrom: '2027-01-01', validUntil: '2026-12-31' }), 400, 'validUntil');
    const ended = await signedCase(t, { ...AGREEMENT, title: 'KB diakhiri' });
    expect((await terminate(t, ended.id, { comment: 'Kesepakatan para pihak' })).status).toBe(201);
    expectError(await t.post(`/api/agreements/${ended.id}/renew`, USERS.secretariat, {}), 409, 'terminated');
    expectError(await t.post(`/api/agreements/${control.id}/renew`, USERS.secretariat, { validUntil: 'soon' }), 400, 'validUntil');
  });

  it('lets the secretariat open one for the agreement’s proposer, and renews an expired agreement too', async () => {
    const expired = await signedCase(t, { ...AGREEMENT, title: 'KB yang telah berakhir', validFrom: '2025-01-01', validUntil: '2026-03-01' });
    await t.runDue();
    expect((await t.get(`/api/agreements/${expired.id}`, USERS.secretariat)).body.status).toBe('expired');
    const res = await t.post(`/api/agreements/${expired.id}/renew`, USERS.secretariat, {});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'renewal', parentCaseId: expired.id, proposerId: USERS.proposer.id, validFrom: null, validUntil: null });
    // The proposer drafts and submits it: it is theirs.
    expect((await t.get(`/api/cases/${res.body.id}`, USERS.proposer)).status).toBe(200);
    expect((await t.post(`/api/cases/${res.body.id}/events`, USERS.proposer, { type: 'WITHDRAW' })).status).toBe(201);
  });

  it('goes through the whole procedure; signed, the old agreement shows renewedBy, its expiry reminders are cancelled, the new entry carries its fields', async () => {
    for (const kind of ['kak', 'draft_kb']) expect((await t.upload(renewal.id, USERS.proposer, kind)).status).toBe(201);
    expect((await t.post(`/api/cases/${renewal.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    const passed: string[] = [];
    for (const [user, decision] of SIGNING) {
      passed.push(await t.stageOf(renewal.id));
      expect((await t.decide(renewal.id, user, decision)).status).toBe(200);
    }
    expect(passed).toEqual(['administrative_check', 'technical_review', 'tkksd_coordination', 'legal_review', 'mayor_signature']);
    expect(await t.stageOf(renewal.id)).toBe('signed');
    const a = (await t.get(`/api/agreements/${old.id}`, USERS.secretariat)).body;
    expect(a.renewedBy).toBe(renewal.id);
    expect(a.status).toBe('in_force');
    const fresh = (await t.get(`/api/agreements/${renewal.id}`, USERS.secretariat)).body;
    expect(fresh).toMatchObject({ parentId: old.id, validFrom: '2026-10-01', validUntil: '2031-09-30', fields: ['lingkungan_hidup'], opds: ['Dinas Lingkungan Hidup'], renewedBy: null });
    const timers = await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { caseId: old.id } }));
    expect(timers.filter((x) => x.kind === 'expiry_reminder' && x.status === 'pending')).toEqual([]);
    expect(timers.filter((x) => x.kind === 'expiry_reminder' && x.status === 'cancelled')).toHaveLength(5);
    // The agreement still ends on its own date.
    expect(timers.filter((x) => x.kind === 'expire' && x.status === 'pending').map((x) => x.offset)).toEqual(['2026-09-30']);
    for (const id of [old.id, renewal.id]) expect((await t.get(`/api/audit/verify?caseId=${id}`, USERS.auditor)).body).toEqual(expect.objectContaining({ ok: true, problems: [] }));
  });

  it('sends no expiry reminder of the renewed agreement when its day comes; the one not renewed gets its own, with the link to renew', async () => {
    // 2 July 2026 08:00 WIB: an hour after the 90-day reminders of a term ending 30 September.
    await t.advance(new Date('2026-07-02T01:00:00Z').getTime() - clock.now().getTime());
    const mails = await until(
      () => smtp.received.filter((m) => m.subject.includes(control.number)),
      (ms) => ms.length >= 3,
    );
    expect(mails.map((m) => m.to.join()).sort()).toEqual([USERS.proposer, USERS.secretariat, USERS.secretariat2].map((u) => `${u.id}@jambikota.go.id`).sort());
    expect(mails[0]!.subject).toContain('90');
    expect(mails[0]!.text).toContain(`http://onegate.test/agreements/${control.id}?renew=1`);
    expect(smtp.received.filter((m) => m.subject.includes(old.number))).toEqual([]);
  });

  it('treats an expiry reminder of a renewed agreement as stale even if one were still pending (belt and braces)', async () => {
    const now = clock.now();
    const stray: TimerRow = { id: randomUUID(), caseId: old.id, taskId: null, kind: 'expiry_reminder', idx: 60, offset: '60', fireAt: now, dueAt: new Date('2026-09-30T17:00:00Z'), status: 'pending', createdAt: now, settledAt: null };
    await t.db.transaction((em) => em.insert(TIMER, stray));
    await t.runDue();
    const settled = await until(() => t.db.read((em) => em.findOneByOrFail<TimerRow>(TIMER, { id: stray.id })), (x) => x.status !== 'pending');
    expect(settled.status).toBe('cancelled');
    expect(smtp.received.filter((m) => m.subject.includes(old.number))).toEqual([]);
  });
});
