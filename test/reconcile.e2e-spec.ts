import { randomUUID } from 'node:crypto';
import { TIMER } from '../src/database/entities.js';
import type { TimerRow } from '../src/database/rows.js';
import { DeadlinesService } from '../src/deadlines/deadlines.service.js';
import { SCHEDULER } from '../src/deadlines/deadlines.tokens.js';
import type { Scheduler } from '../src/deadlines/queue-catalogue.js';
import { TestApp } from './support/test-app.js';

describe('reconciliation hands every pending timer to the queue, a page at a time', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('schedules all 2,500 pending timers due within the horizon, soonest first, in pages, and none beyond it', async () => {
    const c = await t.createCase();
    const now = Date.now();
    // Many share one instant (reminders land on the same wall-clock time): paging must not skip ties.
    const rows: TimerRow[] = Array.from({ length: 2500 }, (_, i) => ({
      id: randomUUID(),
      caseId: c.id,
      taskId: null,
      kind: 'remind',
      idx: i,
      offset: 'P1D',
      fireAt: new Date(now + 3_600_000 + Math.floor(i / 700) * 60_000),
      dueAt: null,
      status: 'pending',
      createdAt: new Date(now),
      settledAt: null,
    }));
    const beyond = { ...rows[0]!, id: randomUUID(), idx: 9999, fireAt: new Date(now + 30 * 86_400_000) };
    const settled = { ...rows[0]!, id: randomUUID(), idx: 9998, status: 'fired' as TimerRow['status'] };
    await t.db.transaction(async (em) => {
      for (let i = 0; i < rows.length; i += 500) await em.insert(TIMER, rows.slice(i, i + 500));
      await em.insert(TIMER, [beyond, settled]);
    });
    const scheduler = t.app.get<Scheduler>(SCHEDULER);
    const calls: { id: string; fireAt: Date }[][] = [];
    const spy = jest.spyOn(scheduler, 'scheduleTimers').mockImplementation(async (timers) => void calls.push([...timers]));
    try {
      await t.app.get(DeadlinesService).reconcile();
    } finally {
      spy.mockRestore();
    }
    const ours = new Set(rows.map((r) => r.id));
    const scheduledOurs = calls.flat().filter((x) => ours.has(x.id));
    expect(new Set(scheduledOurs.map((x) => x.id)).size).toBe(2500);
    expect(scheduledOurs).toHaveLength(2500);
    expect(calls.flat().map((x) => x.id)).not.toContain(beyond.id);
    expect(calls.flat().map((x) => x.id)).not.toContain(settled.id);
    expect(Math.max(...calls.map((p) => p.length))).toBeLessThanOrEqual(1000);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    const times = calls.flat().map((x) => x.fireAt.getTime());
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
  });
});
