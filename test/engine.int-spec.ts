import { Engine, type StepPlan } from '../src/engine/engine.js';
import { SettableClock, SystemClock } from '../src/common/clock.js';
import { ConcurrentWrite } from '../src/common/errors.js';
import type { Database } from '../src/database/database.js';
import { CASE, CASE_EVENT, TASK, USER } from '../src/database/entities.js';
import type { CaseEventRow, CaseRow, TaskRow, UserRow } from '../src/database/rows.js';
import { hashEvent, GENESIS_HASH } from '../src/engine/event-hash.js';
import { INSTRUMENT_RULES } from '../workflows/domain.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

const proposer = { id: 'opd-1', roles: ['proposer' as const] };
const secretariat = { id: 'sec-1', roles: ['secretariat' as const] };

describe('engine: atomic, hash-chained steps', () => {
  let db: Database;
  let test: TestDatabase;
  let engine: Engine;

  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
    engine = new Engine(db, new SystemClock(), 'Asia/Jakarta');
  });
  afterAll(async () => {
    await db.close();
    await test.drop();
  });

  async function newCase(on: Engine = engine): Promise<CaseRow> {
    const { case: row } = await on.start({
      actor: proposer,
      fields: {
        title: 'KB Kota Jambi – Kabupaten Muaro Jambi',
        instrument: 'kb',
        partnerName: 'Kabupaten Muaro Jambi',
        partnerCategory: 'region',
        partnerCountry: null,
        summary: null,
        requiresDprdApproval: false,
        parentCaseId: null,
        kind: 'cooperation',
        validFrom: null,
        validUntil: null,
        proposerId: proposer.id,
      },
      input: { proposerId: proposer.id, instrument: 'kb', partnerCategory: 'region', requiresDprdApproval: false, allowedInstruments: INSTRUMENT_RULES.region },
      // Engine mechanics on the procedure alone: version 1 has no document rules.
      workflow: { name: 'cooperation', version: 1 },
    });
    return row;
  }

  it("numbers a case in the city's year: 1 January 00:30 WIB is the new year, though UTC is still in the old", async () => {
    const clock = new SettableClock();
    clock.set(new Date('2026-12-31T17:30:00Z')); // 2027-01-01 00:30 in Asia/Jakarta
    expect((await newCase(new Engine(db, clock, 'Asia/Jakarta'))).number).toMatch(/^KS-2027-\d{4}$/);
    expect((await newCase(new Engine(db, clock, 'UTC'))).number).toMatch(/^KS-2026-\d{4}$/);
  });

  const submit = (): StepPlan => ({ type: 'SUBMIT', machineEvent: { type: 'SUBMIT' } });

  it('creates a case with a genesis-chained first event and numbers cases per year', async () => {
    const a = await newCase();
    const b = await newCase();
    expect(a.stage).toBe('proposal');
    expect(a.version).toBe(1);
    expect(Number(b.number.slice(-4))).toBe(Number(a.number.slice(-4)) + 1);
    const events = await db.read((em) => em.findBy<CaseEventRow>(CASE_EVENT, { caseId: a.id }));
    expect(events).toHaveLength(1);
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    expect(hashEvent(events[0]!)).toBe(events[0]!.hash);
  });

  it('writes event, snapshot and tasks together and chains the hash', async () => {
    const c = await newCase();
    const { case: after, event, tasks } = await engine.step({ caseId: c.id, actor: proposer, plan: submit });
    expect(after.stage).toBe('administrative_check');
    expect(after.version).toBe(2);
    expect(event.prevHash).toBe(c.headHash);
    expect(tasks).toHaveLength(1);
    const stored = await db.read(async (em) => ({
      row: await em.findOneByOrFail<CaseRow>(CASE, { id: c.id }),
      events: await em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: c.id }, order: { seq: 'ASC' } }),
      tasks: await em.findBy<TaskRow>(TASK, { caseId: c.id }),
    }));
    expect(stored.row.snapshot.value).toBe('administrative_check');
    expect(stored.row.headHash).toBe(stored.events[1]!.hash);
    expect(stored.events.map((e) => hashEvent(e))).toEqual(stored.events.map((e) => e.hash));
    expect(stored.tasks.map((t) => [t.stage, t.role, t.status])).toEqual([['administrative_check', 'secretariat', 'open']]);
  });

  it('refuses an event the stage does not allow and writes nothing', async () => {
    const c = await newCase();
    await expect(engine.step({ caseId: c.id, actor: proposer, plan: () => ({ type: 'RESUBMIT', machineEvent: { type: 'RESUBMIT' } }) })).rejects.toMatchObject({
      code: 'InvalidTransition',
      details: { allowedEvents: ['SUBMIT', 'WITHDRAW'] },
    });
    const count = await db.read((em) => em.countBy(CASE_EVENT, { caseId: c.id }));
    expect(count).toBe(1);
  });

  it('rolls back every write when a step fails after the case update', async () => {
    const c = await newCase();
    await expect(
      engine.step({
        caseId: c.id,
        actor: proposer,
        plan: submit,
        after: async () => {
          throw new Error('boom after writes');
        },
      }),
    ).rejects.toThrow('boom after writes');
    const state = await db.read(async (em) => ({
      row: await em.findOneByOrFail<CaseRow>(CASE, { id: c.id }),
      events: await em.countBy(CASE_EVENT, { caseId: c.id }),
      tasks: await em.countBy(TASK, { caseId: c.id }),
    }));
    expect([state.row.stage, state.row.version, state.events, state.tasks]).toEqual(['proposal', 1, 1, 0]);
  });

  it('aborts the whole step when a task it closes changed after it was read, writing nothing', async () => {
    const c = await newCase();
    const { tasks } = await engine.step({ caseId: c.id, actor: proposer, plan: submit });
    const key = tasks[0]!.key;
    const before = await db.read((em) => em.countBy(CASE_EVENT, { caseId: c.id }));
    // Another writer (the test, on the data source itself) closes the task between the step's read and
    // its write (the case version is unchanged).
    const step = engine.step({
      caseId: c.id,
      actor: secretariat,
      load: async () => {
        await db.dataSource.manager.update(TASK, { caseId: c.id, key }, { status: 'cancelled' });
      },
      plan: () => ({ type: 'TASK_COMPLETED', machineEvent: { type: 'DECIDE', taskKey: key, decision: 'approve' }, completion: { taskKey: key, decision: 'approve', comment: null } }),
    });
    // Lost every time (the plan itself keeps changing the task): a 409 naming the case, not a 500.
    await expect(step).rejects.toMatchObject({ code: 'ConcurrentWriteWon', status: 409, message: expect.stringContaining(c.number) });
    const after = await db.read(async (em) => ({
      row: await em.findOneByOrFail<CaseRow>(CASE, { id: c.id }),
      events: await em.countBy(CASE_EVENT, { caseId: c.id }),
      completed: await em.countBy(TASK, { caseId: c.id, status: 'completed' }),
    }));
    expect([after.row.stage, after.row.version, after.events, after.completed]).toEqual(['administrative_check', 2, before, 0]);
  });

  it('names the case that changed when a step loses its race, whichever case the statement was first built for', async () => {
    const refusals: unknown[] = [];
    for (const c of [await newCase(), await newCase()]) {
      // Another writer (the test, on the data source itself) moves the case on between the step's read
      // and its write, every time.
      const step = engine.step({
        caseId: c.id,
        actor: proposer,
        load: async ({ row }) => {
          await db.dataSource.manager.update(CASE, { id: c.id }, { version: row.version + 1 });
        },
        plan: submit,
      });
      const err = await step.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'ConcurrentWriteWon', status: 409, details: { caseId: c.id } });
      expect((err as { cause: Error }).cause.message).toContain(c.id);
      expect(err).not.toBeInstanceOf(ConcurrentWrite);
      refusals.push(err);
    }
    expect(refusals).toHaveLength(2);
  });

  it("writes a plan's own rows with the step's, and a guarded one that finds its row changed aborts the whole step", async () => {
    const c = await newCase();
    const { event } = await engine.step({
      caseId: c.id,
      actor: proposer,
      plan: ({ now }) => ({ ...submit(), writes: [{ kind: 'insert', entity: USER, rows: [{ id: `u-${c.id}`, name: 'N', email: 'n@example.go.id', roles: [], supervisorId: null, locale: 'id', active: true, phone: null, channels: null, digest: 'none', createdAt: now, updatedAt: now } satisfies UserRow] }] }),
    });
    const written = await db.read((em) => em.findOneByOrFail<UserRow>(USER, { id: `u-${c.id}` }));
    expect(written.createdAt.getTime()).toBe(event.at.getTime());

    const other = await newCase();
    const step = engine.step({
      caseId: other.id,
      actor: proposer,
      plan: () => ({ ...submit(), writes: [{ kind: 'update', entity: USER, set: { name: 'M' }, where: { id: `u-${c.id}`, name: 'gone' }, expect: 1, what: 'the user' }] }),
    });
    await expect(step).rejects.toMatchObject({ code: 'ConcurrentWriteWon' });
    const after = await db.read(async (em) => ({ row: await em.findOneByOrFail<CaseRow>(CASE, { id: other.id }), events: await em.countBy(CASE_EVENT, { caseId: other.id }), tasks: await em.countBy(TASK, { caseId: other.id }) }));
    expect([after.row.stage, after.row.version, after.events, after.tasks]).toEqual(['proposal', 1, 1, 0]);
  });

  it("hands a command's load finders only, and its plan what the load read", async () => {
    const c = await newCase();
    let reader: object | undefined;
    const { event } = await engine.step({
      caseId: c.id,
      actor: proposer,
      load: async (_current, read) => ((reader = read), read.countBy(CASE_EVENT, { caseId: c.id })),
      plan: (_current, events) => ({ ...submit(), data: { eventsBefore: events } }),
    });
    expect(Object.keys(reader!).sort()).toEqual(['countBy', 'existsBy', 'find', 'findBy', 'findOne', 'findOneBy']);
    expect(event.data.eventsBefore).toBe(1);
  });

  it('rejects a stale expectedVersion', async () => {
    const c = await newCase();
    await engine.step({ caseId: c.id, actor: proposer, plan: submit });
    await expect(engine.step({ caseId: c.id, actor: proposer, expectedVersion: 1, plan: () => ({ type: 'WITHDRAW', machineEvent: { type: 'WITHDRAW' } }) })).rejects.toMatchObject({
      code: 'StaleVersion',
    });
  });

  it('keeps 20 concurrent completions of one task to one success and one event', async () => {
    const c = await newCase();
    const { tasks } = await engine.step({ caseId: c.id, actor: proposer, plan: submit });
    const key = tasks[0]!.key;
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        engine.step({
          caseId: c.id,
          actor: secretariat,
          load: (_current, read) => read.findOneBy<TaskRow>(TASK, { caseId: c.id, key }),
          plan: (_current, task) => {
            if (task?.status !== 'open') throw Object.assign(new Error('already completed'), { code: 'TaskAlreadyCompleted' });
            return { type: 'TASK_COMPLETED', machineEvent: { type: 'DECIDE', taskKey: key, decision: 'approve' }, completion: { taskKey: key, decision: 'approve', comment: null } };
          },
        }),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const a of attempts.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
      expect(a.reason).toMatchObject({ code: expect.stringMatching(/TaskAlreadyCompleted|InvalidTransition/) });
    }
    const events = await db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: c.id, type: 'TASK_COMPLETED' } }));
    expect(events).toHaveLength(1);
    const row = await db.read((em) => em.findOneByOrFail<CaseRow>(CASE, { id: c.id }));
    expect(row.stage).toBe('technical_review');
    expect(row.version).toBe(3);
  });

  it('reverts every migration and applies them again (reversible, no synchronize)', async () => {
    const { test: other, db: fresh } = await (async () => {
      const o = await openTestDatabase();
      return { test: o.test, db: o.db };
    })();
    try {
      await fresh.revertAll();
      await expect(fresh.read((em) => em.query('SELECT COUNT(*) FROM cases'))).rejects.toThrow();
      await fresh.migrate();
      const rows = await fresh.read((em) => em.query('SELECT COUNT(*) AS n FROM cases'));
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await fresh.close();
      await other.drop();
    }
  });

  it('advances each case on the workflow version it started on, when a newer version exists', async () => {
    const { WORKFLOWS, findWorkflow } = await import('../workflows/registry.js');
    const { setup } = await import('xstate');
    const v2 = setup({}).createMachine({ id: 'cooperation', initial: 'proposal', context: { tasks: [] }, states: { proposal: { on: { SUBMIT: 'withdrawn' } }, withdrawn: { type: 'final' } } });
    const old = await newCase();
    // A newer version in the registry is the newest: new cases start on it.
    (WORKFLOWS as unknown as unknown[]).push({ ...findWorkflow('cooperation', 1)!, version: 99, machine: v2, description: 'test only' });
    try {
      const { case: onV1 } = await engine.step({ caseId: old.id, actor: proposer, plan: submit });
      expect([onV1.workflowVersion, onV1.stage]).toEqual([1, 'administrative_check']);
      const { case: fresh } = await engine.start({ actor: proposer, fields: { ...old, proposerId: proposer.id }, input: { proposerId: proposer.id } });
      expect(fresh.workflowVersion).toBe(99);
      const { case: onV99, event } = await engine.step({ caseId: fresh.id, actor: proposer, plan: submit });
      expect([onV99.stage, event.workflowVersion]).toEqual(['withdrawn', 99]);
    } finally {
      (WORKFLOWS as unknown as unknown[]).pop();
    }
  });
});
