import { In, LessThanOrEqual } from 'typeorm';
import { runDemo } from '../src/cli/demo.js';
import { SettableClock } from '../src/common/clock.js';
import { CASE, DELIVERY, TASK, TIMER, USER } from '../src/database/entities.js';
import type { CaseRow, DeliveryRow, TaskRow, TimerRow, UserRow } from '../src/database/rows.js';
import { LATE_AFTER_MS } from '../src/notifications/delivery.service.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp, USERS } from './support/test-app.js';
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
    // Most ran five years; seven run ten (still in force, far from their end); one was ended early in 2019.
    const stages = of2017.reduce<Record<string, number>>((n, c) => ({ ...n, [c.stage]: (n[c.stage] ?? 0) + 1 }), {});
    expect(stages).toEqual({ expired: 15, signed: 7, terminated: 1 });
    const deliveries = await t.db.read((em) => em.find<DeliveryRow>(DELIVERY, {}));
    expect(deliveries.filter((d) => d.kind === 'expiry_reminder')).toEqual([]);
    expect(smtp.received.filter((m) => m.subject.includes('KS-2017-'))).toEqual([]);
    // Nor of this year's closed cases (rejected, withdrawn): that news is weeks old.
    expect(deliveries.filter((d) => ['case_rejected', 'case_signed', 'revision_requested'].includes(d.kind))).toEqual([]);
  });

  it('fills the register: the 2017 agreements by status, their entries completed but for a few, values on PKS only', async () => {
    const count = async (query: string) => (await t.get(`/api/agreements?${query}`, USERS.auditor)).body.total as number;
    expect(await count('year=2017')).toBe(23);
    // The seven ten-year ones, and the 2017 KB with BPJS Kesehatan's renewal of 2021.
    expect(await count('status=in_force')).toBe(8);
    expect(await count('year=2021')).toBe(1);
    expect(await count('status=expired')).toBe(15);
    expect(await count('status=terminated')).toBe(1);
    // Ten-year terms run to the end of the year after next: none is near its end.
    expect(await count('status=expiring')).toBe(0);
    const ended = (await t.get('/api/agreements?status=terminated', USERS.auditor)).body.items[0];
    expect(ended).toMatchObject({ title: 'PKS penyaluran kredit usaha mikro — Bank Rakyat Indonesia', status: 'terminated', partnerNumber: 'B.118/KC-JBI/07/2017', fields: ['koperasi_umkm'], value: { amount: 5_000_000_000, currency: 'IDR' } });
    const expired = (await t.get('/api/agreements?status=expired&q=payroll', USERS.auditor)).body.items;
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ signedPlace: 'Jambi', opds: ['Badan Pengelola Keuangan dan Aset Daerah'], signatories: [{ party: 'city', position: 'Wali Kota Jambi' }, { party: 'partner' }] });
    expect(expired[0].validUntil < new Date().toISOString().slice(0, 10)).toBe(true);
    // By field and agency, as the register page filters.
    expect(await count('field=kesehatan')).toBe(3);
    expect(await count(`opd=${encodeURIComponent('Dinas Lingkungan Hidup')}`)).toBe(2);
    // A few entries are left for the secretariat to complete: two without the partner's number, one not recorded at all.
    const incomplete = (await t.get('/api/agreements?incomplete=true', USERS.auditor)).body.items as { title: string; missing: string[] }[];
    expect(incomplete.map((a) => [a.title.split(' — ')[1], a.missing]).sort()).toEqual([
      ['Kabupaten Batanghari', ['partnerNumber']],
      ['Kabupaten Kerinci', ['partnerNumber', 'signedPlace', 'signatories', 'fields', 'opds']],
      ['Kabupaten Tanjung Jabung Timur', ['partnerNumber']],
    ]);
    const all = (await t.get('/api/agreements?limit=50', USERS.auditor)).body.items as { instrument: string; value: unknown }[];
    expect(all.filter((a) => a.instrument === 'kb' && a.value !== null)).toEqual([]);
    expect(all.filter((a) => a.instrument === 'pks' && a.value !== null).length).toBe(10);
    // The public registry shows them too, without the values.
    const pub = await t.get('/public/agreements?limit=50');
    expect(pub.body.total).toBe(24);
    expect(pub.text).not.toContain('5000000000');
  });

  it('has agreements at each point of life after signing (contract §10)', async () => {
    const find = async (q: string, status = '') => (await t.get(`/api/agreements?q=${encodeURIComponent(q)}${status}`, USERS.auditor)).body.items[0];
    const jkn = await t.get(`/api/agreements/${(await find('KB jaminan kesehatan nasional', '&year=2017')).id}`, USERS.auditor);
    const renewal = await find('KB jaminan kesehatan nasional', '&year=2021');
    expect(jkn.body).toMatchObject({ status: 'expired', renewedBy: renewal.id });
    expect((await t.get(`/api/cases/${renewal.id}`, USERS.auditor)).body).toMatchObject({ kind: 'renewal', parentCaseId: jkn.body.id, stage: 'signed' });
    const pbi = (await t.get(`/api/agreements/${(await find('PKS pelayanan kesehatan peserta JKN')).id}`, USERS.auditor)).body;
    expect(pbi.value).toMatchObject({ amount: 21_400_000_000, source: 'APBD Kota Jambi 2024' });
    expect(pbi.amendments).toEqual([expect.objectContaining({ stage: 'signed', changes: expect.objectContaining({ value: { from: expect.objectContaining({ amount: 18_600_000_000 }), to: expect.objectContaining({ amount: 21_400_000_000 }) } }) })]);
    const waste = (await t.get(`/api/agreements/${(await find('KB pengelolaan sampah regional')).id}/evaluations`, USERS.auditor)).body.items;
    expect(waste.filter((e: any) => e.status === 'done')).toEqual([expect.objectContaining({ rating: 4, recommendation: 'continue' })]);
    const pbb = (await t.get(`/api/agreements/${(await find('PKS penerimaan PBB melalui bank')).id}/evaluations`, USERS.auditor)).body.items;
    expect(pbb.filter((e: any) => e.status === 'open')).toHaveLength(1);
    const terminated = (await t.get('/api/agreements?status=terminated', USERS.auditor)).body.items[0];
    expect((await t.get(`/api/agreements/${terminated.id}`, USERS.auditor)).body).toMatchObject({ terminationGrounds: 'mutual_agreement', terminatedAt: '2019-09-16' });
    // The dashboard counts the evaluations under way and the overdue one.
    const dash = (await t.get('/api/reports/dashboard', USERS.secretariat)).body;
    expect(dash.evaluations.overdue).toBeGreaterThanOrEqual(1);
    expect(dash.evaluations.open).toBeGreaterThanOrEqual(dash.evaluations.overdue);
    const verify = (await t.get('/api/audit/verify', USERS.auditor)).body;
    expect(verify).toMatchObject({ ok: true, problems: [] });
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
      // An agreement's evaluation (EV-…, contract §10) that fell due is an open task too.
      const number = /(KS|EV)-\d{4}-\d{4}/.exec(mail.subject)![0];
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
