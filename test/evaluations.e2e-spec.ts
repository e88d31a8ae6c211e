import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SettableClock } from '../src/common/clock.js';
import { zonedInstant } from '../src/common/time-zone.js';
import { CASE, CASE_EVENT, TIMER } from '../src/database/entities.js';
import type { CaseEventRow, CaseRow, TimerRow } from '../src/database/rows.js';
import { TimerActions } from '../src/deadlines/timer-actions.js';
import { signedCase } from './support/agreements.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp, USERS, deleteRedisKeys, type TestUser } from './support/test-app.js';
import { until } from './support/until.js';
import { settleAll } from './support/settled.js';
import { legacyCsv, legacyRow } from './support/legacy-register.js';

const REDIS = Boolean(process.env.REDIS_URL);
const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'}, ${REDIS ? 'BullMQ on Redis' : 'in-process'}`;
const HOUR = 3_600_000;
const wib = (date: string, hour = 0) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return zonedInstant(y, m, d, 'Asia/Jakarta', hour);
};

/**
 * Monitoring and evaluation (contract §10) end to end, on the app's clock: an agreement signed on Monday
 * 7 December 2026 for 1 December 2026 – 31 December 2027 is evaluated for 2026-2 (opening 1 January 2027,
 * 07:00 WIB), 2027-1 and at the end of its term (30 working days before 31 December 2027, covering from
 * 1 July 2027). Evaluation review deadlines are shortened in ONEGATE_SLA, the report's due in ONEGATE_MONEV.
 */
