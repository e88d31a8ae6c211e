import { TimerActions } from './timer-actions.js';
import { SettableClock } from '../common/clock.js';
import { DomainError } from '../common/errors.js';
import type { Database } from '../database/database.js';
import type { TimerRow } from '../database/rows.js';
import type { Engine } from '../engine/engine.js';
import type { Metrics } from '../metrics/metrics.js';
import type { DeliveryService } from '../notifications/delivery.service.js';
import type { Scheduler } from './queue-catalogue.js';
import { TimerHandler } from './timer-handler.js';

const NOW = new Date('2026-12-03T03:00:00Z');

const aTimer = (over: Partial<TimerRow> = {}): TimerRow => ({
  id: 'timer-1', caseId: 'case-1', taskId: null, kind: 'expire', idx: 0, offset: '2026-12-02', fireAt: NOW, dueAt: NOW,
  status: 'pending', createdAt: NOW, settledAt: null, ...over,
});

/**
 * The handler with in-memory fakes (no Nest, no database): one timers table, an engine that answers
 * as told, a scheduler and metrics that record. Enough for its decisions before and around the step.
 */
function setUp(timer: TimerRow | null, engineStep: () => Promise<unknown> = async () => ({})) {
  const timers = new Map(timer ? [[timer.id, { ...timer }]] : []);
  const em = {
    findOneBy: async (_entity: string, where: { id: string }) => timers.get(where.id) ?? null,
    update: async (_entity: string, where: Partial<TimerRow>, set: Partial<TimerRow>) => {
      const row = timers.get(where.id!);
      if (!row || Object.entries(where).some(([k, v]) => row[k as keyof TimerRow] !== v)) return { affected: 0 };
      Object.assign(row, set);
      return { affected: 1 };
    },
  };
  const db = { read: (fn: (e: typeof em) => unknown) => fn(em), transaction: (fn: (e: typeof em) => unknown) => fn(em) } as unknown as Database;
  const steps: unknown[] = [];
  const engine = { step: async (cmd: unknown) => (steps.push(cmd), engineStep()) } as unknown as Engine;
  const rescheduled: { id: string; fireAt: Date }[][] = [];
  const scheduler = { scheduleTimers: async (t: { id: string; fireAt: Date }[]) => void rescheduled.push(t), enqueueMail: async () => {} } as unknown as Scheduler;
  const observed: number[] = [];
  const metrics = { timerLateness: { observe: (_l: unknown, seconds: number) => void observed.push(seconds) } } as unknown as Metrics;
  const clock = new SettableClock();
  clock.set(NOW);
  const handler = new TimerHandler(db, clock, engine, {} as DeliveryService, scheduler, metrics, new TimerActions());
  return { handler, clock, timers, steps, rescheduled, observed };
}

describe('TimerHandler', () => {
  it('does nothing for a timer that is gone, fired or cancelled (a duplicate or stale job)', async () => {
    for (const timer of [null, aTimer({ status: 'fired' }), aTimer({ status: 'cancelled' })]) {
      const s = setUp(timer);
      await s.handler.fire('timer-1');
      expect([s.steps, s.rescheduled]).toEqual([[], []]);
    }
  });

  it('puts back a job that came more than a second early on its clock, and runs one less than a second early', async () => {
    const early = setUp(aTimer({ fireAt: new Date(NOW.getTime() + 1001) }));
    await early.handler.fire('timer-1');
    expect(early.steps).toEqual([]);
    expect(early.rescheduled.map((t) => t.map((x) => x.id))).toEqual([['timer-1']]);
    const skewed = setUp(aTimer({ fireAt: new Date(NOW.getTime() + 900) }));
    await skewed.handler.fire('timer-1');
    expect(skewed.steps).toHaveLength(1);
    expect(skewed.rescheduled).toEqual([]);
  });

  it("expires an agreement as an ordinary step by the system, and records how late the timer fired", async () => {
    const s = setUp(aTimer({ fireAt: new Date(NOW.getTime() - 90_000) }));
    await s.handler.fire('timer-1');
    expect(s.steps).toEqual([expect.objectContaining({ caseId: 'case-1', actor: expect.objectContaining({ id: 'system' }) })]);
    expect(s.observed).toEqual([90]);
  });

  it('cancels the timer when its case can no longer take the event (InvalidTransition), and lets other errors through', async () => {
    const refused = setUp(aTimer(), async () => Promise.reject(new DomainError('InvalidTransition', 'case is terminated')));
    await refused.handler.fire('timer-1');
    expect(refused.timers.get('timer-1')).toMatchObject({ status: 'cancelled', settledAt: NOW });
    expect(refused.observed).toEqual([]);
    const failing = setUp(aTimer(), async () => Promise.reject(new Error('database went away')));
    await expect(failing.handler.fire('timer-1')).rejects.toThrow('database went away');
    expect(failing.timers.get('timer-1')).toMatchObject({ status: 'pending' }); // left for the job's retry
  });
});
