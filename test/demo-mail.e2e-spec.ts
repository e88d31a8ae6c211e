import { In, LessThanOrEqual } from 'typeorm';
import { runDemo } from '../src/cli/demo.js';
import { SettableClock } from '../src/common/clock.js';
import { CASE, DELIVERY, TASK, TIMER, USER } from '../src/database/entities.js';
import type { CaseRow, DeliveryRow, TaskRow, TimerRow, UserRow } from '../src/database/rows.js';
import { LATE_AFTER_MS } from '../src/notifications/delivery.service.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { until } from './support/until.js';

const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'}, ${process.env.REDIS_URL ? 'BullMQ on Redis' : 'in-process queue'}`;

/**
 * Contract §8, "No storms": `onegate demo` loads years of history (Kota Jambi's 2017, all signed and long
 * expired; this year's cases, their deadlines passed while the demo "happened"). Started afterwards, the
 * server sends at most one mail per open task and recipient, and none for agreements already ended.
 */
describe(`demo on an empty installation, then the server starts (${backend}, real SMTP)`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new SettableClock();

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    // As `npm run onegate -- demo` runs: a command-line process that does no background work.
    t = await TestApp.start({ smtpUrl: smtp.url, role: 'cli' }, { clock });
    await runDemo(t.app, clock, 'Asia/Jakarta', () => {});
    clock.set(null);
    // Then `npm start`: the server's workers find every timer the history left behind.
    await t.restart({ role: 'all' });
    // The timers are all already due: run them (in-process, done when this resolves), then, on Redis,
    // wait for the workers until no timer is due, no mail waits and no job is queued or running.
    await t.runDue();
    await until(
      async () => {
        const queue = (await t.get('/api/health')).body.queue;
        return t.db.read(async (em) => [
          await em.countBy(TIMER, { status: 'pending', fireAt: LessThanOrEqual(new Date()) }),
          await em.countBy(DELIVERY, { status: In(['pending', 'sending']) }),
          queue.waiting + queue.active,
        ]);
      },
      (counts) => counts.every((n) => n === 0),
      60_000,
    );
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await smtp?.stop();
  });

  it('expires the ended agreements without an expiry reminder and says nothing of history', async () => {
    const cases = await t.db.read((em) => em.find<CaseRow>(CASE, {}));
    const of2017 = cases.filter((c) => c.number.startsWith('KS-2017-'));
    expect(of2017).toHaveLength(23);
    expect(of2017.every((c) => c.stage === 'expired')).toBe(true);
    const deliveries = await t.db.read((em) => em.find<DeliveryRow>(DELIVERY, {}));
    expect(deliveries.filter((d) => d.kind === 'expiry_reminder')).toEqual([]);
    expect(smtp.received.filter((m) => m.subject.includes('KS-2017-'))).toEqual([]);
    // Nor of this year's closed cases (rejected, withdrawn): that news is weeks old.
    expect(deliveries.filter((d) => ['case_rejected', 'case_signed', 'revision_requested'].includes(d.kind))).toEqual([]);
  });

  it('sends at most one mail per open task and recipient, each about an open task, marked late when its moment is past', async () => {
    const [openTasks, users, cases, deliveries, timers] = await t.db.read(async (em) => [
      await em.findBy<TaskRow>(TASK, { status: 'open' }),
      await em.find<UserRow>(USER, {}),
      await em.find<CaseRow>(CASE, {}),
      await em.find<DeliveryRow>(DELIVERY, {}),
      await em.find<TimerRow>(TIMER, {}),
    ]);
    const timerOf = new Map(timers.map((x) => [x.id, x]));
    expect(smtp.received.length).toBeGreaterThan(0);
    console.log(`demo: ${smtp.received.length} mails for ${openTasks.length} open tasks`);
    const byNumber = new Map(cases.map((c) => [c.number, c]));
    const seen = new Set<string>();
    for (const mail of smtp.received) {
      const number = /KS-\d{4}-\d{4}/.exec(mail.subject)![0];
      const c = byNumber.get(number)!;
      const tasks = openTasks.filter((x) => x.caseId === c.id);
      expect([number, tasks.length > 0]).toEqual([number, true]);
      // The people a task's deadlines may reach: its holder or role, their supervisors, the TKKSD chair.
      const holders = tasks.flatMap((x) => users.filter((u) => (x.assigneeId ? u.id === x.assigneeId : u.roles.includes(x.role))));
      const reachable = new Set([...holders, ...users.filter((u) => holders.some((h) => h.supervisorId === u.id) || u.roles.includes('tkksd_chair'))].map((u) => u.email));
      for (const to of mail.to) {
        expect([number, to, reachable.has(to)]).toEqual([number, to, true]);
        const key = `${number} ${to}`;
        expect([key, seen.has(key)]).toEqual([key, false]);
        seen.add(key);
      }
      // Late when sent more than LATE_AFTER_MS after its moment: the demo's history is (its deadlines
      // passed while it "happened"), but a reminder whose moment is the present is on time.
      const delivery = deliveries.find((d) => d.subject === mail.subject && mail.to.includes(d.recipientEmail))!;
      const lateBy = delivery.createdAt.getTime() - timerOf.get(delivery.timerId)!.fireAt.getTime();
      expect([mail.subject, mail.subject.endsWith('(terlambat)')]).toEqual([mail.subject, lateBy > LATE_AFTER_MS]);
    }
    expect(smtp.received.filter((m) => m.subject.endsWith('(terlambat)')).length).toBeGreaterThan(smtp.received.length / 2);
  });
});
