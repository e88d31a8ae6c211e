/**
 * How long a task has waited, in working days (issue 14): the inbox (`GET /api/tasks`) and the case
 * (`GET /api/cases/:id` openTasks) count from the task's arrival on the city's calendar, so weekends
 * and Indonesian public holidays (Christmas 2030 is a Wednesday) do not count. The app's clock is the
 * test's; the dates lie far ahead, so no real-time deadline timer fires while the test moves it.
 */
import { SettableClock } from '../src/common/clock.js';
import { TestApp, USERS } from './support/test-app.js';

describe('waitingWorkingDays on tasks', () => {
  const clock = new SettableClock();
  let t: TestApp;
  beforeAll(async () => {
    clock.set(new Date('2030-12-20T07:00:00Z')); // Friday 20 December 2030, 14.00 WIB
    t = await TestApp.start({}, { clock });
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function seen(caseId: string, taskId: string) {
    const inbox = (await t.get(`/api/tasks?caseId=${caseId}`, USERS.secretariat)).body.items.find((x: any) => x.id === taskId);
    const onCase = (await t.get(`/api/cases/${caseId}`, USERS.secretariat)).body.openTasks.find((x: any) => x.id === taskId);
    return { inbox, onCase };
  }

  it('counts working days since arrival, skipping the weekend and Christmas, the same in the inbox and on the case', async () => {
    const c = await t.createCase();
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    const task = (await t.get(`/api/cases/${c.id}`, USERS.secretariat)).body.openTasks[0];
    expect(task.createdAt).toBe('2030-12-20T07:00:00.000Z');

    // The day it arrives: nothing waited yet; five working days left (the administrative check's SLA).
    let s = await seen(c.id, task.id);
    expect([s.inbox.waitingWorkingDays, s.onCase.waitingWorkingDays]).toEqual([0, 0]);
    expect([s.inbox.workingDaysLeft, s.onCase.workingDaysLeft]).toEqual([5, 5]);

    // Saturday and Sunday are not working days.
    clock.set(new Date('2030-12-22T03:00:00Z')); // Sunday 22 December
    s = await seen(c.id, task.id);
    expect([s.inbox.waitingWorkingDays, s.onCase.waitingWorkingDays]).toEqual([0, 0]);
    clock.set(new Date('2030-12-23T03:00:00Z')); // Monday 23 December, 10.00 WIB
    s = await seen(c.id, task.id);
    expect([s.inbox.waitingWorkingDays, s.onCase.waitingWorkingDays]).toEqual([1, 1]);

    // Monday 30 December: 23, 24, 26, 27 and 30 December; Christmas Day (Wednesday 25) does not count.
    clock.set(new Date('2030-12-30T03:00:00Z'));
    s = await seen(c.id, task.id);
    expect([s.inbox.waitingWorkingDays, s.onCase.waitingWorkingDays]).toEqual([5, 5]);
    expect([s.inbox.workingDaysLeft, s.onCase.workingDaysLeft]).toEqual([0, 0]);
  });

  it('gives no waiting time for a completed task', async () => {
    clock.set(new Date('2030-12-31T03:00:00Z'));
    const c = await t.createCase({ title: 'PKS pengelolaan air bersih', instrument: 'pks' });
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    expect((await t.decide(c.id, USERS.secretariat, 'approve')).status).toBe(200);
    const done = (await t.get(`/api/tasks?status=completed&caseId=${c.id}`, USERS.secretariat)).body.items;
    expect(done).toHaveLength(1);
    expect(done[0].waitingWorkingDays).toBeNull();
    // The next stage's task arrived on 31 December, a working day: it has waited nothing yet.
    const next = (await t.get(`/api/cases/${c.id}`, USERS.secretariat)).body.openTasks;
    expect(next.map((x: any) => [x.stage, x.waitingWorkingDays])).toEqual([['technical_review', 0]]);
  });
});