describe(`monitoring and evaluation of agreements (${backend}, real SMTP)`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new SettableClock();
  let agreement: any;
  let evaluation: any;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const dir = mkdtempSync(join(tmpdir(), 'onegate-monev-'));
    const slaFile = join(dir, 'sla.json');
    writeFileSync(slaFile, JSON.stringify({ evaluation_review: { due: 'PT3H', remind: ['PT2H'], escalate: ['PT1H', 'PT2H'] } }));
    clock.set(wib('2026-12-07', 9));
    t = await TestApp.start({ smtpUrl: smtp.url, slaFile, queueLockMs: 1000, smtpTimeoutMs: 3000, monev: { endOfTerm: 'P30D', report: 'P3D', review: 'P5D', conclusion: 'P5D' } }, { clock });
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.stop();
  });

  const settled = () => settleAll(t, clock, { runDue: REDIS ? 'each' : undefined, timeoutMs: 20_000 });
  const advanceTo = async (at: Date) => {
    await t.advance(at.getTime() - clock.now().getTime());
    await settled();
  };
  const evaluationsOf = (id: string) => t.db.read((em) => em.findBy<CaseRow>(CASE, { parentCaseId: id, kind: 'evaluation' }));
  const list = async (id: string, as: TestUser = USERS.auditor) => (await t.get(`/api/agreements/${id}/evaluations`, as)).body;
  const openTask = async (caseId: string) => (await t.get(`/api/cases/${caseId}`, USERS.auditor)).body.openTasks[0];
  const complete = (taskId: string, as: TestUser, body: Record<string, unknown>) => t.post(`/api/tasks/${taskId}/complete`, as, body);
  const report = { progress: 35, outputs: 'Dua pelatihan pengelolaan sampah terlaksana', problems: 'Anggaran terlambat' };

  it('schedules, on signing, one evaluation per half-year of the term and one at its end', async () => {
    agreement = await signedCase(t, { validFrom: '2026-12-01', validUntil: '2027-12-31' });
    expect(agreement.stage).toBe('signed');
    const timers = await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { caseId: agreement.id, kind: 'evaluation_due' }, order: { fireAt: 'ASC' } }));
    expect(timers.map((x) => [x.offset, x.idx, x.status])).toEqual([
      ['2026-2/2026-12-01/2026-12-31', 20262, 'pending'],
      ['2027-1/2027-01-01/2027-06-30', 20271, 'pending'],
      ['end/2027-07-01/2027-12-31', 0, 'pending'],
    ]);
    expect(timers[0]!.fireAt.toISOString()).toBe(wib('2027-01-01', 7).toISOString());
    // 30 working days before 31 December 2027 (07:00): in November, before the half 2027-2 would open.
    expect(timers[2]!.fireAt.getTime()).toBeLessThan(wib('2027-12-31').getTime());
    expect(timers[2]!.fireAt.getTime()).toBeGreaterThan(wib('2027-11-01').getTime());
    const listed = await list(agreement.id, USERS.proposer);
    expect(listed.total).toBe(3);
    expect(listed.items.map((e: any) => [e.status, e.period.from, e.period.to, e.number])).toEqual([
      ['scheduled', '2026-12-01', '2026-12-31', null],
      ['scheduled', '2027-01-01', '2027-06-30', null],
      ['scheduled', '2027-07-01', '2027-12-31', null],
    ]);
    expect(listed.items[0].dueAt).toBe(wib('2027-01-01', 7).toISOString());
    // The agreement shows the same list; another proposer sees neither.
    expect((await t.get(`/api/agreements/${agreement.id}`, USERS.proposer)).body.evaluations).toEqual(listed.items);
    expect((await t.get(`/api/agreements/${agreement.id}/evaluations`, USERS.proposer2)).status).toBe(404);
  });

  it('opens the evaluation when its period is over, exactly once however often its timer runs', async () => {
    await advanceTo(new Date(wib('2027-01-01', 7).getTime() - 60_000));
    expect(await evaluationsOf(agreement.id)).toEqual([]);
    // Redis loses every onegate key and the process dies: reconciliation at start queues the timer again.
    const lose = async () => {
      if (REDIS) await deleteRedisKeys(t.config.redisUrl!, `${t.config.queuePrefix}:*`);
      await t.restart();
    };
    await lose();
    await advanceTo(wib('2027-01-01', 7));
    const opened = await until(() => evaluationsOf(agreement.id), (cs) => cs.length > 0, 20_000);
    expect(opened).toHaveLength(1);
    evaluation = opened[0]!;
    expect(evaluation).toMatchObject({ kind: 'evaluation', workflowName: 'evaluation', workflowVersion: 1, stage: 'evaluation_report', proposerId: USERS.proposer.id, instrument: 'kb', partnerName: 'Kabupaten Muaro Jambi' });
    expect(evaluation.number).toMatch(/^EV-2027-\d{4}$/);
    expect(evaluation.title).toContain('Kesepakatan Bersama pengelolaan sampah');
    // The timer again: by the handler (settled, nothing to do), by reconciliation, and its action with the
    // row as it was read before it fired (a duplicate job racing the first): the guard rolls it back.
    const timer = (await t.db.read((em) => em.findOneBy<TimerRow>(TIMER, { caseId: agreement.id, kind: 'evaluation_due', idx: 20262 })))!;
    expect(timer.status).toBe('fired');
    await lose();
    await t.runDue();
    await settled();
    await t.app.get(TimerActions).find('evaluation_due')!({ ...timer, status: 'pending', settledAt: null });
    expect(await evaluationsOf(agreement.id)).toHaveLength(1);
    const listed = await list(agreement.id);
    expect(listed.items.map((e: any) => e.status)).toEqual(['open', 'scheduled', 'scheduled']);
    expect(listed.items[0]).toMatchObject({ id: evaluation.id, number: evaluation.number, period: { from: '2026-12-01', to: '2026-12-31' }, stage: 'evaluation_report', report: null, rating: null });
  });

  it('gives the report task to the agreement’s proposer, told by mail with a link to the task', async () => {
    const task = await openTask(evaluation.id);
    expect(task).toMatchObject({ stage: 'evaluation_report', role: 'proposer', assigneeId: USERS.proposer.id });
    // ONEGATE_MONEV report P3D: Friday 1 January 2027 is a holiday; three working days on.
    expect(new Date(task.dueAt).getTime()).toBeGreaterThan(wib('2027-01-05').getTime());
    const inbox = (await t.get('/api/tasks', USERS.proposer)).body;
    const mine = (inbox.items ?? inbox).find((x: any) => x.id === task.id);
    expect(mine).toMatchObject({ stage: 'evaluation_report', title: 'Evaluation self-report', decisions: ['submit'] });
    const mail = await until(() => smtp.received.filter((m) => m.subject.includes(evaluation.number)), (m) => m.length >= 1, 20_000);
    expect(mail.map((m) => m.to.join(','))).toEqual(['opd-1@jambikota.go.id']);
    const body = mail[0]!.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(body).toContain(`http://onegate.test/tasks/${task.id}`);
    // Contract §8: the evaluation's opening is told as `evaluation_due`, asking for the report by its due time.
    expect(mail[0]!.subject).toBe(`[onegate] Evaluasi kerja sama: ${evaluation.number} ${evaluation.title}`);
    expect(body).toContain('isi laporan pelaksanaan');
    expect(body).toMatch(/paling lambat \w+, \d+ Januari 2027 pukul \d\d\.\d\d WIB/);
    const told = (await t.get(`/api/cases/${evaluation.id}/notifications`, USERS.auditor)).body;
    expect(told.map((n: { kind: string; to: string }) => `${n.kind} ${n.to}`)).toEqual(['evaluation_due opd-1@jambikota.go.id']);
  });

  it('takes the report, names the field of a bad one, and refuses the wrong people', async () => {
    const task = await openTask(evaluation.id);
    const bad = await complete(task.id, USERS.proposer, { decision: 'submit', report: { ...report, progress: 120 } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('report.progress');
    expect((await complete(task.id, USERS.proposer, { decision: 'submit', report: { progress: 10 } })).body.field).toBe('report.outputs');
    expect((await complete(task.id, USERS.proposer, { decision: 'submit' })).body.field).toBe('report');
    expect((await complete(task.id, USERS.proposer, { decision: 'submit', report, rating: 3 })).body.field).toBe('rating');
    expect((await complete(task.id, USERS.proposer, { decision: 'approve' })).body.field).toBe('decision');
    expect((await complete(task.id, USERS.reviewerA, { decision: 'submit', report })).status).toBe(403);
    expect((await complete(task.id, USERS.proposer2, { decision: 'submit', report })).status).toBe(404);
    const ok = await complete(task.id, USERS.proposer, { decision: 'submit', report });
    expect(ok.status).toBe(200);
    expect(ok.body.case.stage).toBe('evaluation_review');
  });

  it('reminds the reviewers and escalates the review once each', async () => {
    const mails = () =>
      smtp.received
        .filter((m) => m.subject.includes(evaluation.number) && /Pengingat|Terlambat/.test(m.subject))
        .map((m) => `${m.subject.match(/Pengingat|Terlambat/)![0]} → ${m.to.join(',')}`)
        .sort();
    for (const step of [HOUR, 3 * HOUR, HOUR, 2 * HOUR]) {
      await t.advance(step);
      await settled();
    }
    await until(mails, (m) => m.length >= 4, 20_000);
    expect(mails()).toEqual(['Pengingat → tt-a@jambikota.go.id', 'Pengingat → tt-b@jambikota.go.id', 'Terlambat → sekda@jambikota.go.id', 'Terlambat → sekda@jambikota.go.id']);
    const reminder = smtp.received.find((m) => m.subject.includes(evaluation.number) && m.subject.includes('Pengingat'))!;
    expect(reminder.subject).toContain('Telaah evaluasi (Tim Teknis)');
  });

  it('sends the report back on revise, then concludes with a rating and a recommendation', async () => {
    let task = await openTask(evaluation.id);
    expect(task.stage).toBe('evaluation_review');
    expect((await complete(task.id, USERS.secretariat, { decision: 'approve' })).status).toBe(403);
    expect((await complete(task.id, USERS.reviewerA, { decision: 'revise' })).body.field).toBe('comment');
    expect((await complete(task.id, USERS.reviewerA, { decision: 'approve', rating: 4 })).body.field).toBe('rating');
    const revised = await complete(task.id, USERS.reviewerA, { decision: 'revise', comment: 'Lampirkan daftar hadir pelatihan' });
    expect(revised.body.case.stage).toBe('evaluation_report');
    task = await openTask(evaluation.id);
    expect(task.assigneeId).toBe(USERS.proposer.id);
    const second = { progress: 40, outputs: 'Dua pelatihan, daftar hadir terlampir' };
    expect((await complete(task.id, USERS.proposer, { decision: 'submit', report: second })).status).toBe(200);
    task = await openTask(evaluation.id);
    expect((await complete(task.id, USERS.reviewerB, { decision: 'approve' })).status).toBe(200);
    task = await openTask(evaluation.id);
    expect(task.stage).toBe('evaluation_conclusion');
    expect((await complete(task.id, USERS.reviewerA, { decision: 'approve', rating: 4, recommendation: 'continue' })).status).toBe(403);
    expect((await complete(task.id, USERS.secretariat, { decision: 'approve', recommendation: 'continue' })).body.field).toBe('rating');
    expect((await complete(task.id, USERS.secretariat, { decision: 'approve', rating: 6, recommendation: 'continue' })).body.field).toBe('rating');
    expect((await complete(task.id, USERS.secretariat, { decision: 'approve', rating: 4 })).body.field).toBe('recommendation');
    expect((await complete(task.id, USERS.secretariat, { decision: 'approve', rating: 4, recommendation: 'stop' })).body.field).toBe('recommendation');
    const done = await complete(task.id, USERS.secretariat, { decision: 'approve', rating: 4, recommendation: 'improve' });
    expect(done.status).toBe(200);
    expect(done.body.case.stage).toBe('concluded');
    // Every step is an event on the evaluation's chain, holding what it carried.
    const events = await t.db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: evaluation.id }, order: { seq: 'ASC' } }));
    expect(events.map((e) => `${e.type} ${e.stageAfter}`)).toEqual([
      'CASE_CREATED evaluation_report',
      'TASK_COMPLETED evaluation_review',
      'TASK_COMPLETED evaluation_report',
      'TASK_COMPLETED evaluation_review',
      'TASK_COMPLETED evaluation_conclusion',
      'TASK_COMPLETED concluded',
    ]);
    expect(events[1]!.data).toMatchObject({ decision: 'submit', report });
    expect(events[5]!.data).toMatchObject({ rating: 4, recommendation: 'improve' });
    const item = (await list(agreement.id)).items[0];
    expect(item).toMatchObject({ id: evaluation.id, status: 'done', stage: 'concluded', report: second, rating: 4, recommendation: 'improve', concludedAt: expect.any(String) });
    expect((await t.get(`/api/audit/verify?caseId=${evaluation.id}`, USERS.auditor)).body).toMatchObject({ ok: true, eventsChecked: 6 });
  });

  it('opens one now for the secretariat, from the last one’s end to today; 409 for an agreement no longer in force', async () => {
    expect((await t.post(`/api/agreements/${agreement.id}/evaluations`, USERS.proposer)).status).toBe(403);
    const res = await t.post(`/api/agreements/${agreement.id}/evaluations`, USERS.secretariat);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'open', stage: 'evaluation_report', period: { from: '2027-01-01', to: '2027-01-01' }, number: expect.stringMatching(/^EV-2027-/) });
    const items = (await list(agreement.id)).items;
    expect(items.map((e: any) => e.status)).toEqual(['done', 'open', 'scheduled', 'scheduled']);
    // One at a time: with this one under way, another is refused, naming it, and nothing is opened.
    const twice = await t.post(`/api/agreements/${agreement.id}/evaluations`, USERS.secretariat);
    expect(twice.status).toBe(409);
    expect(twice.body.message).toContain(res.body.number);
    expect((await list(agreement.id)).items).toHaveLength(4);
    const ended = await signedCase(t, { title: 'PKS yang telah berakhir', validFrom: '2026-01-01', validUntil: '2026-12-31' });
    expect((await list(ended.id)).items).toEqual([]); // its term is over: nothing scheduled
    const refused = await t.post(`/api/agreements/${ended.id}/evaluations`, USERS.secretariat);
    expect(refused.status).toBe(409);
    evaluation = res.body;
  });

  it('cancels an open evaluation on a cancel_evaluation timer, once', async () => {
    const now = clock.now();
    const timer: TimerRow = { id: randomUUID(), caseId: evaluation.id, taskId: null, kind: 'cancel_evaluation', idx: 0, offset: 'terminated', fireAt: now, dueAt: now, status: 'pending', createdAt: now, settledAt: null };
    await t.db.write((em) => em.insert(TIMER, timer));
    await t.runDue();
    await settled();
    expect(await t.stageOf(evaluation.id)).toBe('cancelled');
    expect((await t.db.read((em) => em.findOneBy<TimerRow>(TIMER, { id: timer.id })))!.status).toBe('fired');
    await t.app.get(TimerActions).find('cancel_evaluation')!(timer);
    const events = await t.db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: evaluation.id }, order: { seq: 'ASC' } }));
    expect(events.map((e) => e.type)).toEqual(['CASE_CREATED', 'EVALUATION_CANCELLED']);
    expect((await openTask(evaluation.id)) ?? null).toBeNull();
    expect((await list(agreement.id)).items.map((e: any) => e.status)).toEqual(['done', 'cancelled', 'scheduled', 'scheduled']);
    expect((await t.get(`/api/audit/verify?caseId=${evaluation.id}`, USERS.auditor)).body).toMatchObject({ ok: true, eventsChecked: 2 });
  });

  it('schedules the evaluations still ahead of an agreement imported in force', async () => {
    const csv = Buffer.from(legacyCsv([{ ...legacyRow(0), number: '180/999/KS/2026', valid_from: '2026-08-01', valid_until: '2028-03-31', status: null }]));
    const boundary = '----onegatemonev';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="register.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      csv,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await t.app.inject({ method: 'POST', url: '/api/agreements/import', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${await t.token(USERS.secretariat)}` }, payload });
    expect(JSON.parse(res.body)).toMatchObject({ created: 1 });
    const imported = (await t.db.read((em) => em.findOneBy<CaseRow>(CASE, { title: legacyRow(0).title as string })))!;
    // Now is 1 January 2027, after 07:00: the half 2026-2 is history; 2028-1 would open after the end-of-term one.
    expect((await list(imported.id)).items.map((e: any) => [e.status, e.period.from, e.period.to])).toEqual([
      ['scheduled', '2027-01-01', '2027-06-30'],
      ['scheduled', '2027-07-01', '2027-12-31'],
      ['scheduled', '2028-01-01', '2028-03-31'],
    ]);
    // Both halves of 2027 found due at once (an outage, history): one catch-up, the latest; the older is superseded.
    const [first, second] = await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { caseId: imported.id, kind: 'evaluation_due' }, order: { fireAt: 'ASC' } }));
    await t.db.write(async (em) => {
      await em.update(TIMER, { id: first!.id }, { fireAt: new Date(clock.now().getTime() - 2 * HOUR) });
      await em.update(TIMER, { id: second!.id }, { fireAt: new Date(clock.now().getTime() - HOUR) });
    });
    await t.runDue();
    await settled();
    expect((await list(imported.id)).items.map((e: any) => [e.status, e.period.from])).toEqual([
      ['open', '2027-07-01'],
      ['scheduled', '2028-01-01'],
    ]);
    expect((await t.db.read((em) => em.findOneBy<TimerRow>(TIMER, { id: first!.id })))!.status).toBe('cancelled');
  });
  it('after an evaluation the secretariat opened itself, the period’s own begins the day after it', async () => {
    // Now is 1 January 2027: the secretariat evaluates a fresh agreement at once, for its first weeks.
    const a = await signedCase(t, { title: 'PKS layanan air bersih', validFrom: '2026-12-15', validUntil: '2029-12-31' });
    const opened = await t.post(`/api/agreements/${a.id}/evaluations`, USERS.secretariat, {});
    expect(opened.status).toBe(201);
    expect(opened.body.period).toEqual({ from: '2026-12-15', to: '2027-01-01' });
    const caseOf = (await t.get(`/api/cases/${opened.body.id}`, USERS.auditor)).body;
    // Its title and summary name the period as a clerk writes it, not as ISO dates.
    expect(caseOf.title).toBe('Evaluasi 15 Desember 2026 s.d. 1 Januari 2027 — PKS layanan air bersih');
    expect(caseOf.summary).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    // The half January–June 2027 falls due on 1 July: it covers what the first did not.
    await advanceTo(wib('2027-07-01', 7));
    const listed = (await list(a.id)).items.filter((e: any) => e.status !== 'scheduled');
    expect(listed.map((e: any) => [e.status, e.period.from, e.period.to])).toEqual([
      ['open', '2026-12-15', '2027-01-01'],
      ['open', '2027-01-02', '2027-06-30'],
    ]);
    expect((await t.get(`/api/cases/${listed[1].id}`, USERS.auditor)).body.title).toBe('Evaluasi semester I 2027 — PKS layanan air bersih');
  });
});
