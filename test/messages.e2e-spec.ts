import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsNull, LessThanOrEqual } from 'typeorm';
import { SettableClock } from '../src/common/clock.js';
import { zonedInstant } from '../src/common/time-zone.js';
import { TASK, TIMER } from '../src/database/entities.js';
import type { TaskRow, TimerRow } from '../src/database/rows.js';
import { TimerHandler } from '../src/deadlines/timer-handler.js';
import { formatInstant } from '../src/notifications/templates.js';
import { SmtpSink, type ReceivedMail } from './support/smtp-sink.js';
import { TestApp, USERS, type TestUser } from './support/test-app.js';

const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'}, ${process.env.REDIS_URL ? 'BullMQ on Redis' : 'in-process queue'}`;
const DAY = 86_400_000;
const email = (u: TestUser) => `${u.id}@jambikota.go.id`;
const LOCAL_DATE_TIME = /(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WIB/;

/**
 * Contract §8 end to end: every kind of message, read from a real SMTP server, with the app's clock
 * moved by the test (no sleeping for timers). The clock stands years ahead of real time, so no queue
 * fires a timer by itself: `runDue()` fires what is due at the clock's time, as the scheduler would,
 * all at once (as racing workers would).
 */
describe(`messages people receive (${backend}, real SMTP, moved clock)`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new SettableClock();

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    clock.set(zonedInstant(2030, 9, 2, 'Asia/Jakarta', 9)); // Monday 2 September 2030, 09:00 WIB
    t = await TestApp.start({ smtpUrl: smtp.url }, { clock });
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.stop();
  });

  /** Fires every pending timer due at the clock's time, together; mails are sent before it returns. */
  async function runDue(app: TestApp = t): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const due = await app.db.read((em) => em.find<TimerRow>(TIMER, { where: { status: 'pending', fireAt: LessThanOrEqual(clock.now()) } }));
      if (!due.length) return;
      await Promise.all(due.map((d) => app.app.get(TimerHandler).fire(d.id)));
    }
  }

  const mailsOf = (c: { number: string }): ReceivedMail[] => smtp.received.filter((m) => m.subject.includes(c.number));
  const byRecipient = (mails: ReceivedMail[]) => mails.map((m) => m.to.join(',')).sort();
  const taskOf = async (caseId: string, stage: string, assigneeId?: string): Promise<TaskRow> =>
    t.db.read((em) => em.findOneByOrFail<TaskRow>(TASK, { caseId, stage, status: 'open', ...(assigneeId ? { assigneeId } : {}) }));

  async function submitted(body: Record<string, unknown> = {}): Promise<any> {
    const c = await t.createCase(body);
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    return c;
  }

  async function drive(c: { id: string }, steps: [TestUser, string][]): Promise<void> {
    for (const [user, decision] of steps) expect((await t.decide(c.id, user, decision)).status).toBe(200);
  }

  it('tells a named assignee and a delegate of their task, with its link and due time; nobody for a task they took themselves', async () => {
    const c = await submitted();
    const check = await taskOf(c.id, 'administrative_check');
    expect((await t.post(`/api/tasks/${check.id}/claim`, USERS.secretariat)).status).toBe(200);
    await runDue();
    expect(mailsOf(c)).toEqual([]); // an unassigned task and a self-claim are no one's news
    expect((await t.post(`/api/tasks/${check.id}/delegate`, USERS.secretariat, { userId: USERS.secretariat2.id })).status).toBe(200);
    await runDue();
    const [delegated] = mailsOf(c);
    expect(byRecipient(mailsOf(c))).toEqual([email(USERS.secretariat2)]);
    expect(delegated!.subject).toBe(`[onegate] Tugas untuk Anda: ${c.number} Pemeriksaan administrasi`);
    const dueAt = (await taskOf(c.id, 'administrative_check')).dueAt!;
    expect(delegated!.text).toContain(`Batas waktu: ${formatInstant(dueAt, 'id', 'Asia/Jakarta')}`);
    expect(delegated!.text).toMatch(LOCAL_DATE_TIME);
    expect(delegated!.text).toContain(`Berkas: ${c.number} — ${c.title}`);
    expect(delegated!.text).toContain(`Buka tugas: http://onegate.test/tasks/${check.id}`);
    expect(delegated!.text).toContain('“Setujui”, “Kembalikan untuk revisi” atau “Tolak”');

    expect((await t.decide(c.id, USERS.secretariat2, 'approve', { reviewers: [USERS.reviewerA.id, USERS.reviewerB.id] })).status).toBe(200);
    await runDue();
    const assigned = mailsOf(c).slice(1);
    expect(byRecipient(assigned)).toEqual([email(USERS.reviewerA), email(USERS.reviewerB)]);
    for (const [user, mail] of [USERS.reviewerA, USERS.reviewerB].map((u) => [u, assigned.find((m) => m.to[0] === email(u))!] as const)) {
      const task = await taskOf(c.id, 'technical_review', user.id);
      expect(mail.subject).toBe(`[onegate] Tugas untuk Anda: ${c.number} Kajian Tim Teknis`);
      expect(mail.text).toContain(`http://onegate.test/tasks/${task.id}`);
    }
    const notes = (await t.get(`/api/cases/${c.id}/notifications`, USERS.auditor)).body;
    expect(notes.map((n: any) => `${n.kind} ${n.to} ${n.late}`).sort()).toEqual([
      `task_assigned ${email(USERS.secretariat2)} false`,
      `task_assigned ${email(USERS.reviewerA)} false`,
      `task_assigned ${email(USERS.reviewerB)} false`,
    ]);
  });

  it('returns a case to its proposer with the comment, as a revision task in their inbox whose resubmit is RESUBMIT', async () => {
    const c = await submitted();
    await drive(c, [[USERS.secretariat, 'approve']]);
    expect((await t.decide(c.id, USERS.reviewerA, 'revise', { comment: 'Lampirkan rencana kerja tahunan' })).status).toBe(200);
    await runDue();
    const revision = await taskOf(c.id, 'revision');
    const [mail] = mailsOf(c);
    expect(byRecipient(mailsOf(c))).toEqual([email(USERS.proposer)]);
    expect(mail!.subject).toBe(`[onegate] Perlu revisi: ${c.number} ${c.title}`);
    expect(mail!.text).toContain('Catatan: “Lampirkan rencana kerja tahunan”');
    expect(mail!.text).toContain('Tahap: Kajian Tim Teknis');
    expect(mail!.text).toContain(`Buka tugas: http://onegate.test/tasks/${revision.id}`);

    const inbox = (await t.get('/api/tasks', USERS.proposer)).body.items.filter((x: any) => x.caseId === c.id);
    expect(inbox).toEqual([expect.objectContaining({ id: revision.id, stage: 'revision', role: 'proposer', assigneeId: USERS.proposer.id, decisions: ['resubmit'] })]);
    expect((await t.get('/api/tasks', USERS.proposer2)).body.items.some((x: any) => x.caseId === c.id)).toBe(false);
    // Another proposer may not see the case: its task is as unknown as a missing one (contract §6).
    expect((await t.post(`/api/tasks/${revision.id}/complete`, USERS.proposer2, { decision: 'resubmit' })).status).toBe(404);
    const claim = await t.post(`/api/tasks/${revision.id}/claim`, USERS.proposer);
    expect(claim.status).toBe(409);
    const wrong = await t.post(`/api/tasks/${revision.id}/complete`, USERS.proposer, { decision: 'approve' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.field).toBe('decision');
    // `resubmit` is valid only for a revision task.
    expect((await t.post(`/api/tasks/${(await taskOf((await submitted()).id, 'administrative_check')).id}/complete`, USERS.secretariat, { decision: 'resubmit' })).status).toBe(400);

    const done = await t.post(`/api/tasks/${revision.id}/complete`, USERS.proposer, { decision: 'resubmit', comment: 'Rencana kerja dilampirkan' });
    expect(done.status).toBe(200);
    expect(done.body.task).toMatchObject({ id: revision.id, status: 'completed', decision: 'resubmit', completedBy: USERS.proposer.id });
    expect(done.body.case.stage).toBe('technical_review');
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
    expect(history.at(-1)).toMatchObject({ type: 'RESUBMIT', stageBefore: 'revision', stageAfter: 'technical_review', data: { taskId: revision.id, decision: 'resubmit', comment: 'Rencana kerja dilampirkan' } });
    expect((await t.get('/api/tasks', USERS.proposer)).body.items.some((x: any) => x.caseId === c.id)).toBe(false);
    expect((await t.get(`/api/audit/verify`, USERS.auditor)).body.ok).toBe(true);

    // The case event RESUBMIT closes the task as well; WITHDRAW cancels it.
    expect((await t.decide(c.id, USERS.reviewerA, 'revise', { comment: 'Sekali lagi' })).status).toBe(200);
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'WITHDRAW' })).status).toBe(201);
    const tasks = await t.db.read((em) => em.findBy<TaskRow>(TASK, { caseId: c.id, stage: 'revision' }));
    expect(tasks.map((x) => x.status).sort()).toEqual(['cancelled', 'completed']);
  });

  it('tells the proposer and the secretariat of a rejection with its reason, and of a signature with the term', async () => {
    const rejected = await submitted();
    await drive(rejected, [[USERS.secretariat, 'approve'], [USERS.reviewerA, 'approve']]);
    expect((await t.decide(rejected.id, USERS.chair, 'reject', { comment: 'Tidak layak: tumpang tindih dengan program provinsi' })).status).toBe(200);
    await runDue();
    expect(byRecipient(mailsOf(rejected))).toEqual([email(USERS.proposer), email(USERS.secretariat), email(USERS.secretariat2)]);
    const no = mailsOf(rejected)[0]!;
    expect(no.subject).toBe(`[onegate] Ditolak: ${rejected.number} ${rejected.title}`);
    expect(no.text).toContain('ditolak pada tahap Koordinasi TKKSD (kelayakan)');
    expect(no.text).toContain('Alasan: “Tidak layak: tumpang tindih dengan program provinsi”');
    expect(no.text).toContain(`Buka berkas: http://onegate.test/cases/${rejected.id}`);

    const signed = await submitted({ validFrom: '2030-10-01', validUntil: '2035-09-30' });
    await drive(signed, [[USERS.secretariat, 'approve'], [USERS.reviewerA, 'approve'], [USERS.chair, 'approve']]);
    await runDue();
    const before = mailsOf(signed).length;
    await drive(signed, [[USERS.legal, 'approve'], [USERS.mayor, 'sign']]);
    await runDue();
    const news = mailsOf(signed).slice(before).filter((m) => m.subject.includes('Ditandatangani'));
    expect(byRecipient(news)).toEqual([email(USERS.proposer), email(USERS.secretariat), email(USERS.secretariat2)]);
    expect(news[0]!.text).toContain('Berlaku Selasa, 1 Oktober 2030 sampai Minggu, 30 September 2035.');
    expect(news[0]!.text).toContain(`Buka berkas: http://onegate.test/cases/${signed.id}`);
  });

  it('reminds and escalates at their time, and reminds of an expiry with a link to the case', async () => {
    const c = await submitted({ validFrom: '2030-10-01', validUntil: '2031-03-31' });
    await drive(c, [[USERS.secretariat, 'approve']]);
    const review = await taskOf(c.id, 'technical_review');
    expect((await t.post(`/api/tasks/${review.id}/claim`, USERS.reviewerA)).status).toBe(200);
    const timers = await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { taskId: review.id }, order: { fireAt: 'ASC' } }));
    expect(timers.map((x) => `${x.kind}:${x.idx}`)).toEqual(['remind:0', 'remind:1', 'escalate:0', 'escalate:1']);
    const saved = clock.now();
    try {
      clock.set(timers[0]!.fireAt); // two working days before due
      await runDue();
      expect(byRecipient(mailsOf(c))).toEqual([email(USERS.reviewerA)]);
      const reminder = mailsOf(c)[0]!;
      expect(reminder.subject).toBe(`[onegate] Pengingat: ${c.number} Kajian Tim Teknis jatuh tempo ${formatInstant(review.dueAt!, 'id', 'Asia/Jakarta')}`);
      expect(reminder.text).toContain(`Buka tugas: http://onegate.test/tasks/${review.id}`);
      clock.set(timers[1]!.fireAt); // at the due time
      await runDue();
      expect(byRecipient(mailsOf(c))).toEqual([email(USERS.reviewerA), email(USERS.reviewerA)]);
      clock.set(timers[2]!.fireAt); // two working days overdue
      await runDue();
      const escalation = mailsOf(c).find((m) => m.subject.startsWith('[onegate] Terlambat'))!;
      expect(escalation.to).toEqual(['sekda@jambikota.go.id']);
      expect(escalation.text).toContain('Anda menerima ini sebagai atasan langsung.');
      expect(escalation.text).toContain(`ditangani oleh ${USERS.reviewerA.name}`);
      await drive(c, [[USERS.reviewerA, 'approve'], [USERS.chair, 'approve'], [USERS.legal, 'approve'], [USERS.mayor, 'sign']]);
      await runDue();
      const expiry = await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { caseId: c.id, kind: 'expiry_reminder' }, order: { fireAt: 'ASC' } }));
      clock.set(expiry[0]!.fireAt);
      await runDue();
      const expiring = mailsOf(c).filter((m) => m.subject.includes('berakhir'));
      expect(byRecipient(expiring)).toEqual([email(USERS.proposer), email(USERS.secretariat), email(USERS.secretariat2)]);
      expect(expiring[0]!.subject).toBe(`[onegate] ${c.number} berakhir dalam ${expiry[0]!.idx} hari (Senin, 31 Maret 2031)`);
      expect(expiring[0]!.text).toContain('mulailah perpanjangan');
      expect(expiring[0]!.text).toContain(`Buka berkas: http://onegate.test/cases/${c.id}`);
    } finally {
      clock.set(saved);
    }
  });

  describe('no storms (§8)', () => {
    it('gives one late catch-up per case and recipient for deadlines found long past, marked late', async () => {
      const c = await submitted();
      await drive(c, [[USERS.secretariat, 'approve']]);
      const review = await taskOf(c.id, 'technical_review');
      expect((await t.post(`/api/tasks/${review.id}/claim`, USERS.reviewerA)).status).toBe(200);
      const saved = clock.now();
      try {
        clock.set(new Date(saved.getTime() + 60 * DAY)); // an outage: both reminders and both escalations are long past
        await runDue();
        const mails = mailsOf(c);
        // The reviewer once (the reminder), Sekda once although both escalations are hers (supervisor and chair).
        expect(byRecipient(mails)).toEqual(['sekda@jambikota.go.id', email(USERS.reviewerA)]);
        for (const m of mails) {
          expect(m.subject.endsWith(' (terlambat)')).toBe(true);
          expect(m.text).toMatch(/Pesan ini terlambat: seharusnya terkirim (Senin|Selasa|Rabu|Kamis|Jumat), /);
        }
        expect(mails.find((m) => m.to[0] === 'sekda@jambikota.go.id')!.text).toContain('Ketua TKKSD');
        const notes = (await t.get(`/api/cases/${c.id}/notifications`, USERS.auditor)).body;
        expect(notes.map((n: any) => `${n.kind} ${n.level} ${n.late}`).sort()).toEqual(['escalation 1 true', 'reminder null true']);
        const left = await t.db.read((em) => em.countBy(TIMER, { taskId: review.id, status: 'pending' }));
        expect(left).toBe(0);
        await runDue();
        expect(mailsOf(c)).toHaveLength(2);
      } finally {
        clock.set(saved);
      }
    });

    describe('with a reminder due the moment a task opens', () => {
      let t2: TestApp;
      let smtp2: SmtpSink; // its own: t2's case numbers start again at 0001
      beforeAll(async () => {
        smtp2 = await new SmtpSink().start();
        const dir = mkdtempSync(join(tmpdir(), 'onegate-messages-'));
        const slaFile = join(dir, 'sla.json');
        // remind P10D of due P10D: the first reminder falls on the instant the task opens, with its assignment.
        writeFileSync(slaFile, JSON.stringify({ technical_review: { due: 'P10D', remind: ['P10D', 'PT0S'], escalate: ['P2D'] } }));
        t2 = await TestApp.start({ smtpUrl: smtp2.url, slaFile }, { clock });
      });
      afterAll(async () => {
        await t2?.stop();
        await smtp2?.stop();
      });

      it('makes two messages due to one person for one case at one moment one mail', async () => {
        const c = await t2.createCase({ title: 'KB satu saat satu pesan' });
        expect((await t2.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
        expect((await t2.decide(c.id, USERS.secretariat, 'approve', { reviewers: [USERS.reviewerA.id] })).status).toBe(200);
        const due = await t2.db.read((em) => em.find<TimerRow>(TIMER, { where: { caseId: c.id, status: 'pending', fireAt: LessThanOrEqual(clock.now()) } }));
        expect(due.map((x) => `${x.kind}:${x.offset}`).sort()).toEqual(['notify:task_assigned', 'remind:P10D']);
        await runDue(t2);
        const mails = smtp2.received.filter((m) => m.subject.includes(c.number));
        expect(byRecipient(mails)).toEqual([email(USERS.reviewerA)]);
        expect(mails[0]!.subject).toMatch(/^\[onegate\] Pengingat: /); // the more pressing of the two
        expect(mails[0]!.subject.endsWith('(terlambat)')).toBe(false);
        const notes = (await t2.get(`/api/cases/${c.id}/notifications`, USERS.auditor)).body;
        expect(notes.map((n: any) => n.kind)).toEqual(['reminder']);
      });
    });

    it('marks an agreement whose validUntil has passed expired, with no expiry reminder, and drops week-old news', async () => {
      // Several at once: each case's expiry step (which cancels its timers) races its reminders' firing.
      // Signed in a process that runs no timers (a command-line one), so that nothing of theirs ran
      // before the server starts, years later; in-process timers otherwise run on the app's clock.
      await t.restart({ role: 'cli' });
      const all = [];
      for (let i = 0; i < 4; i++) {
        const one = await submitted({ validFrom: '2030-10-01', validUntil: '2031-06-30' });
        await drive(one, [[USERS.secretariat, 'approve'], [USERS.reviewerA, 'approve'], [USERS.chair, 'approve'], [USERS.legal, 'approve'], [USERS.mayor, 'sign']]);
        all.push(one);
      }
      const c = all[0]!;
      const saved = clock.now();
      try {
        clock.set(new Date(saved.getTime() + 3 * 365 * DAY)); // found years later: the agreements ended long ago
        await t.restart();
        await runDue();
        for (const one of all) expect(await t.stageOf(one.id)).toBe('expired');
        for (const one of all) expect(mailsOf(one).filter((m) => /berakhir|Ditandatangani/.test(m.subject))).toEqual([]);
        // Neither the expiry reminders nor the signature's (now years old) news go out.
        expect(mailsOf(c).filter((m) => /berakhir|Ditandatangani/.test(m.subject))).toEqual([]);
        const timers = await t.db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: c.id, taskId: IsNull() }));
        expect(timers.filter((x) => x.kind === 'expiry_reminder').every((x) => x.status === 'cancelled')).toBe(true);
        const news = await t.db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: c.id, kind: 'notify' }));
        expect(news.find((x) => x.offset === 'case_signed')?.status).toBe('cancelled');
      } finally {
        clock.set(saved);
      }
    });
  });
});
