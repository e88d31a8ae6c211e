import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettableClock } from '../src/common/clock.js';
import { zonedInstant } from '../src/common/time-zone.js';
import { DIGEST } from '../src/database/entities.js';
import type { DigestRow } from '../src/database/rows.js';
import { DigestService } from '../src/notifications/digest.service.js';
import { SmtpSink, type ReceivedMail } from './support/smtp-sink.js';
import { TestApp, USERS } from './support/test-app.js';
import { settleAll } from './support/settled.js';

const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'}, ${process.env.REDIS_URL ? 'BullMQ on Redis' : 'in-process queue'}`;
const MINUTE = 60_000;
const wib = (y: number, m: number, d: number, h: number, min = 0) => new Date(zonedInstant(y, m, d, 'Asia/Jakarta', h).getTime() + min * MINUTE);

/**
 * Contract §12's morning digest: a user with `digest: "daily"` gets one e-mail at 07:30 WIB on working
 * days listing their open tasks, overdue first, instead of separate reminders; their escalations still
 * go at once. The app's clock is moved by the test (years ahead of real time, so nothing fires by itself).
 * Technical review: due 3 h after it opens, reminded 2 h before, escalated 1 h after.
 */
describe(`morning digest (${backend}, real SMTP, moved clock)`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new SettableClock();
  const ttA = `${USERS.reviewerA.id}@jambikota.go.id`;
  const ttB = `${USERS.reviewerB.id}@jambikota.go.id`;
  const sekda = `${USERS.chair.id}@jambikota.go.id`;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const dir = mkdtempSync(join(tmpdir(), 'onegate-digest-sla-'));
    const slaFile = join(dir, 'sla.json');
    writeFileSync(slaFile, JSON.stringify({ technical_review: { due: 'PT3H', remind: ['PT2H'], escalate: ['PT1H'] } }));
    clock.set(wib(2030, 9, 2, 9)); // Monday 2 September 2030, 09:00 WIB
    t = await TestApp.start({ smtpUrl: smtp.url, slaFile }, { clock });
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.stop();
  });

  const settled = () => settleAll(t, clock);

  /** Sets the clock to `at` and runs what is due by it (timers, mail, the digest), until it has all run. */
  async function at(when: Date): Promise<void> {
    clock.set(when);
    await t.runDue();
    await settled();
  }

  async function atTechnicalReview(claimedBy?: keyof typeof USERS): Promise<{ id: string; number: string; taskId: string }> {
    const c = await t.createCase();
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    const res = await t.decide(c.id, USERS.secretariat, 'approve');
    expect(res.body.case.stage).toBe('technical_review');
    const taskId = res.body.case.openTasks[0].id;
    if (claimedBy) expect((await t.post(`/api/tasks/${taskId}/claim`, USERS[claimedBy])).status).toBe(200);
    return { id: c.id, number: c.number, taskId };
  }

  const digestsTo = (address: string): ReceivedMail[] => smtp.to(address).filter((m) => m.subject.startsWith('[onegate] Ringkasan tugas'));
  const about = (address: string, c: { number: string }) => smtp.to(address).filter((m) => m.subject.includes(c.number));
  const digestRows = () => t.db.read((em) => em.find<DigestRow>(DIGEST, { order: { localDate: 'ASC', userId: 'ASC' } }));

  it('sends a digest user no separate reminder, still escalates at once, and lists their open tasks at 07:30, overdue first, once', async () => {
    expect((await t.request('PUT', '/api/profile', { as: USERS.reviewerA, body: { digest: 'daily' } })).body.digest).toBe('daily');
    // Monday 09:00: A opens, claimed by tt-a (a digest user), due 12:00.
    const a = await atTechnicalReview('reviewerA');
    await at(wib(2030, 9, 2, 10)); // A's reminder falls due
    expect(about(ttA, a)).toEqual([]);
    await at(wib(2030, 9, 2, 13)); // A's escalation: the supervisor hears at once
    expect(about(sekda, a).map((m) => m.subject)).toEqual([expect.stringMatching(/^\[onegate\] Terlambat/)]);
    // Nothing for tt-a: no reminder, and no digest today (the setting came after this morning's 07:30).
    expect(smtp.to(ttA)).toEqual([]);
    expect((await t.get(`/api/cases/${a.id}/notifications`, USERS.auditor)).body.map((n: any) => `${n.kind} ${n.to}`)).toEqual([`escalation ${sekda}`]);

    // Tuesday 07:00: B opens unclaimed (every technical reviewer may take it), due 10:00.
    clock.set(wib(2030, 9, 3, 7));
    const b = await atTechnicalReview();
    await at(wib(2030, 9, 3, 7, 29));
    expect(digestsTo(ttA)).toEqual([]);
    await at(wib(2030, 9, 3, 7, 30));
    const [digest] = digestsTo(ttA);
    expect(digestsTo(ttA)).toHaveLength(1);
    expect(digest!.subject).toBe('[onegate] Ringkasan tugas Selasa, 3 September 2030: 2 tugas, 1 terlambat');
    const text = digest!.text;
    expect(text).toContain(`Yth. ${USERS.reviewerA.name},`);
    expect(text).toContain('per Selasa, 3 September 2030 pukul 07.30 WIB');
    // Overdue first, then by due time, each with its case, stage, local due time and link.
    const order = [text.indexOf('TERLAMBAT'), text.indexOf(a.number), text.indexOf('Belum jatuh tempo'), text.indexOf(b.number)];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(text).toContain(`Batas waktu: Senin, 2 September 2030 pukul 12.00 WIB`);
    expect(text).toContain(`Batas waktu: Selasa, 3 September 2030 pukul 10.00 WIB`);
    expect(text).toContain(`Buka tugas: http://onegate.test/tasks/${a.taskId}`);
    expect(text).toContain(`Buka tugas: http://onegate.test/tasks/${b.taskId}`);
    expect(text).toMatch(/Kajian Tim Teknis/);
    // A user without the digest gets none.
    expect(digestsTo(ttB)).toEqual([]);
    // Later the same morning: still one.
    await at(wib(2030, 9, 3, 7, 45));
    expect(digestsTo(ttA)).toHaveLength(1);
    // B's reminder (08:00) goes to tt-b on its own, not to tt-a, whose digest listed it.
    await at(wib(2030, 9, 3, 8));
    expect(about(ttB, b).map((m) => m.subject)).toEqual([expect.stringMatching(/^\[onegate\] Pengingat/)]);
    expect(about(ttA, b)).toEqual([]);
    expect((await digestRows()).map((r) => `${r.localDate} ${r.userId} ${r.status} ${r.taskCount} ${r.overdueCount}`)).toEqual([`2030-09-03 ${USERS.reviewerA.id} sent 2 1`]);
  });

  it('sends none on a weekend or an Indonesian public holiday, and the next working morning again', async () => {
    await at(wib(2030, 9, 7, 7, 30)); // Saturday
    await at(wib(2030, 9, 8, 7, 30)); // Sunday
    expect(digestsTo(ttA)).toHaveLength(1);
    await at(wib(2030, 9, 9, 7, 30)); // Monday
    expect(digestsTo(ttA)).toHaveLength(2);
    expect(digestsTo(ttA)[1]!.subject).toBe('[onegate] Ringkasan tugas Senin, 9 September 2030: 2 tugas, 2 terlambat');
    await at(wib(2030, 12, 25, 7, 30)); // Christmas, a Wednesday
    expect(digestsTo(ttA)).toHaveLength(2);
    await at(wib(2030, 12, 26, 7, 30)); // Thursday
    expect(digestsTo(ttA)).toHaveLength(3);
    const dates = (await digestRows()).map((r) => r.localDate);
    expect(dates).not.toContain('2030-09-07');
    expect(dates).not.toContain('2030-09-08');
    expect(dates).not.toContain('2030-12-25');
  });

  it('sends nothing to a digest user with no open task', async () => {
    await t.request('PUT', '/api/profile', { as: USERS.legal, body: { digest: 'daily' } });
    await at(wib(2030, 12, 27, 7, 30)); // Friday
    expect(digestsTo(`${USERS.legal.id}@jambikota.go.id`)).toEqual([]);
    expect((await digestRows()).find((r) => r.userId === USERS.legal.id && r.localDate === '2030-12-27')).toMatchObject({ status: 'empty', taskCount: 0 });
  });

  it('sends one digest when two workers reach 07:30 at once', async () => {
    const second = await t.sibling();
    try {
      clock.set(wib(2030, 12, 30, 7, 30)); // Monday
      const [first, other] = [t.app.get(DigestService), second.get(DigestService)];
      if (process.env.DATABASE_URL) await Promise.all([first.sendDue(), other.sendDue(), first.sendDue()]);
      else {
        // Two apps on one SQLite file in one Node thread: better-sqlite3 waits for a lock synchronously, so
        // their overlapping transactions would block each other (not so for two processes). One app's
        // rounds at once, then the other's.
        await Promise.all([first.sendDue(), first.sendDue()]);
        await other.sendDue();
      }
      await settled();
      expect(digestsTo(ttA).filter((m) => m.subject.includes('30 Desember 2030'))).toHaveLength(1);
      expect((await digestRows()).filter((r) => r.localDate === '2030-12-30' && r.userId === USERS.reviewerA.id).map((r) => r.status)).toEqual(['sent']);
    } finally {
      await second.close();
    }
  });

  it('starts a setting made after 07:30 on the next working morning, and sends none to a deactivated user', async () => {
    const dprd = USERS.dprd.id;
    const rowOn = async (userId: string, date: string) => (await digestRows()).find((r) => r.userId === userId && r.localDate === date);
    clock.set(wib(2031, 1, 6, 9)); // Monday 09:00, after this morning's digests
    expect((await t.request('PUT', '/api/profile', { as: USERS.dprd, body: { digest: 'daily' } })).status).toBe(200);
    await at(wib(2031, 1, 6, 10));
    expect(await rowOn(dprd, '2031-01-06')).toBeUndefined();
    expect(await rowOn(USERS.legal.id, '2031-01-06')).toBeDefined();
    await at(wib(2031, 1, 7, 7, 30)); // Tuesday
    expect(await rowOn(dprd, '2031-01-07')).toBeDefined();
    clock.set(wib(2031, 1, 7, 9));
    expect((await t.request('PUT', `/api/users/${dprd}`, { as: USERS.admin, body: { active: false } })).status).toBe(200);
    await at(wib(2031, 1, 8, 7, 30)); // Wednesday
    expect(await rowOn(dprd, '2031-01-08')).toBeUndefined();
    expect(await rowOn(USERS.legal.id, '2031-01-08')).toBeDefined();
    expect((await t.request('PUT', `/api/users/${dprd}`, { as: USERS.admin, body: { active: true } })).status).toBe(200);
  });
});
