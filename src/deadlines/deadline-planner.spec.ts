import type { StageSla } from '../../workflows/registry.js';
import type { CaseRow, TaskRow, TimerRow } from '../database/rows.js';
import type { StepContext } from '../engine/engine.js';
import { DeadlinePlanner } from './deadline-planner.js';
import { SlaTables } from './sla-config.js';
import { WorkingCalendar } from './working-calendar.js';

const REVIEW: StageSla = { due: 'P3D', remind: ['P1D'], escalate: ['PT2H'], onExpiry: { action: 'approve', after: 'P5D' }, source: 'test' };

/** The planner on a real working calendar (Indonesia's holidays) and a fake step: no Nest, no database. */
function planner(timeZone = 'Asia/Jakarta', expiryReminderDays = [30, 0]) {
  const sla = new SlaTables(new Map([['cooperation@2', { stages: { technical_review: REVIEW }, expiryReminderDays }]]));
  return new DeadlinePlanner({ sla, calendar: new WorkingCalendar({ timeZone }), timeZone });
}

const aCase = (over: Partial<CaseRow> = {}) => ({ id: 'case-1', stage: 'technical_review', validUntil: null, workflowName: 'cooperation', workflowVersion: 2, ...over }) as unknown as CaseRow;
const aTask = (over: Partial<TaskRow> = {}): TaskRow => ({
  id: 'task-1', caseId: 'case-1', key: 'technical_review', stage: 'technical_review', role: 'technical_reviewer', assigneeId: null, status: 'open',
  decision: null, comment: null, completedBy: null, createdAt: new Date('2026-12-03T03:00:00Z'), completedAt: null, dueAt: null, ...over,
});

/** What an effect may do to a step, recorded. */
function fakeStep(caseAfter: CaseRow, tasks: TaskRow[], caseBefore: CaseRow | null = null) {
  const updates: { set: object; where: object }[] = [];
  const inserted: TimerRow[] = [];
  const taskUpdates: { id: string; set: Partial<TaskRow> }[] = [];
  const table = { name: 'timer' };
  const ctx = {
    raw: () => table,
    batch: { update: (_t: unknown, set: object, where: object) => void updates.push({ set, where }), insert: (_t: unknown, rows: TimerRow[]) => void inserted.push(...rows) },
    updateTask: (task: TaskRow, set: Partial<TaskRow>) => void taskUpdates.push({ id: task.id, set }),
    caseBefore,
    caseAfter,
    tasks,
    now: new Date('2026-12-03T03:00:00Z'),
  } as unknown as StepContext;
  return { ctx, updates, inserted, taskUpdates };
}

const plan = (timers: TimerRow[]) => timers.map((t) => `${t.kind} ${t.idx} ${t.offset} ${t.fireAt.toISOString()}`);

describe('DeadlinePlanner', () => {
  it("plans a task's due time in working days, its reminder before, escalation after and deemed approval from its opening", () => {
    // Opened Thursday 3 December 2026, 10:00 WIB: three working days later is Tuesday 8 December (the weekend skipped).
    const { dueAt, timers } = planner().planTask(aCase(), aTask(), REVIEW, new Date('2026-12-03T03:00:00Z'));
    expect(dueAt.toISOString()).toBe('2026-12-08T03:00:00.000Z');
    expect(plan(timers)).toEqual([
      'remind 0 P1D 2026-12-07T03:00:00.000Z', // one working day before: Monday
      'escalate 0 PT2H 2026-12-08T05:00:00.000Z', // two hours after the due time
      'deemed_approval 0 P5D 2026-12-10T03:00:00.000Z', // five working days after the opening: Thursday
    ]);
    expect(timers.every((t) => t.status === 'pending' && t.taskId === 'task-1' && t.dueAt?.getTime() === dueAt.getTime())).toBe(true);
  });

  it('writes the due time on a task it opens and inserts its timers; cancels the pending timers of a task that closed', async () => {
    const open = aTask();
    const closed = aTask({ id: 'task-0', status: 'completed', dueAt: new Date('2026-12-01T03:00:00Z') });
    const step = fakeStep(aCase(), [closed, open]);
    const created = await planner().apply(step.ctx);
    expect(step.taskUpdates).toEqual([{ id: 'task-1', set: { dueAt: new Date('2026-12-08T03:00:00Z') } }]);
    expect(created.map((t) => t.kind)).toEqual(['remind', 'escalate', 'deemed_approval']);
    expect(step.inserted).toEqual(created);
    expect(step.updates).toEqual([{ set: { status: 'cancelled', settledAt: step.ctx.now }, where: { taskId: 'task-0', status: 'pending' } }]);
  });

  it('leaves a task that already has its due time, and a stage without an SLA, alone', async () => {
    const step = fakeStep(aCase(), [aTask({ dueAt: new Date('2026-12-08T03:00:00Z') }), aTask({ id: 'task-2', stage: 'legal_review' })]);
    expect(await planner().apply(step.ctx)).toEqual([]);
    expect(step.taskUpdates).toEqual([]);
  });

  it('cancels every pending timer of a case that reached a final stage', async () => {
    const step = fakeStep(aCase({ stage: 'withdrawn' }), []);
    await planner().apply(step.ctx);
    expect(step.updates).toEqual([{ set: { status: 'cancelled', settledAt: step.ctx.now }, where: { caseId: 'case-1', status: 'pending' } }]);
  });

  it('plans expiry reminders at 07:00 and the expiry at midnight after validUntil, in the configured zone, only when the case is signed', async () => {
    const signed = aCase({ stage: 'signed', validUntil: '2027-03-31' });
    const step = fakeStep(signed, [], aCase({ stage: 'mayor_signature' }));
    expect(plan(await planner().apply(step.ctx))).toEqual([
      'expiry_reminder 30 30 2027-03-01T00:00:00.000Z', // 07:00 WIB, thirty days before
      'expiry_reminder 0 0 2027-03-31T00:00:00.000Z',
      'expire 0 2027-03-31 2027-03-31T17:00:00.000Z', // 00:00 WIB on 1 April
    ]);
    // A city in WITA (UTC+8): the same wall-clock times, an hour earlier in UTC.
    expect(plan(planner('Asia/Makassar').planExpiry(signed, [30, 0], step.ctx.now)).map((p) => p.split(' ').at(-1))).toEqual(['2027-02-28T23:00:00.000Z', '2027-03-30T23:00:00.000Z', '2027-03-31T16:00:00.000Z']);
    // Already signed before this step: nothing planned again.
    expect(await planner().apply(fakeStep(signed, [], signed).ctx)).toEqual([]);
  });

  it('leaves out expiry reminders whose time has passed', () => {
    const timers = planner().planExpiry(aCase({ validUntil: '2027-03-31' }), [30, 0], new Date('2027-03-10T00:00:00Z'));
    expect(timers.map((t) => `${t.kind} ${t.idx}`)).toEqual(['expiry_reminder 0', 'expire 0']);
  });
});
