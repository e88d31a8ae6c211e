import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsNull } from 'typeorm';
import { AgreementsService } from '../src/agreements/agreements.service.js';
import type { ImportRow } from '../src/agreements/import-row.js';
import { SettableClock } from '../src/common/clock.js';
import { dateIn } from '../src/common/time-zone.js';
import { CASE, TIMER } from '../src/database/entities.js';
import type { CaseRow, TimerRow } from '../src/database/rows.js';
import { Engine } from '../src/engine/engine.js';
import { concludedEvaluation, openEvaluation, signedCase, terminate } from './support/agreements.js';
import { expectError } from './support/expectations.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp, USERS, type TestUser } from './support/test-app.js';
import { until } from './support/until.js';

const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'}, ${process.env.REDIS_URL ? 'BullMQ on Redis' : 'in-process queue'}`;
const DAY = 86_400_000;
const TZ = 'Asia/Jakarta';
const SECRETARIAT = { id: USERS.secretariat.id, roles: [...USERS.secretariat.roles] };

function importRow(n: number, over: Partial<ImportRow> = {}): ImportRow {
  return {
    row: n + 1,
    number: `180/${String(n).padStart(4, '0')}/KS/2019`,
    partnerNumber: `PKS/${n}/2019`,
    title: `Perjanjian kerja sama lama ${n}`,
    instrument: 'pks',
    partner: { name: 'Universitas Jambi', category: 'third_party', country: null },
    signedAt: '2019-03-12',
    signedPlace: 'Jambi',
    validFrom: '2019-03-12',
    validUntil: '2029-03-11',
    fields: ['pendidikan'],
    opds: ['Dinas Pendidikan'],
    value: null,
    status: null,
    ...over,
  };
}

