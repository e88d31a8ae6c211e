import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { In, MoreThan } from 'typeorm';
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
/** All of a task's reminders (and its assignment's news) are due at once when Redis is back: one mail per reviewer and case (contract §8). */
const MAILS = CASES * REVIEWERS.length;

/**
 * 10,000 reminder timers are pending and queued in Redis as jobs when Redis loses everything: FLUSHALL,
 * then SHUTDOWN NOSAVE and a fresh start, while the server (and a second worker process) keeps running.
 * Reconciliation (every ONEGATE_RECONCILE_SECONDS) hands every pending timer to the queue again; every
 * timer then fires exactly once and, since all of a task's reminders are due at that moment, its
 * reviewer gets exactly one mail for them (contract §8, no storms) from a real SMTP server. While the cases are seeded the timer
 * queue is paused (BullMQ's own pause, kept in Redis and so flushed with the rest), so that all 10,000
 * are still pending when Redis goes, however long seeding takes on a busy machine.
 */
describe('Redis flushed and restarted with 10,000 pending timers', () => {
  let env: FaultEnv;
  let api: ServerProcess;
  let worker: ServerProcess;
  let smtp: SmtpSink;
  let db: Database | null = null;
  let connection: Redis | null = null;
  let passed = false;

  beforeAll(async () => {
    env = await FaultEnv.create();
    env.extraUsers.push(...REVIEWERS);
    smtp = await new SmtpSink().start();
    console.log(`[faults] Redis restart on ${env.label}`);
    // Reminders 3 to 12 s after each task opens: all are due by the time Redis restarts.
    const sla = env.writeJson('sla.json', reminderSla(REMINDERS_PER_TASK, 3, 1));
    const common = { ONEGATE_SLA: sla, SMTP_URL: smtp.url, ONEGATE_RECONCILE_SECONDS: '2' };
    api = await env.server('api', common);
    worker = await env.server('worker', { ...common, ONEGATE_ROLE: 'worker' });
    await api.start();
    await worker.start();
  });
  afterAll(async () => {
    // Whatever happened, Redis is left running as CI starts it.
    await redis.start();
    connection?.disconnect();
    await db?.close();
    await env?.cleanup(!passed);
    await smtp?.stop();
  });

  it(`fires each of ${TIMERS} reminders exactly once after Redis loses every queued job, one mail per reviewer and case`, async () => {
    const t0 = Date.now();
    connection = new Redis(env.redisUrl!, { maxRetriesPerRequest: null });
    const timers = new Queue(QUEUES.timers, { connection: connection as unknown as ConnectionOptions, prefix: env.prefix });
    await timers.pause();
    const caseIds = await seedTechnicalReviews(env, api.baseUrl, CASES);
    const seeded = Date.now() - t0;
    db = await env.openDatabase();
    const pending = await db.read((em) => em.countBy(TIMER, { caseId: In(caseIds), kind: 'remind', status: 'pending' }));
    expect(pending).toBe(TIMERS);
    // Every one of them is a job in Redis (each commit hands its timers to the queue); wait until all are due.
    const queued = async () => Object.values(await timers.getJobCounts('delayed', 'waiting', 'prioritized')).reduce((a, b) => a + b, 0);
    let jobs = await queued();
    for (let i = 0; i < 100 && jobs < TIMERS; i++, await sleep(100)) jobs = await queued();
    expect(jobs).toBeGreaterThanOrEqual(TIMERS);
    while (await db.read((em) => em.existsBy(TIMER, { caseId: In(caseIds), kind: 'remind', status: 'pending', fireAt: MoreThan(new Date()) }))) await sleep(250);
    await timers.close();
    connection.disconnect();
    connection = null;

    // All of them still pending (the queue is paused) when Redis loses them.
    expect(await db.read((em) => em.countBy(TIMER, { caseId: In(caseIds), kind: 'remind', status: 'pending' }))).toBe(TIMERS);
    const tFlush = Date.now() - t0;
    try {
      // (Reconciliation may queue a few timers again between these two commands; the restart drops those too.)
      expect(await redis.cli('flushall')).toBe('OK');
      await redis.shutdown();
    } finally {
      await redis.start();
    }
    const tBack = Date.now() - t0;

    const outcome = await waitForReminders(db, caseIds, smtp, TIMERS, 480_000, MAILS);
    const tDone = Date.now() - t0;
    console.log(
      `[faults] Redis restart (${env.backend}): ${CASES} cases seeded in ${seeded} ms; ${jobs} timer jobs in Redis, all due, flushed at ${tFlush} ms, Redis back at ${tBack} ms; ` +
        `${outcome.fired}/${outcome.timers} timers fired, ${outcome.sent}/${outcome.deliveries} deliveries sent, ${outcome.received} mails received (${outcome.uniqueMessageIds} distinct Message-IDs) at ${tDone} ms`,
    );
    expect(outcome.problems).toEqual([]);
    expect(outcome).toMatchObject({ timers: TIMERS, fired: TIMERS, deliveries: MAILS, sent: MAILS, received: MAILS, uniqueMessageIds: MAILS });
    // Exactly one per reviewer and case, never two to one person for the same case.
    expect(new Set(smtp.received.map((m) => `${/KS-\d{4}-\d{4}/.exec(m.subject)?.[0]} ${m.to.join(',')}`)).size).toBe(MAILS);
    expect(api.starts + worker.starts).toBe(2);
    console.log(`[faults] timers fired by the API process ${api.count(/"context":"Timers".*"msg":"remind /)}, by the worker ${worker.count(/"context":"Timers".*"msg":"remind /)}`);
    passed = true;
  }, 600_000);
});
