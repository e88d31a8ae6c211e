import type { CaseEventRow, CaseRow, TaskRow, TimerRow } from '../database/rows.js';
import type { StepContext } from '../engine/engine.js';
import { MessagePlanner } from './message-planner.js';

const NOW = new Date('2026-12-03T03:00:00Z');

const aTask = (over: Partial<TaskRow> = {}): TaskRow => ({
  id: 'task-1', caseId: 'case-1', key: 'technical_review', stage: 'technical_review', role: 'technical_reviewer', assigneeId: null, status: 'open',
  decision: null, comment: null, completedBy: null, createdAt: NOW, completedAt: null, dueAt: null, ...over,
});

/** A fake step (no Nest, no database): the case before and after, its event, its tasks; inserts recorded. */
function step(opts: { before?: string | null; after: string; actorId?: string; proposerId?: string; tasks?: TaskRow[]; data?: Record<string, unknown>; history?: boolean }) {
  const inserted: TimerRow[] = [];
  const ctx = {
    raw: () => ({ name: 'timer' }),
    batch: { insert: (_t: unknown, rows: TimerRow[]) => void inserted.push(...rows) },
    caseBefore: opts.before === null ? null : ({ id: 'case-1', stage: opts.before ?? opts.after } as CaseRow),
    caseAfter: { id: 'case-1', stage: opts.after, proposerId: opts.proposerId ?? 'opd-1', workflowName: 'cooperation', workflowVersion: opts.proposerId ? 3 : 2 } as CaseRow,
    event: { actorId: opts.actorId ?? 'sec-1', data: opts.data ?? {} } as unknown as CaseEventRow,
    tasks: opts.tasks ?? [],
    now: NOW,
    history: opts.history ?? false,
  } as unknown as StepContext;
  return { ctx, inserted };
}

const asked = (timers: TimerRow[]) => timers.map((t) => `${t.offset} ${t.taskId ?? '-'}`);

describe('MessagePlanner', () => {
  it('tells whoever was given a task by someone else, at once, as a notify timer of the step', async () => {
    const s = step({ after: 'technical_review', actorId: 'sec-1', tasks: [aTask({ assigneeId: 'tt-a' })] });
    const timers = await new MessagePlanner().apply(s.ctx);
    expect(asked(timers)).toEqual(['task_assigned task-1']);
    expect(timers[0]).toMatchObject({ kind: 'notify', caseId: 'case-1', fireAt: NOW, status: 'pending' });
    expect(s.inserted).toEqual(timers);
  });

  it('says nothing to someone who took the task themselves, of an unassigned or closed task, or of the proposer’s revision task', async () => {
    const tasks = [
      aTask({ id: 'claimed', assigneeId: 'tt-a' }),
      aTask({ id: 'unassigned' }),
      aTask({ id: 'closed', assigneeId: 'tt-b', status: 'completed' }),
      aTask({ id: 'revision', stage: 'revision', assigneeId: 'opd-1' }),
    ];
    expect(await new MessagePlanner().apply(step({ after: 'technical_review', actorId: 'tt-a', tasks }).ctx)).toEqual([]);
  });

  it('tells of a case returned for revision, rejected or signed, naming the task whose decision did it, only when the stage changes', async () => {
    const decided = aTask({ id: 'decided', status: 'completed' });
    const on = async (before: string, after: string) => asked(await new MessagePlanner().apply(step({ before, after, tasks: [decided], data: { taskId: 'decided' } }).ctx));
    expect(await on('technical_review', 'revision')).toEqual(['revision_requested decided']);
    expect(await on('administrative_check', 'rejected')).toEqual(['case_rejected decided']);
    expect(await on('mayor_signature', 'signed')).toEqual(['case_signed decided']);
    expect(await on('signed', 'signed')).toEqual([]);
    expect(await on('technical_review', 'tkksd_coordination')).toEqual([]);
  });

  it("tells a partner's contact of the intake's request and of a rejection, and of spam nothing (contract §11)", async () => {
    const decided = aTask({ id: 'decided', stage: 'intake', role: 'secretariat', status: 'completed' });
    const on = async (before: string, after: string, proposerId = 'partner:offer-1') => asked(await new MessagePlanner().apply(step({ before, after, proposerId, tasks: [decided], data: { taskId: 'decided' } }).ctx));
    expect(await on('intake', 'awaiting_partner')).toEqual(['offer_revision_requested decided']);
    expect(await on('intake', 'rejected')).toEqual(['case_rejected decided', 'offer_rejected decided']);
    expect(await on('intake', 'spam')).toEqual([]);
    expect(await on('awaiting_partner', 'intake')).toEqual([]);
    // Once an OPD carries the offer, its rejection is an OPD proposal's.
    expect(await on('technical_review', 'rejected', 'opd-2')).toEqual(['case_rejected decided']);
  });

  it('asks for nothing in a step recorded as history (a clock set back: onegate demo)', async () => {
    const s = step({ before: 'mayor_signature', after: 'signed', tasks: [aTask({ assigneeId: 'tt-a' })], history: true });
    expect(await new MessagePlanner().apply(s.ctx)).toEqual([]);
    expect(s.inserted).toEqual([]);
  });
});
