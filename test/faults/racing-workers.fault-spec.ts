import type { Database } from '../../src/database/database.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { FaultEnv, REVIEWERS } from './support/fault-env.js';
import { reminderSla, seedTechnicalReviews, waitForReminders } from './support/reminders.js';
import type { ServerProcess } from './support/server-process.js';

const CASES = Number(process.env.FAULT_RACE_CASES ?? 5);
const REMINDERS_PER_TASK = 10;
const TIMERS = CASES * REVIEWERS.length * REMINDERS_PER_TASK;
const TASKS = CASES * REVIEWERS.length;

/**
 * An API process and two worker processes (ONEGATE_ROLE=worker) on the same queues: both take timer
 * and mail jobs, both reconcile every second (queueing again whatever is pending, also what the other
 * is working on), and job locks are short so a slow job may be taken back. No e-mail may arrive twice.
 * Each reviewer hears of their assignment and of each reminder; reminders that fall due together
 * (a worker behind by a second) are one mail for that moment (contract §8), so mails ≤ timers + tasks.
 */
describe('two worker processes racing over the same queue', () => {
  let env: FaultEnv;
  let api: ServerProcess;
  let workers: ServerProcess[] = [];
  let smtp: SmtpSink;
  let db: Database | null = null;
  let passed = false;

  beforeAll(async () => {
    env = await FaultEnv.create();
    env.extraUsers.push(...REVIEWERS);
    smtp = await new SmtpSink().start();
    console.log(`[faults] racing workers on ${env.label}`);
    const sla = env.writeJson('sla.json', reminderSla(REMINDERS_PER_TASK, 5, 1));
    const common = { ONEGATE_SLA: sla, SMTP_URL: smtp.url, ONEGATE_RECONCILE_SECONDS: '1', ONEGATE_QUEUE_LOCK_MS: '2000', ONEGATE_SMTP_TIMEOUT_MS: '2000' };
    api = await env.server('api', { ...common, ONEGATE_ROLE: 'api' });
    workers = [await env.server('worker-1', { ...common, ONEGATE_ROLE: 'worker' }), await env.server('worker-2', { ...common, ONEGATE_ROLE: 'worker' })];
    await api.start();
    await Promise.all(workers.map((w) => w.start()));
  });
  afterAll(async () => {
    await db?.close();
    await env?.cleanup(!passed);
    await smtp?.stop();
  });

  it(`fires each of ${TIMERS} due reminders once, with no Message-ID or recipient twice`, async () => {
    const t0 = Date.now();
    const caseIds = await seedTechnicalReviews(env, api.baseUrl, CASES);
    db = await env.openDatabase();
    // Part of the run with a slow SMTP server, so sends are in flight while the other worker reconciles.
    smtp.slow(150);
    setTimeout(() => smtp.accept(), 8000).unref();
    const outcome = await waitForReminders(db, caseIds, smtp, TIMERS, 180_000);
    const firedBy = workers.map((w) => w.count(/"context":"Timers".*"msg":"remind /));
    console.log(
      `[faults] racing workers (${env.backend}): ${outcome.fired}/${outcome.timers} timers fired (by worker: ${firedBy.join(' and ')}), ${outcome.sent}/${outcome.deliveries} deliveries sent, ${outcome.received} mails received, ${outcome.uniqueMessageIds} distinct Message-IDs, in ${Date.now() - t0} ms`,
    );
    expect(outcome.problems).toEqual([]);
    expect(outcome).toMatchObject({ timers: TIMERS, fired: TIMERS, sent: outcome.deliveries, received: outcome.deliveries, uniqueMessageIds: outcome.deliveries });
    expect(outcome.deliveries).toBeGreaterThanOrEqual(TASKS);
    expect(outcome.deliveries).toBeLessThanOrEqual(TIMERS + TASKS);
    const pairs = smtp.received.map((m) => `${m.messageId} ${m.to.join(',')}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    // Both workers really raced: each fired a fair share of the timers.
    for (const n of firedBy) expect(n).toBeGreaterThan(TIMERS / 10);
    expect(firedBy[0]! + firedBy[1]!).toBe(TIMERS);
    passed = true;
  });
});
