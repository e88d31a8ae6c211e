import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsNull } from 'typeorm';
import { createApp } from '../src/app.js';
import { SettableClock } from '../src/common/clock.js';
import { ConfigError } from '../src/config/app-config.js';
import { TimerHandler } from '../src/deadlines/timer-handler.js';
import { TIMER } from '../src/database/entities.js';
import type { TimerRow } from '../src/database/rows.js';
import { SmtpSink } from './support/smtp-sink.js';
import { terminate } from './support/agreements.js';
import { TestApp, USERS, type TestUser } from './support/test-app.js';
import { until } from './support/until.js';

const mode = process.env.REDIS_URL ? 'BullMQ on Redis' : 'in-process';
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A clock standing at the real time now, for the test to move. */
function clockAtNow(): SettableClock {
  const clock = new SettableClock();
  clock.set(new Date());
  return clock;
}

function writeJson(name: string, value: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'onegate-cfg-')), name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe(`deadline actions: deemed approval, agreement expiry, roles (${mode})`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = clockAtNow();

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    // DPRD silence counts as approval after 2 h: off by default, switched on here as a city would by ONEGATE_SLA.
    const slaFile = writeJson('sla.json', { dprd_approval: { due: 'PT1H', remind: [], escalate: [], onExpiry: { action: 'approve', after: 'PT2H' } }, expiryReminderDays: [30, 0] });
    t = await TestApp.start({ smtpUrl: smtp.url, slaFile }, { clock });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  async function drive(body: Record<string, unknown>, to: string): Promise<any> {
    const c = await t.createCase(body);
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    const steps: [string, TestUser, string][] = [
      ['administrative_check', USERS.secretariat, 'approve'],
      ['technical_review', USERS.reviewerA, 'approve'],
      ['tkksd_coordination', USERS.chair, 'approve'],
      ['legal_review', USERS.legal, 'approve'],
      ['mayor_signature', USERS.mayor, 'sign'],
    ];
    for (const [stage, user, decision] of steps) {
      if ((await t.stageOf(c.id)) === to) break;
      expect(await t.stageOf(c.id)).toBe(stage);
      expect((await t.decide(c.id, user, decision)).status).toBe(200);
    }
    return c;
  }

  it('treats DPRD silence as approval after the configured period, recorded as an event by the system', async () => {
    const c = await drive({ instrument: 'pks', partner: { name: 'PT Jambi Mandiri', category: 'third_party' }, requiresDprdApproval: true }, 'dprd_approval');
    expect(await t.stageOf(c.id)).toBe('dprd_approval');
    await t.advance(2 * HOUR - 60_000);
    expect(await t.stageOf(c.id)).toBe('dprd_approval'); // a minute before: still waiting for DPRD
    await t.advance(60_000);
    const stage = await until(() => t.stageOf(c.id), (s) => s === 'mayor_signature');
    expect(stage).toBe('mayor_signature');
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
    expect(history.at(-1)).toMatchObject({ type: 'TASK_DEEMED_APPROVED', actor: { id: 'system', roles: [] }, stageBefore: 'dprd_approval', stageAfter: 'mayor_signature', data: { decision: 'approve' } });
    expect(history.at(-1).data.comment).toMatch(/deemed approved.*PT2H/);
    expect((await t.get(`/api/audit/verify?caseId=${c.id}`, USERS.auditor)).body.ok).toBe(true);
  });

  it('does not deem approval when DPRD decided in time', async () => {
    const c = await drive({ instrument: 'pks', partner: { name: 'PT Jambi Mandiri', category: 'third_party' }, requiresDprdApproval: true }, 'dprd_approval');
    const dprdTask = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.openTasks[0];
    expect((await t.decide(c.id, USERS.dprd, 'approve', { comment: 'Disetujui rapat paripurna' })).status).toBe(200);
    // The decision cancels the deemed-approval timer in its own transaction; it never fires.
    const timer = await t.db.read((em) => em.findOneByOrFail<TimerRow>(TIMER, { taskId: dprdTask.id, kind: 'deemed_approval' }));
    expect(timer.status).toBe('cancelled');
    await t.advance(3 * HOUR);
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
    expect(history.filter((e: any) => e.stageBefore === 'dprd_approval').map((e: any) => `${e.type} ${e.actor.id}`)).toEqual(['TASK_COMPLETED dprd-1']);
    expect(await t.stageOf(c.id)).toBe('mayor_signature');
  });

  it('plans expiry reminders and the expiry when an agreement is signed; both fire when their time comes', async () => {
    const validUntil = new Date(clock.now().getTime() + 40 * DAY).toISOString().slice(0, 10);
    const c = await drive({ validFrom: '2026-01-01', validUntil }, 'signed');
    expect(await t.stageOf(c.id)).toBe('signed');
    // The signature's own news (case_signed, due at once) goes first: were it still pending when the
    // reminder arrives, the proposer would rightly get one mail for that moment, not two (contract §8).
    const pendingNews = () => t.db.read((em) => em.countBy<TimerRow>(TIMER, { caseId: c.id, kind: 'notify', status: 'pending' }));
    await t.runDue();
    expect(await until(pendingNews, (n) => n === 0)).toBe(0);
    const timers = await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { caseId: c.id, taskId: IsNull() }, order: { fireAt: 'ASC' } }));
    expect(timers.map((x) => `${x.kind}:${x.idx}`)).toEqual(['expiry_reminder:30', 'expiry_reminder:0', 'expire:0']);
    // 07:00 in Jakarta on validUntil − 30 days; the expiry at 00:00 after validUntil.
    const [y, m, d] = validUntil.split('-').map(Number) as [number, number, number];
    expect(timers[0]!.fireAt.toISOString()).toBe(new Date(Date.UTC(y, m - 1, d - 30, 0)).toISOString());
    expect(timers[2]!.fireAt.toISOString()).toBe(new Date(Date.UTC(y, m - 1, d + 1, -7)).toISOString());

    // The clock moves to each timer's time; the queue's job for it runs then.
    const arrive = (timer: TimerRow) => t.advance(timer.fireAt.getTime() - clock.now().getTime());
    expect(await t.app.get(TimerHandler).fire(timers[0]!.id)).toBeUndefined(); // a job early: put back, nothing sent
    expect((await t.db.read((em) => em.findOneByOrFail<TimerRow>(TIMER, { id: timers[0]!.id }))).status).toBe('pending');
    await arrive(timers[0]!);
    const expiryOf = () => smtp.received.filter((x) => x.subject.includes(`${c.number} berakhir`));
    await until(async () => expiryOf().length, (n) => n >= 3);
    const expiryMails = expiryOf();
    expect(expiryMails.map((x) => x.to.join(',')).sort()).toEqual(['opd-1@jambikota.go.id', 'sec-1@jambikota.go.id', 'sec-2@jambikota.go.id']);
    expect(expiryMails[0]!.subject).toContain('dalam 30 hari');

    await arrive(timers[2]!);
    expect(await until(() => t.stageOf(c.id), (s) => s === 'expired')).toBe('expired');
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
    expect(history.at(-1)).toMatchObject({ type: 'EXPIRE', actor: { id: 'system' }, stageBefore: 'signed', stageAfter: 'expired' });
    const left = await t.db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: c.id, status: 'pending' }));
    expect(left).toEqual([]);
  });

  it('cancels an agreement’s expiry timers when it is terminated early', async () => {
    const validUntil = new Date(clock.now().getTime() + 400 * DAY).toISOString().slice(0, 10);
    const c = await drive({ validUntil }, 'signed');
    expect((await terminate(t, c.id)).status).toBe(201);
    const timers = await t.db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: c.id, taskId: IsNull() }));
    expect(timers.length).toBeGreaterThan(0);
    expect(timers.every((x) => x.status === 'cancelled')).toBe(true);
  });

  it('reports the queue in /api/health', async () => {
    const h = await t.get('/api/health');
    expect(h.status).toBe(200);
    expect(h.body.queue).toMatchObject({ kind: process.env.REDIS_URL ? 'redis' : 'in-process', status: 'ok', delayed: expect.any(Number) });
  });

  it(
    process.env.REDIS_URL
      ? 'leaves timers to worker processes when the API runs as ONEGATE_ROLE=api, and a worker then runs them'
      : 'still runs timers in-process when ONEGATE_ROLE=api has no Redis to hand them to',
    async () => {
      // A separate installation (own database and queues) with only an API process at first.
      const api = await TestApp.start({ role: 'api', slaFile: t.config.slaFile, smtpUrl: smtp.url }, { clock: clockAtNow() });
      let worker: Awaited<ReturnType<TestApp['sibling']>> | null = null;
      try {
        const c = await api.createCase({ instrument: 'pks', partner: { name: 'PT Parkir', category: 'third_party' }, requiresDprdApproval: true });
        await api.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
        for (const [user, decision] of [[USERS.secretariat, 'approve'], [USERS.reviewerA, 'approve'], [USERS.chair, 'approve'], [USERS.legal, 'approve']] as const) {
          expect((await api.decide(c.id, user, decision)).status).toBe(200);
        }
        expect(await api.stageOf(c.id)).toBe('dprd_approval');
        await api.advance(3 * HOUR); // past the 2 h deemed approval
        if (process.env.REDIS_URL) {
          expect(await api.stageOf(c.id)).toBe('dprd_approval'); // the API process does not run timers
          const { queue } = (await api.get('/api/health')).body;
          expect(queue.waiting + queue.delayed).toBeGreaterThanOrEqual(1); // the job waits in Redis for a worker
          worker = await api.sibling({ role: 'worker' });
          await api.runDue(); // the worker takes the job that is due by the clock
        }
        expect(await until(() => api.stageOf(c.id), (s) => s === 'mayor_signature')).toBe('mayor_signature');
      } finally {
        await worker?.close();
        await api.stop();
      }
    },
  );

  it('writes mail as .eml files under data/mail when no SMTP_URL is set', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const sla = writeJson('sla-eml.json', { administrative_check: { due: 'PT2H', remind: ['PT1H'], escalate: [] } });
    const local = await TestApp.start({ slaFile: sla, smtpUrl: null }, { clock: clockAtNow() });
    try {
      const c = await local.createCase();
      await local.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
      await local.advance(HOUR);
      const dir = join(local.config.dataDir, 'mail');
      const files = await until(
        async () => {
          try {
            return readdirSync(dir).filter((f) => f.endsWith('.eml'));
          } catch {
            return [];
          }
        },
        (f) => f.length >= 2,
      );
      const mails = files.map((f) => readFileSync(join(dir, f), 'utf8'));
      expect(mails.map((m) => /^To: (.*)$/m.exec(m)![1]).sort()).toEqual(['sec-1@jambikota.go.id', 'sec-2@jambikota.go.id']);
      expect(mails[0]).toMatch(/^Subject: .*KS-\d{4}-\d{4}/m);
      // The file is written before the delivery is recorded as sent: wait for the record.
      const statuses = await until(async () => (await local.get(`/api/cases/${c.id}/notifications`, USERS.auditor)).body.map((n: any) => n.status), (s: string[]) => s.length === 2 && s.every((x) => x === 'sent'));
      expect(statuses).toEqual(['sent', 'sent']);
    } finally {
      await local.stop();
    }
  });

  it('refuses to start with a malformed ONEGATE_SLA or ONEGATE_HOLIDAYS, naming file, key and value', async () => {
    const bad = writeJson('bad-sla.json', { technical_review: { due: 'P1M' } });
    await expect(createApp({ ...t.config, slaFile: bad }, { logger: false })).rejects.toThrow(ConfigError);
    await expect(createApp({ ...t.config, slaFile: bad }, { logger: false })).rejects.toThrow(/bad-sla\.json.*technical_review\.due.*P1M/);
    const unknownStage = writeJson('sla2.json', { drafting: { due: 'P1D' } });
    await expect(createApp({ ...t.config, slaFile: unknownStage }, { logger: false })).rejects.toThrow(/drafting/);
    const holidays = writeJson('holidays.json', ['2026-12-24', '2026-02-30']);
    await expect(createApp({ ...t.config, holidaysFile: holidays }, { logger: false })).rejects.toThrow(/holidays\.json.*2026-02-30/);
  });
});
