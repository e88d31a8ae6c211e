import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { runInContext } from '../src/common/request-context.js';
import { BullMqScheduler } from '../src/deadlines/bullmq.scheduler.js';
import { deleteRedisKeys } from './support/test-app.js';

/**
 * The BullMQ adapter on a real Redis (the one CI and this machine run; REDIS_URL when set), under a key
 * prefix of its own: committed steps' fresh timers skip the EXISTS round trip and share one addBulk per
 * turn of the event loop; reconciliation's timers are still checked first.
 */
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HOUR = 3_600_000;

describe('BullMqScheduler on Redis', () => {
  const prefix = `onegate-test-sched-${randomUUID().slice(0, 8)}`;
  let scheduler: BullMqScheduler;
  let queue: Queue;
  let bulks: number[];

  beforeAll(() => {
    scheduler = new BullMqScheduler(url, { prefix });
    queue = (scheduler as unknown as { timers: Queue }).timers;
    const addBulk = queue.addBulk.bind(queue);
    jest.spyOn(queue, 'addBulk').mockImplementation(async (jobs) => {
      bulks.push(jobs.length);
      return addBulk(jobs);
    });
  });
  beforeEach(() => (bulks = []));
  afterAll(async () => {
    await scheduler.close();
    await deleteRedisKeys(url, `${prefix}:*`);
  });

  it("adds the fresh timers of steps committed together in one addBulk, each job with its request's id and delay", async () => {
    const at = (h: number) => new Date(Date.now() + h * HOUR);
    const steps = [
      { requestId: 'req-a', timers: [{ id: randomUUID(), fireAt: at(1) }, { id: randomUUID(), fireAt: at(2) }] },
      { requestId: 'req-b', timers: [{ id: randomUUID(), fireAt: at(3) }] },
      { requestId: 'req-c', timers: [{ id: randomUUID(), fireAt: at(4) }, { id: randomUUID(), fireAt: at(5) }] },
    ];
    let resolved = 0;
    await Promise.all(steps.map((s) => runInContext({ requestId: s.requestId }, () => scheduler.scheduleTimers(s.timers, { fresh: true }).then(() => resolved++))));
    expect(resolved).toBe(3);
    expect(bulks).toEqual([5]);
    for (const s of steps) {
      for (const t of s.timers) {
        // Each caller resolved only once its jobs were in Redis.
        const job = await queue.getJob(`timer-${t.id}`);
        expect(job?.data).toEqual({ timerId: t.id, requestId: s.requestId });
        expect(await job!.isDelayed()).toBe(true);
        expect(Math.abs(job!.timestamp + job!.opts.delay! - t.fireAt.getTime())).toBeLessThan(5_000);
      }
    }
    // A step in a later turn goes in a batch of its own.
    await scheduler.scheduleTimers([{ id: randomUUID(), fireAt: at(1) }], { fresh: true });
    expect(bulks).toEqual([5, 1]);
  });

  it('checks which timers already have a job when they are not fresh (reconciliation), adding only the missing ones', async () => {
    const kept = { id: randomUUID(), fireAt: new Date(Date.now() + HOUR) };
    await scheduler.scheduleTimers([kept], { fresh: true });
    const missing = { id: randomUUID(), fireAt: new Date(Date.now() + 2 * HOUR) };
    bulks = [];
    await scheduler.scheduleTimers([kept, missing]);
    expect(bulks).toEqual([1]);
    expect(await queue.getJob(`timer-${missing.id}`)).toBeDefined();
    bulks = [];
    await scheduler.scheduleTimers([kept, missing]);
    expect(bulks).toEqual([]);
  });

  it('does nothing for a step without timers', async () => {
    await scheduler.scheduleTimers([], { fresh: true });
    expect(bulks).toEqual([]);
  });
});
