import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SettableClock } from '../src/common/clock.js';
import { SCHEDULER } from '../src/deadlines/deadlines.tokens.js';
import type { BullMqScheduler } from '../src/deadlines/bullmq.scheduler.js';
import { DELIVERY, TIMER } from '../src/database/entities.js';
import { randomUUID } from 'node:crypto';
import { DeliveryService } from '../src/notifications/delivery.service.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp, USERS, deleteRedisKeys } from './support/test-app.js';
import { until } from './support/until.js';
import { settleAll } from './support/settled.js';

const REDIS = Boolean(process.env.REDIS_URL);
const mode = REDIS ? 'BullMQ on Redis' : 'in-process';
const HOUR = 3_600_000;

/**
 * Contract §5 with a real SMTP server and (in CI) real Redis: the reminder and both escalations arrive
 * as e-mails to the right people, once each, whatever happens to the queue or workers. Time is the
 * app's clock, moved by the test (`t.advance`): nothing waits for a deadline in real time.
 * Technical review: due 3 h after the task opens; reminder 2 h before (at +1 h); escalations 1 h and 2 h after (+4 h, +5 h).
 */
describe(`deadlines end to end (${mode}, real SMTP)`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new SettableClock();

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const dir = mkdtempSync(join(tmpdir(), 'onegate-sla-'));
    const slaFile = join(dir, 'sla.json');
    writeFileSync(slaFile, JSON.stringify({ technical_review: { due: 'PT3H', remind: ['PT2H'], escalate: ['PT1H', 'PT2H'] } }));
    clock.set(new Date());
    t = await TestApp.start({ smtpUrl: smtp.url, slaFile, queueLockMs: 1000, smtpTimeoutMs: 3000 }, { clock });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  /**
   * A case whose technical-review task opens now; with `reviewer`, claimed by that reviewer (who takes
   * it themselves, so the only mails are the deadlines'; an assignment's own mail is in messages.e2e-spec).
   */
  async function atTechnicalReview(reviewer?: keyof typeof USERS): Promise<{ id: string; number: string; taskId: string }> {
    const c = await t.createCase();
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    const res = await t.decide(c.id, USERS.secretariat, 'approve');
    expect(res.body.case.stage).toBe('technical_review');
    const taskId = res.body.case.openTasks[0].id;
    if (reviewer) expect((await t.post(`/api/tasks/${taskId}/claim`, USERS[reviewer])).status).toBe(200);
    return { id: c.id, number: c.number, taskId };
  }

  const mailsFor = (caseNumber: string) => smtp.received.filter((m) => m.subject.includes(caseNumber));
  const summary = (caseNumber: string) =>
    mailsFor(caseNumber)
      .map((m) => `${m.subject.match(/Pengingat|Terlambat|Reminder|Overdue/)![0]} → ${m.to.join(',')}`)
      .sort();
  const ONCE_EACH = ['Pengingat → tt-a@jambikota.go.id', 'Terlambat → sekda@jambikota.go.id', 'Terlambat → sekda@jambikota.go.id'];

  /** The e-mails of a case once `count` arrived (on Redis a worker sends them; in-process they are there already). */
  const mailsArrived = (caseNumber: string, count: number) => until(() => mailsFor(caseNumber), (m) => m.length >= count, 20_000);

  const settled = () => settleAll(t, clock);

  /** From a task opening now, past its reminder (+1 h) and both escalations (+4 h, +5 h), one moment at a time. */
  async function pastEveryDeadline(): Promise<void> {
    for (const step of [HOUR, 3 * HOUR, HOUR]) {
      await t.advance(step);
      await settled();
    }
  }

  it('sends the reminder to the assignee and escalates to the supervisor, then to the TKKSD chair, once each', async () => {
    const assigned = await atTechnicalReview('reviewerA');
    const open = await atTechnicalReview();
    const task = (await t.get(`/api/cases/${assigned.id}`, USERS.auditor)).body.openTasks[0];
    expect(new Date(task.dueAt).getTime() - new Date(task.createdAt).getTime()).toBe(3 * HOUR);
    await t.advance(HOUR - 60_000);
    await settled();
    expect(mailsFor(assigned.number)).toEqual([]); // a minute before the reminder: nothing yet
    await t.advance(60_000);
    await settled();
    expect(summary(assigned.number)).toEqual(['Pengingat → tt-a@jambikota.go.id']);
    await t.advance(3 * HOUR);
    await settled();
    expect(summary(assigned.number)).toEqual(['Pengingat → tt-a@jambikota.go.id', 'Terlambat → sekda@jambikota.go.id']);
    await t.advance(HOUR);
    await settled();
    expect(summary(assigned.number)).toEqual(ONCE_EACH);
    // Unclaimed: every holder of the role is reminded; their supervisor (Sekda) is told once.
    expect(summary(open.number)).toEqual(['Pengingat → tt-a@jambikota.go.id', 'Pengingat → tt-b@jambikota.go.id', 'Terlambat → sekda@jambikota.go.id', 'Terlambat → sekda@jambikota.go.id']);
    const reminder = mailsFor(assigned.number).find((m) => m.subject.startsWith('[onegate] Pengingat'))!;
    const body = reminder.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(body).toContain(`http://onegate.test/tasks/${assigned.taskId}`);
    expect(body).toMatch(/Kajian Tim Teknis/);
    const notes = (await t.get(`/api/cases/${assigned.id}/notifications`, USERS.auditor)).body;
    expect(notes.map((n: any) => `${n.kind} ${n.level} ${n.to} ${n.status}`).sort()).toEqual([
      'escalation 0 sekda@jambikota.go.id sent',
      'escalation 1 sekda@jambikota.go.id sent',
      'reminder null tt-a@jambikota.go.id sent',
    ]);
    expect(notes.every((n: any) => n.late === false)).toBe(true);
    for (const n of notes) expect(n.sentAt).toEqual(expect.any(String));
    // Another proposer may not see the case at all (contract §6): 404, as for an unknown case.
    expect((await t.get(`/api/cases/${assigned.id}/notifications`, USERS.proposer2)).status).toBe(404);
  });

  it('sends nothing for a task completed before its reminder, and cancels its timers', async () => {
    const c = await atTechnicalReview('reviewerA');
    expect((await t.decide(c.id, USERS.reviewerA, 'approve')).status).toBe(200);
    await pastEveryDeadline();
    expect(mailsFor(c.number)).toEqual([]);
    const timers = await t.db.read((em) => em.findBy<{ status: string; taskId: string }>(TIMER, { taskId: c.taskId }));
    expect(timers.map((x) => x.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('writes in English for a user who chose English', async () => {
    await t.request('PUT', '/api/users/tt-b', { as: USERS.admin, body: { name: 'Tim Teknis B', email: 'tt-b@jambikota.go.id', roles: ['technical_reviewer'], supervisorId: 'sekda', locale: 'en' } });
    const c = await atTechnicalReview('reviewerB');
    await t.advance(HOUR);
    const [mail] = await mailsArrived(c.number, 1);
    expect(mail!.subject).toMatch(new RegExp(`^\\[onegate\\] Reminder: ${c.number} Technical review`));
    await pastEveryDeadline();
  });

  it('delivers every reminder after the queue loses its data and the process restarts, none twice', async () => {
    const c = await atTechnicalReview('reviewerA');
    const pending = await t.db.read((em) => em.countBy(TIMER, { caseId: c.id, status: 'pending' }));
    expect(pending).toBe(3);
    // Redis loses every onegate key (what FLUSHALL does to us, without touching other suites' keys); the process dies.
    if (REDIS) await deleteRedisKeys(t.config.redisUrl!, `${t.config.queuePrefix}:*`);
    await t.restart();
    // Reconciliation at start gave the case's three timers back to the queue, delayed until their time.
    expect((await t.get('/api/health')).body.queue.delayed).toBeGreaterThanOrEqual(3);
    await pastEveryDeadline();
    expect(summary(c.number)).toEqual(ONCE_EACH);
  });

  it('lets two workers race over the same timers with no duplicate e-mail', async () => {
    const second: NestFastifyApplication = await t.sibling();
    try {
      const cases = await Promise.all([atTechnicalReview('reviewerA'), atTechnicalReview('reviewerA'), atTechnicalReview()]);
      await pastEveryDeadline(); // both processes run every due timer at once
      for (const c of cases) {
        // A repeat of one delivery would carry the same Message-ID (its delivery key).
        const ids = mailsFor(c.number).map((m) => m.messageId);
        expect(new Set(ids).size).toBe(ids.length);
        expect([c.number, summary(c.number)]).toEqual([c.number, c === cases[2] ? expect.any(Array) : ONCE_EACH]);
        expect(ids).toHaveLength(c === cases[2] ? 4 : 3);
      }
    } finally {
      await second.close();
    }
  });

  it('claims a delivery before sending it: ten simultaneous sends of one delivery give one e-mail', async () => {
    const c = await atTechnicalReview('reviewerA');
    const id = randomUUID();
    await t.db.transaction((em) =>
      em.insert(DELIVERY, {
        id, caseId: c.id, timerId: randomUUID(), kind: 'reminder', recipientId: 'tt-a', recipientEmail: 'claim-test@jambikota.go.id', locale: 'id',
        subject: `[onegate] claim test ${c.number}`, body: 'x', status: 'pending', attempts: 0, lastError: null, createdAt: new Date(), sentAt: null, leaseUntil: null,
      }),
    );
    const deliveries = t.app.get(DeliveryService);
    const results = await Promise.all(Array.from({ length: 10 }, () => deliveries.send(id)));
    expect(results.filter((r) => r === 'sent')).toHaveLength(1);
    expect(smtp.to('claim-test@jambikota.go.id')).toHaveLength(1);
    expect((await deliveries.send(id))).toBe('skipped');
  });

  it('sends a mail whose worker died between firing its timer and sending it, once its lease runs out', async () => {
    // The timer's transaction creates its deliveries already claimed for the worker that sends them
    // right after; one that dies in between leaves them `sending` under a lease that then runs out.
    const c = await atTechnicalReview('reviewerA');
    const id = randomUUID();
    await t.db.transaction((em) =>
      em.insert(DELIVERY, {
        id, caseId: c.id, timerId: randomUUID(), kind: 'reminder', recipientId: 'tt-a', recipientEmail: 'orphan@jambikota.go.id', locale: 'id',
        subject: `[onegate] orphaned ${c.number}`, body: 'x', status: 'sending', attempts: 0, lastError: null, createdAt: clock.now(), sentAt: null, leaseUntil: new Date(clock.now().getTime() + 60_000),
      }),
    );
    await t.runDue(); // still leased: reconciliation hands it to nobody
    expect(smtp.to('orphan@jambikota.go.id')).toEqual([]);
    expect(await t.db.read((em) => em.findOneBy<{ id: string; status: string }>(DELIVERY, { id }))).toMatchObject({ status: 'sending' });
    await t.advance(60_001);
    await settled();
    expect(smtp.to('orphan@jambikota.go.id')).toHaveLength(1);
    expect(await t.db.read((em) => em.findOneBy<{ id: string; status: string; attempts: number }>(DELIVERY, { id }))).toMatchObject({ status: 'sent', attempts: 1 });
    await pastEveryDeadline();
  });

  it(REDIS ? 'recovers a mail job from a worker killed mid-send (stalled job), sending it once' : 'recovers a mail whose worker died between attempts, sending it once', async () => {
    const c = await atTechnicalReview('reviewerA');
    if (REDIS) {
      smtp.hold(); // the first send hangs inside the SMTP transaction
      const before = smtp.arrivals;
      await t.advance(HOUR);
      expect(await until(() => smtp.arrivals, (n) => n > before)).toBeGreaterThan(before); // the reminder is mid-send
      await (t.app.get(SCHEDULER) as BullMqScheduler).killWorkers(); // dies holding the job's lock
      smtp.accept();
      const rescuer = await t.sibling();
      try {
        // The dead worker's send times out (real time, smtpTimeoutMs) and leaves the mail to a retry, which the rescuer sends.
        await mailsArrived(c.number, 1);
        await settled();
        await t.advance(3 * HOUR);
        await settled();
        await t.advance(HOUR);
        await settled();
      } finally {
        await rescuer.close();
      }
      await t.restart();
    } else {
      smtp.refuse(); // the first attempt fails; its retry waits in this process
      await t.advance(HOUR);
      expect((await t.db.read((em) => em.findOneByOrFail<{ caseId: string; attempts: number }>(DELIVERY, { caseId: c.id }))).attempts).toBe(1);
      smtp.accept();
      await t.restart(); // the process dies with the retry in memory; the delivery row is still pending
      // Reconciliation finds the pending mail; then each escalation at its own time (+4 h, +5 h).
      for (const step of [HOUR, 2 * HOUR, HOUR]) {
        await t.advance(step);
        await settled();
      }
    }
    expect(summary(c.number)).toEqual(ONCE_EACH);
    const notes = (await t.get(`/api/cases/${c.id}/notifications`, USERS.auditor)).body;
    expect(notes.every((n: any) => n.status === 'sent')).toBe(true);
  });

  it('shuts down gracefully: a mail in flight finishes before the process stops, and is not sent again', async () => {
    const c = await atTechnicalReview('reviewerA');
    smtp.slow(500);
    const before = smtp.arrivals;
    const due = t.advance(HOUR);
    await until(() => smtp.arrivals, (n) => n > before); // the reminder is at the SMTP server, not yet accepted
    await t.restart(); // close waits for the active job; the new process must not send it again
    await due;
    smtp.accept();
    await t.advance(3 * HOUR);
    await settled();
    await t.advance(HOUR);
    await settled();
    expect(summary(c.number)).toEqual(ONCE_EACH);
    const reminder = (await t.get(`/api/cases/${c.id}/notifications`, USERS.auditor)).body.find((n: any) => n.kind === 'reminder');
    expect(reminder).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('keeps retrying while the SMTP server refuses, records the failure on the case, and sends once it accepts', async () => {
    smtp.refuse();
    const c = await atTechnicalReview('reviewerA');
    await t.advance(HOUR);
    const reminderNote = async () => (await t.get(`/api/cases/${c.id}/notifications`, USERS.auditor)).body.find((n: any) => n.kind === 'reminder');
    const note = await until(reminderNote, (n) => n?.attempts >= 1);
    expect(note).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/451|try again/) });
    smtp.accept();
    // In-process the retry waits a second on the clock; on Redis BullMQ's backoff (real time) brings it back.
    await t.advance(1000);
    await mailsArrived(c.number, 1);
    await settled();
    await t.advance(3 * HOUR);
    await settled();
    await t.advance(HOUR);
    await settled();
    expect(summary(c.number)).toEqual(ONCE_EACH);
    const after = await reminderNote();
    expect(after).toMatchObject({ status: 'sent', lastError: null });
    expect(after.attempts).toBeGreaterThanOrEqual(2);
  });
});
