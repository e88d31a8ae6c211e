import { SettableClock } from '../src/common/clock.js';
import { CASE_EVENT, DELIVERY, TIMER } from '../src/database/entities.js';
import type { CaseEventRow, DeliveryRow, TimerRow } from '../src/database/rows.js';
import { AmendmentsService } from '../src/amendments/amendments.service.js';
import { expectError } from './support/expectations.js';
import { signedCase } from './support/agreements.js';
import { TestApp, USERS, type TestUser } from './support/test-app.js';
import { until } from './support/until.js';

const backend = process.env.DATABASE_URL ? `PostgreSQL${process.env.REDIS_URL ? ' + Redis (BullMQ)' : ''}` : 'embedded SQLite, in-process timers';

const AGREEMENT = {
  title: 'PKS layanan kesehatan',
  instrument: 'pks',
  partner: { name: 'BPJS Kesehatan', category: 'third_party' },
  summary: 'Layanan kesehatan bagi warga',
  validFrom: '2026-04-01',
  validUntil: '2026-12-31',
};

/** Takes an addendum from its opening through its stages to signed; returns the stages it passed. */
async function throughToSigned(t: TestApp, id: string): Promise<string[]> {
  expect((await t.upload(id, USERS.proposer, 'addendum')).status).toBe(201);
  expect((await t.post(`/api/cases/${id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
  const by: Record<string, [TestUser, string]> = {
    administrative_check: [USERS.secretariat, 'approve'],
    technical_review: [USERS.reviewerA, 'approve'],
    tkksd_coordination: [USERS.chair, 'approve'],
    legal_review: [USERS.legal, 'approve'],
    dprd_approval: [USERS.dprd, 'approve'],
    mayor_signature: [USERS.mayor, 'sign'],
  };
  const passed: string[] = [];
  for (let stage = await t.stageOf(id); stage !== 'signed'; stage = await t.stageOf(id)) {
    const step = by[stage];
    if (!step || passed.length > 8) throw new Error(`addendum ${id} stuck at ${stage}`);
    passed.push(stage);
    const res = await t.decide(id, step[0], step[1]);
    expect(res.status).toBe(200);
  }
  return passed;
}

/**
 * Contract §10, addenda: `POST /api/cases {amends, changes}` opens an addendum of an agreement in force on
 * amendment@1's reduced path; signing it applies its changes to the agreement (one AMENDED event, old →
 * new), exactly once, and a new `validUntil` moves the agreement's expiry.
 */
describe(`addenda of agreements (${backend})`, () => {
  let t: TestApp;
  const clock = new SettableClock();
  let agreement: any;

  beforeAll(async () => {
    clock.set(new Date('2026-03-12T03:00:00Z')); // 10:00 WIB, Thursday 12 March 2026
    t = await TestApp.start({}, { clock });
    agreement = await signedCase(t, AGREEMENT);
    const patched = await t.request('PATCH', `/api/agreements/${agreement.id}`, {
      as: USERS.secretariat,
      body: { fields: ['kesehatan'], opds: ['Dinas Kesehatan'], value: { amount: 250000000, currency: 'IDR', source: 'APBD 2026' } },
    });
    expect(patched.status).toBe(200);
  });
  afterAll(() => t.stop());

  const open = (body: Record<string, unknown>, as: TestUser = USERS.proposer) => t.post('/api/cases', as, { title: 'Adendum I: perpanjangan', amends: agreement.id, ...body });

  const entry = async () => (await t.get(`/api/agreements/${agreement.id}`, USERS.secretariat)).body;
  /** The entry once `n` addenda are applied (read again after: the entry's reads are not one snapshot, and the step may commit between them). */
  const applied = async (n: number) => {
    await until(entry, (a) => a.amendments.filter((x: any) => x.appliedAt).length >= n);
    return entry();
  };
  const amendedEvents = () => t.db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: agreement.id, type: 'AMENDED' }, order: { seq: 'ASC' } }));

  it('opens an addendum of the agreement in force: its own case, kind amendment, the agreement’s partner and instrument', async () => {
    const res = await open({ changes: { fields: ['kesehatan', 'sosial'] } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'amendment',
      parentCaseId: agreement.id,
      workflow: { name: 'amendment', version: 1 },
      stage: 'proposal',
      instrument: 'pks',
      partner: { name: 'BPJS Kesehatan', category: 'third_party', country: null },
      proposerId: USERS.proposer.id,
      validUntil: null,
    });
    expect(res.body.number).toMatch(/^KS-2026-\d{4}$/);
    const created = (await t.get(`/api/cases/${res.body.id}/history`, USERS.auditor)).body[0];
    expect(created.type).toBe('CASE_CREATED');
    expect(created.data.input).toMatchObject({ amends: agreement.id, scopeChanged: false, changes: { fields: ['kesehatan', 'sosial'] } });
    // An addendum is not an entry of the register, nor is it listed as one.
    expect((await t.get(`/api/agreements/${res.body.id}`, USERS.secretariat)).status).toBe(404);
    expect((await entry()).amendments).toEqual([expect.objectContaining({ id: res.body.id, stage: 'proposal', signedAt: null, appliedAt: null, changes: null })]);
    expect((await t.post(`/api/cases/${res.body.id}/events`, USERS.proposer, { type: 'WITHDRAW' })).status).toBe(201);
  });

  it('without a scope change passes the administrative check, legal review and signature only; signed, the agreement takes its changes in one AMENDED event', async () => {
    const res = await open({ changes: { validUntil: '2027-06-30', value: { amount: 300000000, currency: 'IDR', source: 'APBD 2026' }, fields: ['kesehatan'] } });
    expect(res.status).toBe(201);
    const before = await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { caseId: agreement.id, status: 'pending' } }));
    expect(before.find((x) => x.kind === 'expire')?.offset).toBe('2026-12-31');
    expect(await throughToSigned(t, res.body.id)).toEqual(['administrative_check', 'legal_review', 'mayor_signature']);
    const a = await applied(1);
    expect(a.validUntil).toBe('2027-06-30');
    expect(a.value).toEqual({ amount: 300000000, currency: 'IDR', source: 'APBD 2026' });
    expect(a.fields).toEqual(['kesehatan']);
    const listed = a.amendments.find((x: any) => x.id === res.body.id);
    expect(listed).toEqual({
      id: res.body.id,
      number: res.body.number,
      title: 'Adendum I: perpanjangan',
      stage: 'signed',
      signedAt: expect.any(String),
      appliedAt: expect.any(String),
      // fields did not change (already kesehatan): only what changed is recorded.
      changes: { validUntil: { from: '2026-12-31', to: '2027-06-30' }, value: { from: { amount: 250000000, currency: 'IDR', source: 'APBD 2026' }, to: { amount: 300000000, currency: 'IDR', source: 'APBD 2026' } } },
    });
    const events = await amendedEvents();
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({ amendmentId: res.body.id, amendmentNumber: res.body.number, timerId: expect.any(String), changes: listed.changes });
    expect(events[0]!.actorId).toBe('system');
    // The agreement's case row and stage: the new term, still in force.
    expect((await t.get(`/api/cases/${agreement.id}`, USERS.auditor)).body).toMatchObject({ stage: 'signed', validUntil: '2027-06-30' });
    // Its expiry moved: the old expiry and reminders cancelled, new ones planned for the new end.
    const timers = await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { caseId: agreement.id } }));
    const pending = timers.filter((x) => x.status === 'pending');
    expect(pending.filter((x) => x.kind === 'expire').map((x) => x.offset)).toEqual(['2027-06-30']);
    expect(timers.find((x) => x.kind === 'expire' && x.offset === '2026-12-31')?.status).toBe('cancelled');
    expect(pending.filter((x) => x.kind === 'expiry_reminder').map((x) => x.dueAt!.toISOString())).toEqual(expect.arrayContaining([new Date('2027-06-30T17:00:00Z').toISOString()]));
    expect(pending.filter((x) => x.kind === 'expiry_reminder')).toHaveLength(5);
    expect(timers.filter((x) => x.kind === 'amend').map((x) => [x.offset, x.status])).toEqual([[res.body.id, 'fired']]);
    // Its evaluations (contract §10) follow the new term: the end-of-term one now covers to 30 June 2027, and
    // the half January–June 2027 it reaches is scheduled; the old end-of-term one is cancelled.
    const evaluations = pending.filter((x) => x.kind === 'evaluation_due').map((x) => x.offset.split('/'));
    expect(evaluations.find(([key]) => key === 'end')?.[2]).toBe('2027-06-30');
    expect(timers.some((x) => x.kind === 'evaluation_due' && x.status === 'cancelled' && x.offset.startsWith('end/') && x.offset.endsWith('/2026-12-31'))).toBe(true);
    expect((await t.get(`/api/agreements/${agreement.id}/evaluations`, USERS.auditor)).body.items.filter((e: any) => e.status === 'scheduled').at(-1).period.to).toBe('2027-06-30');
    for (const id of [agreement.id, res.body.id]) expect((await t.get(`/api/audit/verify?caseId=${id}`, USERS.auditor)).body).toEqual(expect.objectContaining({ ok: true, problems: [] }));
  });

  it('with a scope change adds Tim Teknis and TKKSD, and the DPRD when required; the summary and OPDs change', async () => {
    const res = await open({ title: 'Adendum II: ruang lingkup', scopeChanged: true, requiresDprdApproval: true, changes: { summary: 'Layanan kesehatan dan sosial', opds: ['Dinas Kesehatan', 'Dinas Sosial'] } });
    expect(res.status).toBe(201);
    expect(await throughToSigned(t, res.body.id)).toEqual(['administrative_check', 'technical_review', 'tkksd_coordination', 'legal_review', 'dprd_approval', 'mayor_signature']);
    const a = await applied(2);
    expect(a.opds).toEqual(['Dinas Kesehatan', 'Dinas Sosial']);
    expect(a.validUntil).toBe('2027-06-30');
    expect(a.amendments.map((x: any) => x.number)).toEqual((await t.get(`/api/cases?limit=50`, USERS.auditor)).body.items.filter((c: any) => c.kind === 'amendment').map((c: any) => c.number).reverse());
    expect(a.amendments.at(-1).changes).toEqual({ summary: { from: 'Layanan kesehatan bagi warga', to: 'Layanan kesehatan dan sosial' }, opds: { from: ['Dinas Kesehatan'], to: ['Dinas Kesehatan', 'Dinas Sosial'] } });
    expect((await t.get(`/api/cases/${agreement.id}`, USERS.auditor)).body.summary).toBe('Layanan kesehatan dan sosial');
    expect(await amendedEvents()).toHaveLength(2);
  });

  it('applies a signed addendum once however often its amend timer runs (duplicated, reconciled, racing)', async () => {
    const res = await open({ title: 'Adendum III', changes: { fields: ['kesehatan', 'sosial'] } });
    const service = t.app.get(AmendmentsService);
    await throughToSigned(t, res.body.id);
    const timer = await t.db.read((em) => em.findOneByOrFail<TimerRow>(TIMER, { kind: 'amend', offset: res.body.id }));
    // The timer as the worker first read it (pending), run three more times at once and then again.
    const asQueued = { ...timer, status: 'pending' as const };
    await Promise.all([service.apply(asQueued), service.apply(asQueued), service.apply(asQueued)]);
    await t.runDue();
    await service.apply(asQueued);
    const a = await applied(3);
    expect(a.fields).toEqual(['kesehatan', 'sosial']);
    const events = await amendedEvents();
    expect(events.filter((e) => e.data.amendmentId === res.body.id)).toHaveLength(1);
    expect((await t.db.read((em) => em.findOneByOrFail<TimerRow>(TIMER, { id: timer.id }))).status).toBe('fired');
    expect((await t.get(`/api/audit/verify?caseId=${agreement.id}`, USERS.auditor)).body.ok).toBe(true);
  });

  it('refuses a bad body with 400 naming the field, and nothing is created', async () => {
    const before = (await t.get('/api/cases?limit=1', USERS.auditor)).body.total;
    expectError(await open({ changes: {} }), 400, 'changes');
    expectError(await open({}), 400, 'changes');
    expectError(await open({ changes: { colour: 'blue' } }), 400, 'changes.colour');
    expectError(await open({ changes: { validUntil: '2026-03-31' } }), 400, 'changes.validUntil', '2026-04-01');
    expectError(await open({ changes: { validUntil: '31-12-2027' } }), 400, 'changes.validUntil');
    expectError(await open({ changes: { value: { amount: -1, currency: 'IDR' } } }), 400, 'changes.value.amount');
    expectError(await open({ changes: { fields: ['x'] }, partner: { name: 'X', category: 'region' } }), 400, 'partner');
    expectError(await open({ changes: { fields: ['x'] }, scopeChanged: 'yes' }), 400, 'scopeChanged');
    expectError(await open({ amends: 'not-a-uuid', changes: { fields: ['x'] } }), 400, 'amends');
    // An ordinary proposal still needs its partner and instrument, and takes no changes.
    expectError(await t.post('/api/cases', USERS.proposer, { title: 'Tanpa mitra' }), 400, 'partner');
    expectError(await t.post('/api/cases', USERS.proposer, { title: 'X', instrument: 'kb', partner: { name: 'Kab. X', category: 'region' }, changes: { fields: ['x'] } }), 400, 'changes');
    expect((await t.get('/api/cases?limit=1', USERS.auditor)).body.total).toBe(before);
  });

  it('refuses an agreement not in force with 409 naming its status, and what is no agreement with 404', async () => {
    const ended = await signedCase(t, { ...AGREEMENT, title: 'PKS yang telah berakhir', validFrom: '2025-01-01', validUntil: '2026-03-01' });
    await t.runDue();
    expectError(await open({ amends: ended.id, changes: { validUntil: '2027-12-31' } }), 409, 'expired');
    const draft = await t.createCase();
    expectError(await open({ amends: draft.id, changes: { fields: ['x'] } }), 404);
    const addendum = (await open({ changes: { fields: ['x'] } })).body;
    expectError(await open({ amends: addendum.id, changes: { fields: ['y'] } }), 404);
    await t.post(`/api/cases/${addendum.id}/events`, USERS.proposer, { type: 'WITHDRAW' });
  });

  it('is the agreement’s own proposer’s: another proposer gets 404, other roles 403', async () => {
    expectError(await open({ changes: { fields: ['x'] } }, USERS.proposer2), 404);
    expectError(await open({ changes: { fields: ['x'] } }, USERS.secretariat), 403);
    expectError(await open({ changes: { fields: ['x'] } }, USERS.mayor), 403);
  });

  it('shows the entry as it stood at a date (?at=): later register updates and addenda undone', async () => {
    const today = await entry();
    // At a date the addenda are those it had taken by then (the withdrawn ones are not).
    const taken = today.amendments.filter((a: any) => a.appliedAt);
    expect(taken).toHaveLength(3);
    expect((await t.get(`/api/agreements/${agreement.id}?at=2026-03-12`, USERS.tkksd)).body).toEqual({ ...today, amendments: taken });
    expectError(await t.get(`/api/agreements/${agreement.id}?at=2026-03-11`, USERS.tkksd), 404, 'on 2026-03-11');
    expectError(await t.get(`/api/agreements/${agreement.id}?at=12-03-2026`, USERS.tkksd), 400, 'at');
    expectError(await t.get(`/api/agreements/${agreement.id}?at=2026-02-30`, USERS.tkksd), 400, 'at');
    // A week later: the signing place recorded and a fourth addendum moving the term again.
    await t.advance(8 * 24 * 3_600_000);
    expect((await t.request('PATCH', `/api/agreements/${agreement.id}`, { as: USERS.secretariat, body: { signedPlace: 'Jambi' } })).status).toBe(200);
    const fourth = await open({ title: 'Adendum IV', changes: { validUntil: '2028-12-31', value: { amount: 400000000, currency: 'IDR' } } });
    await throughToSigned(t, fourth.body.id);
    const now = await applied(4);
    expect(now).toMatchObject({ validUntil: '2028-12-31', signedPlace: 'Jambi', value: { amount: 400000000, currency: 'IDR', source: null } });
    const then = (await t.get(`/api/agreements/${agreement.id}?at=2026-03-12`, USERS.tkksd)).body;
    expect(then).toEqual({ ...now, validUntil: '2027-06-30', signedPlace: null, value: today.value, amendments: taken });
    expect((await t.get(`/api/agreements/${agreement.id}?at=2026-03-20`, USERS.tkksd)).body).toEqual({ ...now, amendments: now.amendments.filter((a: any) => a.appliedAt) });
  });
});

/** The news of a signed addendum, at the real time (a clock set back records history, whose news is nobody's). */
describe(`the news of a signed addendum (${backend})`, () => {
  let t: TestApp;
  const clock = new SettableClock();

  beforeAll(async () => {
    clock.set(new Date());
    t = await TestApp.start({}, { clock });
  });
  afterAll(() => t.stop());

  it('tells the proposer and the secretariat, as of a signed agreement (contract §8)', async () => {
    const year = clock.now().getUTCFullYear();
    const agreement = await signedCase(t, { ...AGREEMENT, validFrom: `${year}-01-01`, validUntil: `${year + 3}-12-31` });
    const res = await t.post('/api/cases', USERS.proposer, { title: 'Adendum nilai', amends: agreement.id, changes: { value: { amount: 1, currency: 'IDR' } } });
    expect(res.status).toBe(201);
    await throughToSigned(t, res.body.id);
    const told = await until(
      () => t.db.read((em) => em.find<DeliveryRow>(DELIVERY, { where: { caseId: res.body.id, kind: 'case_signed' } })),
      (ds) => ds.length >= 3,
    );
    expect(told.map((d) => d.recipientId).sort()).toEqual([USERS.proposer.id, USERS.secretariat.id, USERS.secretariat2.id].sort());
    expect(told[0]!.subject).toContain(res.body.number);
  });
});
