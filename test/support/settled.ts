import { In, LessThanOrEqual } from 'typeorm';
import { DELIVERY, TIMER } from '../../src/database/entities.js';
import type { TestApp } from './test-app.js';
import { until } from './until.js';

export interface SettleOptions {
  /**
   * `before`: run the due jobs once first; `each`: on every look (on Redis a step a worker ran after the
   * advance asks for news due at the app's now, ahead of real time, so its job's delay would run in real
   * time: runDue promotes it). Unset: never.
   */
  runDue?: 'before' | 'each';
  timeoutMs?: number;
}

/**
 * Nothing left to run by the clock: no due timer pending, no delivery unsent, no job waiting or running.
 * In-process that holds when `advance` resolves; on Redis it waits (bounded) for the workers.
 */
export async function settleAll(t: TestApp, clock: { now(): Date }, options: SettleOptions = {}): Promise<void> {
  if (options.runDue === 'before') await t.runDue();
  const idle = await until(
    async () => {
      if (options.runDue === 'each') await t.runDue();
      const queue = (await t.get('/api/health')).body.queue;
      const [timers, mails] = await t.db.read(async (em) => [
        await em.countBy(TIMER, { status: 'pending', fireAt: LessThanOrEqual(clock.now()) }),
        await em.countBy(DELIVERY, { status: In(['pending', 'sending']) }),
      ]);
      return { timers, mails, waiting: queue.waiting, active: queue.active };
    },
    (s) => s.timers === 0 && s.mails === 0 && s.waiting === 0 && s.active === 0,
    options.timeoutMs,
  );
  expect(idle).toEqual({ timers: 0, mails: 0, waiting: 0, active: 0 });
}
