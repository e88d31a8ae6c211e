import { SettableClock } from '../common/clock.js';
import { runInContext } from '../common/request-context.js';
import { InProcessScheduler } from './in-process.scheduler.js';
import type { FireTimerPayload, JobHandlers, SendMailPayload } from './queue-catalogue.js';

const HOUR = 3_600_000;
/** Lets every timer already due in real time (setTimeout 0) and its promise run. */
const ticks = () => new Promise((r) => setTimeout(r, 5));

/** The in-process scheduler on a fake clock with recording handlers: no Nest, no database, no real waiting. */
function setUp(sendMail: (p: SendMailPayload) => Promise<void> = async () => {}) {
  const clock = new SettableClock();
  clock.set(new Date('2020-03-02T01:00:00Z')); // years behind real time: a delay counted in real time would be negative
  const fired: FireTimerPayload[] = [];
  const mailed: SendMailPayload[] = [];
  const handlers: JobHandlers = {
    fireTimer: async (p) => {
      await ticks(); // a job that takes a moment: runDue must wait for it
      fired.push(p);
    },
    sendMail: async (p) => {
      mailed.push(p);
      await sendMail(p);
    },
  };
  const scheduler = new InProcessScheduler(clock);
  return { clock, scheduler, fired, mailed, start: () => scheduler.startWorkers(handlers) };
}

describe('InProcessScheduler on the app clock', () => {
  it('holds a timer until the clock reaches it, counting the delay on the clock, not on real time', async () => {
    const { clock, scheduler, fired, start } = setUp();
    await start();
    await scheduler.scheduleTimers([{ id: 'remind', fireAt: new Date(clock.now().getTime() + HOUR) }]);
    await ticks();
    expect(fired).toEqual([]);
    expect(await scheduler.health()).toMatchObject({ delayed: 1 });
    await scheduler.close();
  });

  it('fires a timer already due on the clock at once', async () => {
    const { clock, scheduler, fired, start } = setUp();
    await start();
    await scheduler.scheduleTimers([{ id: 'late', fireAt: new Date(clock.now().getTime() - 1000) }]);
    await ticks();
    await ticks();
    expect(fired.map((p) => p.timerId)).toEqual(['late']);
  });

  it('runs the due timers it is given when the clock was moved, with the id of the request that scheduled them, and resolves when they have run', async () => {
    const { clock, scheduler, fired, start } = setUp();
    await start();
    await runInContext({ requestId: 'req-7' }, () => scheduler.scheduleTimers([{ id: 'a', fireAt: new Date(clock.now().getTime() + HOUR) }]));
    clock.advance(HOUR);
    await scheduler.runDue([{ id: 'a' }, { id: 'never-held' }]);
    expect(fired).toEqual([{ timerId: 'a', requestId: 'req-7' }, { timerId: 'never-held' }]);
    expect(await scheduler.health()).toMatchObject({ delayed: 0, active: 0 });
  });

  it('retries a refused mail after its backoff on the clock: not before, and at once when runDue finds it due', async () => {
    let refuse = true;
    const { clock, scheduler, mailed, start } = setUp(async () => {
      if (refuse) throw new Error('451 try again later');
    });
    await start();
    await scheduler.enqueueMail(['d1']);
    await ticks();
    expect(mailed).toHaveLength(1); // the first attempt, refused; its retry waits 1 s on the clock
    refuse = false;
    clock.advance(999);
    await scheduler.runDue([]);
    expect(mailed).toHaveLength(1);
    clock.advance(1);
    await scheduler.runDue([]);
    expect(mailed.map((p) => p.deliveryId)).toEqual(['d1', 'd1']);
    expect(await scheduler.health()).toMatchObject({ waiting: 0, active: 0 });
  });

  it('does nothing once closed', async () => {
    const { clock, scheduler, fired, start } = setUp();
    await start();
    await scheduler.scheduleTimers([{ id: 'a', fireAt: new Date(clock.now().getTime() + HOUR) }]);
    await scheduler.close();
    clock.advance(HOUR);
    await scheduler.runDue([{ id: 'a' }]);
    await scheduler.scheduleTimers([{ id: 'b', fireAt: clock.now() }]);
    await ticks();
    expect(fired).toEqual([]);
  });
});