/** Contract §10, Termination: TERMINATE by the secretariat with grounds and a termination letter, on every agreement in force. */
describe(`terminating an agreement (contract §10) on ${backend}`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new SettableClock();
  /** Timers every committed step handed to the scheduler (what DeadlinesService schedules). */
  const scheduled: TimerRow[] = [];

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const slaFile = join(mkdtempSync(join(tmpdir(), 'onegate-sla-')), 'sla.json');
    writeFileSync(slaFile, JSON.stringify({ expiryReminderDays: [30, 0] }));
    clock.set(new Date());
    t = await TestApp.start({ smtpUrl: smtp.url, slaFile }, { clock });
    t.app.get(Engine).onCommitted((result) => void scheduled.push(...result.timers));
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  const inDays = (days: number) => dateIn(new Date(clock.now().getTime() + days * DAY), TZ);
  const event = (id: string, body: Record<string, unknown>, as: TestUser = USERS.secretariat) => t.post(`/api/cases/${id}/events`, as, body);
  const version = async (id: string) => (await t.get(`/api/cases/${id}`, USERS.auditor)).body.version as number;
  const history = async (id: string) => (await t.get(`/api/cases/${id}/history`, USERS.auditor)).body as any[];

  let a: any; // the agreement terminated for breach
  let control: any; // one like it, left in force

  it('refuses TERMINATE without grounds, with grounds not in §10, and grounds on another event, naming grounds (400)', async () => {
    a = await signedCase(t, { validFrom: inDays(-10), validUntil: inDays(40) });
    control = await signedCase(t, { title: 'KB pembanding', validFrom: inDays(-10), validUntil: inDays(40) });
    await t.runDue(); // the signatures' own news goes now, not with the expiry reminders later
    const before = await version(a.id);
    for (const body of [{ type: 'TERMINATE' }, { type: 'TERMINATE', grounds: 'boredom' }, { type: 'TERMINATE', grounds: null }]) {
      const res = await event(a.id, body);
      expectError(res, 400, 'grounds');
      expect(res.body.field).toBe('grounds');
    }
    const stray = await event(a.id, { type: 'SUBMIT', grounds: 'breach' }, USERS.proposer);
    expectError(stray, 400, 'grounds');
    expect(stray.body.field).toBe('grounds');
    expect(await version(a.id)).toBe(before);
  });

  it('is the secretariat’s alone (403)', async () => {
    for (const user of [USERS.proposer, USERS.mayor, USERS.admin]) expectError(await event(a.id, { type: 'TERMINATE', grounds: 'breach' }, user), 403, 'secretariat');
  });

  it('needs a termination_letter on the case (400 naming it)', async () => {
    const before = await version(a.id);
    const res = await event(a.id, { type: 'TERMINATE', grounds: 'breach' });
    expectError(res, 400, 'termination_letter');
    expect(res.body.field).toBe('documents');
    expect(await version(a.id)).toBe(before);
  });

  it('refuses a case that is not an agreement in force (409, allowedEvents)', async () => {
    const proposal = await t.createCase();
    const submitted = await t.createCase({ title: 'Usulan diajukan' });
    expect((await event(submitted.id, { type: 'SUBMIT' }, USERS.proposer)).status).toBe(201);
    for (const c of [proposal, submitted]) {
      const res = await event(c.id, { type: 'TERMINATE', grounds: 'mutual_agreement' });
      expectError(res, 409);
      expect(res.body.allowedEvents).not.toContain('TERMINATE');
    }
  });

  it('takes a termination_letter from the secretariat on a signed case, on its chain without moving it; not from a proposer, not before signing', async () => {
    const before = (await t.get(`/api/cases/${a.id}`, USERS.auditor)).body;
    expectError(await t.upload(a.id, USERS.proposer, 'termination_letter'), 403, 'secretariat');
    expectError(await t.upload(a.id, USERS.secretariat, 'kak'), 409, 'termination_letter');
    const submitted = await t.createCase({ title: 'Usulan lain' });
    expect((await event(submitted.id, { type: 'SUBMIT' }, USERS.proposer)).status).toBe(201);
    expectError(await t.upload(submitted.id, USERS.secretariat, 'termination_letter'), 409);
    const proposal = await t.createCase({ title: 'Usulan baru' });
    expectError(await t.upload(proposal.id, USERS.proposer, 'termination_letter'), 409);
    const up = await t.upload(a.id, USERS.secretariat, 'termination_letter');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ kind: 'termination_letter', version: 1, uploadedBy: USERS.secretariat.id });
    const after = (await t.get(`/api/cases/${a.id}`, USERS.auditor)).body;
    expect([after.stage, after.version]).toEqual(['signed', before.version + 1]);
    const last = (await history(a.id)).at(-1);
    expect(last).toMatchObject({ type: 'DOCUMENT_UPLOADED', stageBefore: 'signed', stageAfter: 'signed', data: { document: { kind: 'termination_letter' } } });
    expect(last.data.event).toBeUndefined();
  });

  let terminatedOn: string;

  it('terminates: stage terminated, grounds and comment in the event, expiry timers cancelled, no expiry reminder afterwards', async () => {
    const expiry = await t.db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: a.id, taskId: IsNull(), status: 'pending' }));
    expect(expiry.map((x) => x.kind).sort()).toEqual(['expire', 'expiry_reminder', 'expiry_reminder']);
    const res = await event(a.id, { type: 'TERMINATE', grounds: 'breach', comment: 'Mitra wanprestasi' });
    expect(res.status).toBe(201);
    expect(res.body.stage).toBe('terminated');
    terminatedOn = dateIn(clock.now(), TZ);
    const last = (await history(a.id)).at(-1);
    expect(last).toMatchObject({ type: 'TERMINATE', actor: { id: USERS.secretariat.id }, stageBefore: 'signed', stageAfter: 'terminated' });
    // Its term ends within 30 working days, so its end-of-term evaluation (contract §10) opened at signing; it stops with the agreement.
    const evaluations = await t.db.read((em) => em.findBy<CaseRow>(CASE, { parentCaseId: a.id, kind: 'evaluation' }));
    expect(evaluations).toHaveLength(1);
    expect(last.data).toEqual({ comment: 'Mitra wanprestasi', grounds: 'breach', event: { type: 'TERMINATE' }, cancelledEvaluations: [evaluations[0]!.id] });
    await t.runDue();
    const stopped = await until(() => t.db.read((em) => em.findOneBy<CaseRow>(CASE, { id: evaluations[0]!.id })), (e) => e?.stage === 'cancelled');
    expect(stopped?.stage).toBe('cancelled');
    expect((await t.get(`/api/tasks?caseId=${evaluations[0]!.id}`, USERS.auditor)).body.items).toEqual([]);
    const left = await t.db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: a.id, taskId: IsNull() }));
    expect(left.filter((x) => expiry.some((e) => e.id === x.id)).map((x) => x.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);

    // Past the 30-day reminder: the agreement left in force is reminded, the terminated one is not.
    await t.advance(11 * DAY);
    const mails = (number: string) => smtp.received.filter((m) => m.subject.includes(`${number} berakhir`));
    expect((await until(() => mails(control.number), (m) => m.length >= 3)).length).toBeGreaterThanOrEqual(3);
    expect(mails(a.number)).toEqual([]);
  });

  it('shows it terminated in the register with its date and grounds, and in the public registry with its date only', async () => {
    const entry = (await t.get(`/api/agreements/${a.id}`, USERS.auditor)).body;
    expect(entry).toMatchObject({ status: 'terminated', terminatedAt: terminatedOn, terminationGrounds: 'breach', source: 'workflow' });
    const listed = (await t.get('/api/agreements?status=terminated', USERS.auditor)).body.items.find((x: any) => x.id === a.id);
    expect(listed).toMatchObject({ terminatedAt: terminatedOn, terminationGrounds: 'breach' });
    const inForce = (await t.get(`/api/agreements/${control.id}`, USERS.auditor)).body;
    expect(inForce).toMatchObject({ status: 'in_force', terminatedAt: null, terminationGrounds: null });
    const pub = await t.get('/public/agreements?status=terminated');
    expect(pub.status).toBe(200);
    const shown = pub.body.items.find((x: any) => x.number === a.number);
    expect(shown).toMatchObject({ status: 'terminated', terminatedAt: terminatedOn });
    expect(shown.terminationGrounds).toBeUndefined();
    expect(pub.text).not.toContain('breach');
    expect(pub.text).not.toContain('wanprestasi');
    // The exports carry the same: the register's CSV the date and grounds, the public CSV the date only.
    const csvRow = (text: string, number: string) => {
      const [head, ...rows] = text.replace(/^\ufeff/, '').trim().split('\r\n');
      const names = head!.split(',');
      const cells = rows.find((r) => r.startsWith(`${number},`))!.split(',');
      return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
    };
    const staff = csvRow((await t.get('/api/agreements/export?format=csv&status=terminated', USERS.auditor)).text, a.number);
    expect(staff).toMatchObject({ status: 'terminated', terminated_at: terminatedOn, termination_grounds: 'breach' });
    const publicCsv = await t.get('/public/agreements.csv');
    expect(csvRow(publicCsv.text, a.number)).toMatchObject({ status: 'terminated', terminated_at: terminatedOn });
    expect(publicCsv.text).not.toContain('breach');
  });

  it('terminates an agreement imported from before onegate too; one imported already terminated has no date', async () => {
    const result = await t.app.get(AgreementsService).importRows([importRow(1), importRow(2, { status: 'terminated' })], { name: 'register-2019.csv', sha256: 'c'.repeat(64) }, SECRETARIAT, { dryRun: false });
    expect(result).toMatchObject({ created: 2, errors: [] });
    const find = async (n: number) => (await t.get(`/api/agreements?q=${encodeURIComponent(`180/000${n}/KS/2019`)}`, USERS.auditor)).body.items[0];
    const imported = await find(1);
    expect(imported).toMatchObject({ source: 'imported', status: 'in_force' });
    expectError(await event(imported.id, { type: 'TERMINATE', grounds: 'law_change' }), 400, 'termination_letter');
    const res = await terminate(t, imported.id, { grounds: 'law_change', comment: 'Perubahan peraturan' });
    expect(res.status).toBe(201);
    expect(res.body.stage).toBe('terminated');
    expect(await find(1)).toMatchObject({ status: 'terminated', terminatedAt: dateIn(clock.now(), TZ), terminationGrounds: 'law_change' });
    expect(await find(2)).toMatchObject({ status: 'terminated', terminatedAt: null, terminationGrounds: null });
    expect((await t.get(`/api/cases/${imported.id}/replay?seq=3`, USERS.auditor)).body).toMatchObject({ stage: 'terminated', matchesStored: true });
  });

  it('sets a cancel_evaluation timer, due now and handed to the scheduler, for each open evaluation of the agreement, none for closed ones or others', async () => {
    const c = await signedCase(t, { validFrom: inDays(-1), validUntil: inDays(400) });
    const other = await signedCase(t, { validFrom: inDays(-1), validUntil: inDays(400) });
    const closed = await concludedEvaluation(t, c.id, 'continue');
    const open = await openEvaluation(t, c.id);
    const elsewhere = await openEvaluation(t, other.id);
    const marked = scheduled.length;
    const res = await terminate(t, c.id, { grounds: 'force_majeure' });
    expect(res.status).toBe(201);
    const at = clock.now();
    const timers = await t.db.read((em) => em.findBy<TimerRow>(TIMER, { kind: 'cancel_evaluation', offset: c.id }));
    expect(timers.map((x) => ({ caseId: x.caseId, taskId: x.taskId, idx: x.idx, offset: x.offset, fireAt: x.fireAt.getTime(), dueAt: x.dueAt }))).toEqual([
      { caseId: open.id, taskId: null, idx: 0, offset: c.id, fireAt: at.getTime(), dueAt: null },
    ]);
    expect(timers.some((x) => x.caseId === elsewhere.id || x.caseId === closed.id)).toBe(false);
    // Handed to the scheduler with the step's result (not left for reconciliation); the action that runs it is the evaluations feature's.
    expect(scheduled.slice(marked).filter((x) => x.kind === 'cancel_evaluation').map((x) => x.id)).toEqual([timers[0]!.id]);
    expect((await history(c.id)).at(-1).data).toMatchObject({ grounds: 'force_majeure', cancelledEvaluations: [open.id] });
  });

  it('leaves every chain whole: the auditor’s verify is ok', async () => {
    const verify = (await t.get('/api/audit/verify', USERS.auditor)).body;
    expect(verify).toMatchObject({ ok: true, problems: [] });
    expect(verify.casesChecked).toBeGreaterThanOrEqual(8);
  });

  it('on grounds evaluation, needs a concluded evaluation of the agreement recommending terminate (409 otherwise)', async () => {
    const d = await signedCase(t, { validFrom: inDays(-1), validUntil: inDays(400) });
    expect((await t.upload(d.id, USERS.secretariat, 'termination_letter')).status).toBe(201);
    expectError(await event(d.id, { type: 'TERMINATE', grounds: 'evaluation' }), 409, 'evaluation');
    await concludedEvaluation(t, d.id, 'improve');
    expectError(await event(d.id, { type: 'TERMINATE', grounds: 'evaluation' }), 409, 'evaluation');
    const recommending = await concludedEvaluation(t, d.id, 'terminate');
    const res = await event(d.id, { type: 'TERMINATE', grounds: 'evaluation', comment: 'Rekomendasi evaluasi' });
    expect(res.status).toBe(201);
    expect(res.body.stage).toBe('terminated');
    expect((await history(d.id)).at(-1).data).toMatchObject({ grounds: 'evaluation', evaluations: [recommending.id] });
    // Concluded evaluations are closed: no cancel_evaluation timer for them.
    expect(await t.db.read((em) => em.countBy<TimerRow>(TIMER, { kind: 'cancel_evaluation', offset: d.id }))).toBe(0);
    expect((await t.get(`/api/agreements/${d.id}`, USERS.auditor)).body).toMatchObject({ status: 'terminated', terminationGrounds: 'evaluation' });
    expect((await t.get(`/api/audit/verify?caseId=${d.id}`, USERS.auditor)).body.ok).toBe(true);
  });
});
