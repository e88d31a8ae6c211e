import { In } from 'typeorm';
import type { Database } from '../../src/database/database.js';
import { TIMER } from '../../src/database/entities.js';
import { QUEUES } from '../../src/deadlines/queue-catalogue.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { FaultEnv, REVIEWERS } from './support/fault-env.js';
import { reminderSla, seedTechnicalReviews, waitForReminders } from './support/reminders.js';
import { sleep, type ServerProcess } from './support/server-process.js';
import { redis } from './support/services.js';

const CASES = Number(process.env.FAULT_REDIS_CASES ?? 50);
const REMINDERS_PER_TASK = 10;
const TIMERS = CASES * REVIEWERS.length * REMINDERS_PER_TASK;

/**
 * 10,000 reminder timers are pending and queued in Redis as delayed jobs when Redis loses everything:
 * FLUSHALL, then SHUTDOWN NOSAVE and a fresh start, while the server keeps running. Reconciliation
 * (every ONEGATE_RECONCILE_SECONDS) hands every pending timer to the queue again; every reminder is
 * then e-mailed exactly once to a real SMTP server.
 */
describe('Redis flushed and restarted with 10,000 pending timers', () => {
  let env: FaultEnv;
  let api: ServerProcess;
  let smtp: SmtpSink;
  let db: Database | null = null;
  let passed = false;

  beforeAll(async () => {
    env = await FaultEnv.create();
    env.extraUsers.push(...REVIEWERS);
    smtp = await new SmtpSink().start();
    console.log(`[faults] Redis restart on ${env.label}`);
    // Reminders 20 to 38 s after each task opens: seeding and the Redis restart happen before the first.
    const sla = env.writeJson('sla.json', reminderSla(REMINDERS_PER_TASK, 20, 2));
    api = await env.server('api', { ONEGATE_SLA: sla, SMTP_URL: smtp.url, ONEGATE_RECONCILE_SECONDS: '2', ONEGATE_QUEUE_LOCK_MS: '5000' });
    await api.start();
  });
  afterAll(async () => {
    // Whatever happened, Redis is left running as CI starts it.
    await redis.start();
    await db?.close();
    await env?.cleanup(!passed);
    await smtp?.stop();
  });

  it(`sends each of ${TIMERS} reminders exactly once after Redis loses every queued job`, async () => {
    const t0 = Date.now();
    const caseIds = await seedTechnicalReviews(env, api.baseUrl, CASES);
    const seeded = Date.now() - t0;
    db = await env.openDatabase();
    const pending = await db.read((em) => em.countBy(TIMER, { caseId: In(caseIds), kind: 'remind', status: 'pending' }));
    expect(pending).toBe(TIMERS);
    // Every one of them is a delayed job in Redis now (each commit hands its timers to the queue).
    const delayedKey = `${env.prefix}:${QUEUES.timers}:delayed`;
    let delayed = 0;
    for (let i = 0; i < 50 && delayed < TIMERS; i++, await sleep(100)) delayed = Number(await redis.cli('zcard', delayedKey));
    expect(delayed).toBeGreaterThanOrEqual(TIMERS);

    const tFlush = Date.now() - t0;
    try {
      // (Reconciliation may queue a few timers again between these two commands; the restart drops those too.)
      expect(await redis.cli('flushall')).toBe('OK');
      await redis.shutdown();
    } finally {
      await redis.start();
    }
    const tBack = Date.now() - t0;
    const afterRestart = Number(await redis.cli('zcard', delayedKey));
    // Nothing fired while Redis was away: all of them were still pending when it lost them.
    expect(await db.read((em) => em.countBy(TIMER, { caseId: In(caseIds), kind: 'remind', status: 'pending' }))).toBe(TIMERS);

    const outcome = await waitForReminders(db, caseIds, smtp, TIMERS, 240_000);
    const tDone = Date.now() - t0;
    console.log(
      `[faults] Redis restart (${env.backend}): ${CASES} cases seeded in ${seeded} ms; ${delayed} delayed jobs in Redis, flushed at ${tFlush} ms, Redis back at ${tBack} ms with ${afterRestart} of them; ` +
        `${outcome.fired}/${outcome.timers} timers fired, ${outcome.sent}/${outcome.deliveries} deliveries sent, ${outcome.received} mails received (${outcome.uniqueMessageIds} distinct Message-IDs) at ${tDone} ms`,
    );
    expect(outcome.problems).toEqual([]);
    expect(outcome).toMatchObject({ timers: TIMERS, fired: TIMERS, deliveries: TIMERS, sent: TIMERS, received: TIMERS, uniqueMessageIds: TIMERS });
    expect(api.starts).toBe(1);
    passed = true;
  });
});
