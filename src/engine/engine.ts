import { randomUUID } from 'node:crypto';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { EntityManager } from 'typeorm';
import { DEFAULT_WORKFLOW, findWorkflow, newestWorkflow, type MachineTask as OpenTask, type WorkflowDefinition } from '../../workflows/registry.js';
import type { Actor } from '../common/actor.js';
import type { Clock } from '../common/clock.js';
import { ConcurrentWrite, DomainError, isTransactionConflict, notFound } from '../common/errors.js';
import { KeyedMutex } from '../common/mutex.js';
import { yearIn } from '../common/time-zone.js';
import type { Database } from '../database/database.js';
import { CASE, CASE_EVENT, TASK, TIMER } from '../database/entities.js';
import type { CaseEventRow, CaseRow, TaskRow, TimerRow } from '../database/rows.js';
import { WriteBatch } from '../database/write-batch.js';
import { CURRENT_HASH_FORMAT, GENESIS_HASH, hashEvent } from './event-hash.js';

/** The case as the step found it: all a plan knows, with what the command's `load` read. */
export interface LoadedCase {
  row: CaseRow;
  /** The task the command addressed (`StepCommand.taskId`), read with the case. */
  task?: TaskRow;
  snapshot: AnyMachineSnapshot;
  workflow: WorkflowDefinition;
  /** The step's time (its event's `at`): a plan stamps the rows it describes with it. */
  now: Date;
}

/** What a command's `load` may do: typeorm's finders, nothing that writes. */
export type StepReader = Pick<EntityManager, 'find' | 'findBy' | 'findOne' | 'findOneBy' | 'existsBy' | 'countBy'>;

/** A write a plan describes; the engine carries it out after the step's own statement, in the same transaction. */
export type StepWrite =
  | { kind: 'insert'; entity: string; rows: object[] }
  | {
      kind: 'update';
      entity: string;
      set: Record<string, unknown>;
      where: Record<string, unknown>;
      /** Refuses the step as a concurrent write unless exactly this many rows change (a guard). */
      expect?: number;
      what?: string;
    };

/** What a use case wants recorded: the machine event to send and what the log keeps besides. */
export interface StepPlan {
  /** The event's name in the case history (e.g. SUBMIT, TASK_COMPLETED). */
  type: string;
  /**
   * The event sent to the machine; `null` records the event on the case's chain without one (a register
   * update): the stage and snapshot stay as they are, the event's data has no `event`, and replay skips it.
   */
  machineEvent: { type: string; taskKey?: string; [k: string]: unknown } | null;
  /** Recorded in the event's data beside the machine event (comment, task id, decision). */
  data?: Record<string, unknown>;
  /** For a task decision: what to write on the completed task. */
  completion?: { taskKey: string; decision: string; comment: string | null };
  /** Rows of the use case's own the step writes (a document's row, the timer it settles). */
  writes?: StepWrite[];
  /**
   * Timers the plan sets, on this case or another (an open evaluation's `cancel_evaluation` when its
   * agreement is terminated): inserted after `writes`, and handed to the scheduler after commit with the
   * effects' own (StepResult.timers), so they run when due rather than at the next reconciliation.
   */
  timers?: TimerRow[];
  /**
   * Moves the case to another version of its workflow (a `MIGRATED` step, contract §11): with no machine
   * event, the case's snapshot becomes `moveTo`'s state for the same stage and context, its
   * `workflowVersion` becomes `moveTo`'s, and the event is recorded on `moveTo` (replay switches there).
   * The open tasks stay the same (same keys, so their rows and timers are untouched).
   */
  moveTo?: WorkflowDefinition;
}

/**
 * A use case's step: `load` reads what the decision needs beyond the case, `plan` decides. The plan is
 * pure, data in and effects out: it touches no database, and the engine alone writes what it returns.
 */
export interface StepCommand<Loaded = undefined> {
  caseId: string;
  /**
   * A task action: the task, read in the same query as its case (then `caseId` may be left empty and
   * is taken from the task). An unknown task is a NotFound.
   */
  taskId?: string;
  actor: Actor;
  expectedVersion?: number;
  /**
   * Reads, after the case and before the plan (in the step's transaction where it has one), what the
   * plan needs besides: a user to delegate to, the last version of a document. Reads only; it should not
   * refuse, so the plan's checks come in the plan's order.
   */
  load?(current: LoadedCase, read: StepReader): Promise<Loaded>;
  /** Decides the step from the case and what `load` read; throws domain errors to refuse. No I/O. */
  plan(current: LoadedCase, loaded: Loaded): StepPlan;
  /**
   * Stores, in the step's transaction after its writes, what lives outside the tables the engine writes:
   * a document's bytes, through the document store's port (a file, or a row of its own adapter).
   */
  after?(result: StepResult, em: EntityManager): Promise<void>;
}

export interface StepResult {
  case: CaseRow;
  event: CaseEventRow;
  /** Task rows the step opened, closed or reassigned. */
  tasks: TaskRow[];
  /** The case's open task rows after the step (what a case DTO shows). */
  openTasks: TaskRow[];
  /** Timers the step scheduled (deadlines), to hand to the scheduler after commit. */
  timers: TimerRow[];
}

/** What a step's effects see, inside its transaction, after the event and tasks are written. */
export interface StepContext {
  /** For an effect's reads in the step (the revision task's open row); its writes go through `batch`. */
  em: EntityManager;
  /** Hand-written statements for a table, as the engine writes its own (Database.raw). */
  raw: Database['raw'];
  /** The step's writes, sent together after the effects (one statement on PostgreSQL). */
  batch: WriteBatch;
  /** Adds to what the step writes on one of its tasks (a task must not be updated twice in one statement). */
  updateTask(task: TaskRow, set: Partial<TaskRow>): void;
  /**
   * Opens a task the machine does not hold (the proposer's revision task, a projection of the stage):
   * inserted with the step's own tasks, listed in the step's tasks and open tasks, seen by later effects.
   */
  openTask(task: TaskRow): void;
  /** Closes such a task, guarded like the machine's own: it must still be open. */
  closeTask(task: TaskRow, set: Partial<TaskRow>): void;
  caseBefore: CaseRow | null;
  caseAfter: CaseRow;
  event: CaseEventRow;
  /** Task rows the step opened, closed or reassigned. */
  tasks: TaskRow[];
  /** Of those, the ones this step opens: written after the effects, so an effect may still fill them in (due date). */
  newTaskIds: ReadonlySet<string>;
  now: Date;
  /** The step is history being loaded (a clock set back: `onegate demo`), not news for anyone now. */
  history: boolean;
}

/** Writes more of a step in its transaction (deadline timers); returns timers to schedule. */
export interface StepEffect {
  apply(ctx: StepContext): Promise<TimerRow[]>;
}

interface TaskSync {
  touched: TaskRow[];
  open: TaskRow[];
  inserted: TaskRow[];
  /** The `set` of each task update queued in the batch, by task id. */
  updates: Map<string, Partial<TaskRow>>;
}

export type CommitListener = (result: StepResult) => void | Promise<void>;

/** Told of each step attempt that did not commit (metrics): the stage it found, if any, and whether it runs again. */
export type FailureListener = (err: unknown, attempt: { caseId: string; stage: string | null; retrying: boolean }) => void;

export interface StartCommand {
  actor: Actor;
  fields: Omit<CaseRow, 'id' | 'number' | 'stage' | 'version' | 'workflowName' | 'workflowVersion' | 'snapshot' | 'headHash' | 'signedAt' | 'createdAt' | 'updatedAt'>;
  input: Record<string, unknown>;
  workflow?: { name: string; version: number };
  /**
   * Rows of the caller's own written with the new case, after it, in its transaction (the timer that opened
   * it, settled); a function gets the new case's id (an offer's row names its case).
   */
  writes?: StepWrite[] | ((caseId: string) => StepWrite[]);
}

/** A case that begins already at `stage` (an agreement signed before onegate), with one event holding `data`. */
export interface ImportedCase {
  fields: StartCommand['fields'];
  input: Record<string, unknown>;
  /** The workflow's in-force stage, or a stage it ends in. */
  stage: string;
  /** When it was signed, if known (the case's `signedAt`). */
  signedAt: Date | null;
  /** Kept in the event beside the case's fields and the machine's input (the file and row it came from). */
  data: Record<string, unknown>;
}

/** The event type of a case taken in from before onegate: its history's first and, at first, only event. */
export const IMPORTED_EVENT = 'IMPORTED';

/**
 * The event type of a case moved to another version of its workflow (contract §11): recorded on the
 * version it moves to, `data: {from, to}`, its stage unchanged; replay goes on with that version after it.
 */
export const MIGRATED_EVENT = 'MIGRATED';

/** Rows per INSERT statement of an import: under both databases' limits on bound parameters. */
const IMPORT_CHUNK = 500;

const MAX_ATTEMPTS = 8;

/**
 * One command = load case → xstate's pure `transition()` → write the event (hash-chained), the new
 * snapshot, task changes and the effects' rows (deadline and message timers) in one transaction,
 * guarded by the case version.
 */
export class Engine {
  private readonly listeners: CommitListener[] = [];
  private readonly failureListeners: FailureListener[] = [];
  // The step's statements are hand-written (see RawTable): TypeORM's builders cost more CPU than the SQL.
  private readonly cases;
  private readonly events;
  private readonly taskTable;

  private readonly raw: Database['raw'];
  /** Steps on one case in this process, one at a time: they would only race each other to a conflict. */
  private readonly caseTurns = new KeyedMutex();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    /** The city's time zone (`ONEGATE_TIMEZONE`): a case proposed on 1 January 00:30 WIB is numbered in the new year. */
    private readonly timeZone: string,
    private readonly effects: StepEffect[] = [],
  ) {
    this.raw = (entity) => db.raw(entity);
    this.cases = db.raw<CaseRow>(CASE);
    this.events = db.raw<CaseEventRow>(CASE_EVENT);
    this.taskTable = db.raw<TaskRow>(TASK);
  }

  /** Called after each committed step (e.g. to hand new timers to the scheduler). */
  onCommitted(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  onFailed(listener: FailureListener): void {
    this.failureListeners.push(listener);
  }

  private async committed(result: StepResult): Promise<StepResult> {
    for (const l of this.listeners) {
      try {
        await l(result);
      } catch {
        // A listener failing must not undo a committed step; reconciliation catches up.
      }
    }
    return result;
  }

  private async applyEffects(ctx: StepContext): Promise<TimerRow[]> {
    const timers: TimerRow[] = [];
    for (const effect of this.effects) timers.push(...(await effect.apply(ctx)));
    return timers;
  }

  async start(cmd: StartCommand): Promise<StepResult> {
    const workflow = cmd.workflow ? findWorkflow(cmd.workflow.name, cmd.workflow.version) : newestWorkflow(DEFAULT_WORKFLOW);
    if (!workflow) throw new DomainError('NotFound', `workflow ${cmd.workflow?.name ?? DEFAULT_WORKFLOW}@${cmd.workflow?.version ?? 'newest'} not found`);
    const id = randomUUID();
    const [snapshot] = initialTransition(workflow.machine, { ...cmd.input, caseId: id });
    const result = await this.db.transaction(async (em) => {
      const now = this.clock.now();
      const number = await this.nextCaseNumber(em, now, workflow.numberSeries ?? 'KS');
      const event = this.buildEvent({
        caseId: id,
        seq: 1,
        type: 'CASE_CREATED',
        actor: cmd.actor,
        at: now,
        data: { case: { ...cmd.fields, number }, input: { ...cmd.input, caseId: id } },
        stageBefore: null,
        stageAfter: String(snapshot.value),
        workflow,
        prevHash: GENESIS_HASH,
      });
      const row: CaseRow = {
        ...cmd.fields,
        proposal: cmd.fields.proposal ?? null,
        id,
        number,
        stage: String(snapshot.value),
        version: 1,
        workflowName: workflow.name,
        workflowVersion: workflow.version,
        snapshot: persist(snapshot),
        headHash: event.hash,
        signedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      const batch = new WriteBatch();
      batch.insert(this.cases, [row]);
      batch.insert(this.events, [event], 'id');
      const sync = this.syncTasks(batch, id, [], new Map(), (snapshot.context.tasks ?? []) as OpenTask[], now, null);
      const timers = await this.applyEffects(this.effectContext(em, batch, sync, null, row, event, now));
      batch.insert(this.taskTable, sync.inserted);
      await batch.flush(em, this.db.dialect);
      const writes = typeof cmd.writes === 'function' ? cmd.writes(id) : cmd.writes;
      if (writes?.length) await this.ownWrites(writes).flush(em, this.db.dialect);
      return { case: row, event, tasks: sync.touched, openTasks: sync.open, timers };
    });
    return this.committed(result);
  }

  /**
   * Takes in cases that begin at a given stage, each with one `IMPORTED` event (hash-chained from the
   * genesis hash, holding the case's fields, the machine's input and `data`), inside the caller's
   * transaction `em`, so that what the caller writes beside them lands with them or not at all. Inserted
   * in multi-row statements. Their numbers are `IMP-000001`…, a series of their own apart from the yearly KS series.
   */
  async importCases(em: EntityManager, cmd: { actor: Actor; workflow: WorkflowDefinition; cases: ImportedCase[] }): Promise<CaseRow[]> {
    const { workflow } = cmd;
    const unknown = cmd.cases.find((c) => !workflow.stages.includes(c.stage));
    if (unknown) throw new Error(`${workflow.name}@${workflow.version} has no stage ${unknown.stage} to import a case into`);
    const now = this.clock.now();
    const first = cmd.cases.length ? (await this.reserveCounter(em, 'import-number', cmd.cases.length)) - cmd.cases.length + 1 : 0;
    const rows: CaseRow[] = [];
    const events: CaseEventRow[] = [];
    cmd.cases.forEach((c, i) => {
      const id = randomUUID();
      const number = `IMP-${String(first + i).padStart(6, '0')}`;
      const input = { ...c.input, caseId: id };
      const snapshot = importedSnapshot(workflow, input, c.stage);
      const event = this.buildEvent({
        caseId: id,
        seq: 1,
        type: IMPORTED_EVENT,
        actor: cmd.actor,
        at: now,
        data: { ...c.data, case: { ...c.fields, number }, input },
        stageBefore: null,
        stageAfter: c.stage,
        workflow,
        prevHash: GENESIS_HASH,
      });
      events.push(event);
      rows.push({
        ...c.fields,
        proposal: c.fields.proposal ?? null,
        id,
        number,
        stage: c.stage,
        version: 1,
        workflowName: workflow.name,
        workflowVersion: workflow.version,
        snapshot: persist(snapshot),
        headHash: event.hash,
        signedAt: c.signedAt,
        createdAt: now,
        updatedAt: now,
      });
    });
    for (let i = 0; i < rows.length; i += IMPORT_CHUNK) {
      await this.cases.insert(em, rows.slice(i, i + IMPORT_CHUNK));
      await this.events.insert(em, events.slice(i, i + IMPORT_CHUNK));
    }
    return rows;
  }

  /**
   * Advances a case by one event; retried when another writer advanced it first. Writers of one case
   * in this process take turns (`caseTurns`), so only another process can beat a step to its write;
   * after MAX_ATTEMPTS lost races the step is refused with a 409 that names the case, never a 500.
   */
  async step<Loaded = undefined>(cmd: StepCommand<Loaded>): Promise<StepResult> {
    // A task command learns its case from its first read; a retry then takes that case's turn.
    let turn: string | null = cmd.caseId || null;
    let seen = null as { id: string; number: string } | null;
    for (let attempt = 1; ; attempt++) {
      let stage: string | null = null;
      try {
        // Notes the stage the step was taken in (metrics of failed steps) and the case it read (errors).
        const observe = (row: CaseRow) => ((stage = row.stage), (seen = { id: row.id, number: row.number }));
        // On PostgreSQL a step is one read and one write statement, atomic by itself (WriteBatch), sent
        // without a transaction (autocommit); a command that stores outside the batch (`after`, or a
        // commit hook such as an Idempotency-Key's record) still takes a transaction around them.
        const once = () =>
          this.db.dialect === 'postgres' && !cmd.after && !this.db.hasCommitHook
            ? this.db.write((em) => this.stepOnce(em, cmd, observe))
            : this.db.transaction((em) => this.stepOnce(em, cmd, observe));
        const result = turn ? await this.caseTurns.runExclusive(turn, once) : await once();
        return await this.committed(result);
      } catch (err) {
        const conflict = isWriteConflict(err);
        const retrying = conflict && attempt < MAX_ATTEMPTS;
        for (const l of this.failureListeners) {
          try {
            l(err, { caseId: seen?.id ?? (cmd.caseId || (cmd.taskId ?? '')), stage, retrying });
          } catch {
            // An observer must not change the outcome of a step.
          }
        }
        if (!retrying) throw conflict ? contentionRefusal(err, seen ?? { id: cmd.caseId || `of task ${cmd.taskId}`, number: '' }, attempt) : err;
        turn ??= seen?.id ?? null;
        // Outside the turn, so the next writer of the case goes meanwhile; jittered, growing to 200 ms.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
      }
    }
  }

  private async stepOnce<Loaded>(em: EntityManager, cmd: StepCommand<Loaded>, observe: (row: CaseRow) => void): Promise<StepResult> {
    const { row, openRows, task } = await this.load(em, cmd);
    if (cmd.taskId && !task) throw notFound('task', cmd.taskId);
    if (!row) throw new DomainError('NotFound', `case ${cmd.caseId} not found`);
    observe(row);
    if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== row.version) {
      throw new DomainError('StaleVersion', `expectedVersion ${cmd.expectedVersion} is stale: the case is at version ${row.version}`, {
        currentVersion: row.version,
      });
    }
    const workflow = findWorkflow(row.workflowName, row.workflowVersion);
    if (!workflow) throw new DomainError('NotFound', `workflow ${row.workflowName}@${row.workflowVersion} not found`);
    const snapshot = restore(workflow.machine, row.snapshot);
    const now = this.clock.now();
    const current: LoadedCase = { row, snapshot, workflow, now, ...(task ? { task } : {}) };
    const loaded = cmd.load ? await cmd.load(current, readerOf(em)) : (undefined as Loaded);
    const plan = cmd.plan(current, loaded);
    if (plan.moveTo && (plan.machineEvent || plan.moveTo.name !== workflow.name)) throw new Error(`a move to ${plan.moveTo.name}@${plan.moveTo.version} sends no machine event and stays in ${workflow.name}`);
    const [next] = plan.machineEvent
      ? transition(workflow.machine, snapshot, plan.machineEvent as never)
      : plan.moveTo
        ? [plan.moveTo.machine.resolveState({ value: snapshot.value, context: snapshot.context })]
        : [snapshot];
    if (plan.machineEvent && next === snapshot) {
      const why = workflow.explainRefusal?.(snapshot.context as never, row.stage, plan.machineEvent);
      throw new DomainError('InvalidTransition', why?.message ?? `${plan.machineEvent.type} is not allowed in stage ${row.stage}`, {
        stage: row.stage,
        allowedEvents: allowedEvents(workflow, snapshot),
        ...why?.details,
      });
    }
    const stageAfter = String(next.value);
    const event = this.buildEvent({
      caseId: row.id,
      seq: row.version + 1,
      type: plan.type,
      actor: cmd.actor,
      at: now,
      data: plan.machineEvent ? { ...(plan.data ?? {}), event: plan.machineEvent } : { ...(plan.data ?? {}) },
      stageBefore: row.stage,
      stageAfter,
      workflow: plan.moveTo ?? workflow,
      prevHash: row.headHash,
    });
    const updated: Partial<CaseRow> = {
      ...(plan.moveTo ? { workflowVersion: plan.moveTo.version } : {}),
      stage: stageAfter,
      version: row.version + 1,
      snapshot: persist(next),
      headHash: event.hash,
      updatedAt: now,
      ...(stageAfter === workflow.inForceStage && row.stage !== stageAfter ? { signedAt: now } : {}),
      ...proposerChange(snapshot, next),
    };
    const batch = new WriteBatch();
    batch.update(this.cases, updated, { id: row.id, version: row.version }, { expect: 1, what: `case ${row.id} (version ${row.version})` });
    batch.insert(this.events, [event], 'id');
    const before = (snapshot.context.tasks ?? []) as OpenTask[];
    const rows = before.length ? (openRows ?? (await this.taskTable.select(em, { caseId: row.id, status: 'open' }))) : [];
    const sync = this.syncTasks(
      batch,
      row.id,
      before,
      new Map(rows.map((r) => [r.key, r])),
      (next.context.tasks ?? []) as OpenTask[],
      now,
      plan.completion ? { ...plan.completion, by: cmd.actor.id } : null,
    );
    const caseAfter = { ...row, ...updated } as CaseRow;
    const timers = await this.applyEffects(this.effectContext(em, batch, sync, row, caseAfter, event, now));
    batch.insert(this.taskTable, sync.inserted);
    const writes: StepWrite[] = [...(plan.writes ?? []), ...(plan.timers?.length ? [{ kind: 'insert' as const, entity: TIMER, rows: plan.timers }] : [])];
    if (!writes.length) {
      await batch.flush(em, this.db.dialect);
    } else {
      // The plan's rows go in a statement of their own after the step's: the effects may already touch one of
      // them in it (a timer that ends its case is cancelled with the case's others, then settled as fired), and
      // one statement must not update a row twice. Two statements take a transaction, on the fast path too.
      const own = this.ownWrites(writes);
      const flush = async (tx: EntityManager) => {
        await batch.flush(tx, this.db.dialect);
        await own.flush(tx, this.db.dialect);
      };
      await (em.queryRunner?.isTransactionActive ? flush(em) : this.db.transaction(flush));
    }
    const stepResult: StepResult = { case: caseAfter, event, tasks: sync.touched, openTasks: sync.open, timers: [...timers, ...(plan.timers ?? [])] };
    await cmd.after?.(stepResult, em);
    return stepResult;
  }

  /** A command's own rows (StepWrite) as one batch, sent after the step's. */
  private ownWrites(writes: StepWrite[]): WriteBatch {
    const own = new WriteBatch();
    for (const w of writes) {
      if (w.kind === 'insert') own.insert(this.db.raw<object>(w.entity), w.rows);
      else own.update(this.db.raw<object>(w.entity), w.set, w.where, { ...(w.expect !== undefined ? { expect: w.expect } : {}), what: w.what ?? w.entity });
    }
    return own;
  }

  /**
   * Makes the tasks table match the machine's open tasks: queues an update for each task that closed
   * or changed hands (guarded: it must still be open) and builds the rows of new tasks, which the
   * caller inserts once the step's effects have filled them in. Returns the rows touched, the open rows
   * after the step, the new rows, and each queued update's `set` (effects may add to it).
   */
  private syncTasks(
    batch: WriteBatch,
    caseId: string,
    before: OpenTask[],
    rows: Map<string, TaskRow>,
    after: OpenTask[],
    now: Date,
    completion: { taskKey: string; decision: string; comment: string | null; by: string } | null,
  ): TaskSync {
    const touched: TaskRow[] = [];
    const updates = new Map<string, Partial<TaskRow>>();
    const afterKeys = new Map(after.map((t) => [t.key, t]));
    for (const task of before) {
      const kept = afterKeys.get(task.key);
      if (kept && kept.assignee === task.assignee) continue;
      const row = rows.get(task.key);
      if (!row) throw new ConcurrentWrite(`task ${task.key} of case ${caseId} is no longer open`);
      const set: Partial<TaskRow> = kept
        ? { assigneeId: kept.assignee }
        : completion && completion.taskKey === task.key
          ? { status: 'completed', decision: completion.decision, comment: completion.comment, completedBy: completion.by, completedAt: now }
          : { status: 'cancelled', completedAt: now };
      updates.set(row.id, batch.update(this.taskTable, { ...set }, { caseId, key: task.key, status: 'open' }, { expect: 1, what: `task ${task.key} of case ${caseId}` }));
      Object.assign(row, set);
      touched.push(row);
    }
    const inserted: TaskRow[] = [];
    for (const task of after) {
      if (rows.has(task.key)) continue;
      const row = newTaskRow(caseId, task, now);
      inserted.push(row);
      rows.set(task.key, row);
      touched.push(row);
    }
    return { touched, open: after.map((t) => rows.get(t.key)!), inserted, updates };
  }

  private effectContext(em: EntityManager, batch: WriteBatch, sync: TaskSync, caseBefore: CaseRow | null, caseAfter: CaseRow, event: CaseEventRow, now: Date): StepContext {
    const newTaskIds = new Set(sync.inserted.map((t) => t.id));
    return {
      em,
      raw: this.raw,
      batch,
      caseBefore,
      caseAfter,
      event,
      tasks: sync.touched,
      newTaskIds,
      now,
      history: this.clock.recordsHistory(),
      openTask: (task) => {
        sync.inserted.push(task);
        sync.touched.push(task);
        sync.open.push(task);
        newTaskIds.add(task.id);
      },
      closeTask: (task, set) => {
        batch.update(this.taskTable, { ...set }, { id: task.id, status: 'open' }, { expect: 1, what: `task ${task.key} of case ${task.caseId}` });
        Object.assign(task, set);
        sync.touched.push(task);
      },
      updateTask: (task, set) => {
        Object.assign(task, set);
        if (newTaskIds.has(task.id)) return; // inserted after the effects, with these values
        const queued = sync.updates.get(task.id);
        if (queued) Object.assign(queued, set);
        else sync.updates.set(task.id, batch.update(this.taskTable, { ...set }, { id: task.id }));
      },
    };
  }

  /**
   * The case row (by id, or by the addressed task) and, on PostgreSQL, its open task rows and the
   * addressed task in the same query: one round trip. On SQLite (in-process) plain reads, the open
   * tasks when needed (`openRows` null).
   */
  private async load(em: EntityManager, cmd: Pick<StepCommand<unknown>, 'caseId' | 'taskId'>): Promise<{ row: CaseRow | undefined; openRows: TaskRow[] | null; task?: TaskRow }> {
    if (this.db.dialect !== 'postgres') {
      const task = cmd.taskId ? (await this.taskTable.select(em, { id: cmd.taskId }))[0] : undefined;
      if (cmd.taskId && !task) return { row: undefined, openRows: null };
      return { row: (await this.cases.select(em, { id: task?.caseId ?? cmd.caseId }))[0], openRows: null, task };
    }
    const openTasks = `(SELECT coalesce(json_agg(t), '[]'::json) FROM "tasks" t WHERE t."case_id" = c."id" AND t."status" = 'open') AS "__open_tasks"`;
    const raw: Record<string, unknown>[] = cmd.taskId
      ? await em.query(
          `SELECT c.*, ${openTasks}, row_to_json(a) AS "__task" FROM "tasks" a JOIN "cases" c ON c."id" = a."case_id" WHERE a."id" = $1`,
          [cmd.taskId],
        )
      : await em.query(`SELECT c.*, ${openTasks} FROM "cases" c WHERE c."id" = $1`, [cmd.caseId]);
    if (!raw[0]) return { row: undefined, openRows: null };
    const openRows = (raw[0].__open_tasks as Record<string, unknown>[]).map((t) => this.taskTable.hydrate(t));
    const task = raw[0].__task ? this.taskTable.hydrate(raw[0].__task as Record<string, unknown>) : undefined;
    return { row: this.cases.hydrate(raw[0]), openRows, task };
  }

  private buildEvent(e: {
    caseId: string;
    seq: number;
    type: string;
    actor: Actor;
    at: Date;
    data: Record<string, unknown>;
    stageBefore: string | null;
    stageAfter: string;
    workflow: WorkflowDefinition;
    prevHash: string;
  }): CaseEventRow {
    const body = {
      caseId: e.caseId,
      seq: e.seq,
      type: e.type,
      actorId: e.actor.id,
      actorRoles: [...e.actor.roles],
      at: e.at,
      data: JSON.parse(JSON.stringify(e.data)) as Record<string, unknown>,
      stageBefore: e.stageBefore,
      stageAfter: e.stageAfter,
      workflowName: e.workflow.name,
      workflowVersion: e.workflow.version,
      prevHash: e.prevHash,
      hashFormat: CURRENT_HASH_FORMAT,
    };
    return { ...body, hash: hashEvent(body) };
  }

  /** The next number of the year in `series`: KS-2026-0001 (proposals, addenda, renewals), EV-2026-0001 (evaluations). */
  private async nextCaseNumber(em: EntityManager, now: Date, series: string): Promise<string> {
    const year = yearIn(now, this.timeZone);
    const name = series === 'KS' ? `case-number-${year}` : `case-number-${series}-${year}`;
    const p = this.db.dialect === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const rows: { value: number }[] = await em.query(
      `INSERT INTO counters (name, value) VALUES (${p[0]}, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`,
      [name],
    );
    return `${series}-${year}-${String(rows[0]!.value).padStart(4, '0')}`;
  }

  /** Moves counter `name` on by `n` and returns its new value (the last of the `n` reserved). */
  private async reserveCounter(em: EntityManager, name: string, n: number): Promise<number> {
    const p = this.db.dialect === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const rows: { value: number }[] = await em.query(
      `INSERT INTO counters (name, value) VALUES (${p[0]}, ${p[1]}) ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value`,
      [name, n],
    );
    return Number(rows[0]!.value);
  }
}

/** The row of a task the machine has just opened: open, unanswered, its due time still to be planned. */
export function newTaskRow(caseId: string, task: Pick<OpenTask, 'key' | 'role' | 'assignee'> & { stage: string }, now: Date): TaskRow {
  return {
    id: randomUUID(),
    caseId,
    key: task.key,
    stage: task.stage,
    role: task.role,
    assigneeId: task.assignee,
    status: 'open',
    decision: null,
    comment: null,
    completedBy: null,
    createdAt: now,
    completedAt: null,
    dueAt: null,
  };
}

export function persist(snapshot: AnyMachineSnapshot): CaseRow['snapshot'] {
  return JSON.parse(JSON.stringify({ value: snapshot.value, context: snapshot.context }));
}

/**
 * The state of a case that begins at `stage` (an import): the machine's initial context for `input`, at
 * that stage, no task open. Replay builds an imported case's first state the same way (audit.service.ts).
 */
export function importedSnapshot(workflow: WorkflowDefinition, input: Record<string, unknown>, stage: string): AnyMachineSnapshot {
  const [initial] = initialTransition(workflow.machine, input as never);
  return workflow.machine.resolveState({ value: stage, context: initial.context });
}

export function restore(machine: AnyStateMachine, stored: CaseRow['snapshot']): AnyMachineSnapshot {
  return machine.resolveState({ value: stored.value, context: stored.context });
}

/**
 * The case's proposer follows its machine's: a step that hands the case to another proposer (an offer's
 * intake approved to an OPD, cooperation@3) moves `proposerId`, so inbox and visibility follow in the step.
 */
function proposerChange(before: AnyMachineSnapshot, after: AnyMachineSnapshot): Pick<CaseRow, 'proposerId'> | Record<string, never> {
  const was = (before.context as { proposerId?: unknown }).proposerId;
  const now = (after.context as { proposerId?: unknown }).proposerId;
  return typeof now === 'string' && now !== was ? { proposerId: now } : {};
}

/** The finders of `em`, and nothing else of it, for a command's `load`. */
function readerOf(em: EntityManager): StepReader {
  return {
    find: em.find.bind(em),
    findBy: em.findBy.bind(em),
    findOne: em.findOne.bind(em),
    findOneBy: em.findOneBy.bind(em),
    existsBy: em.existsBy.bind(em),
    countBy: em.countBy.bind(em),
  };
}

/** The case-level events the current stage accepts, for a 409's `allowedEvents`. */
export function allowedEvents(workflow: WorkflowDefinition, snapshot: AnyMachineSnapshot): string[] {
  return workflow.caseEventTypes.filter((type) => snapshot.can({ type }));
}

/** Another writer got to the case first: the step wrote nothing, and running it again is the answer. */
function isWriteConflict(err: unknown): boolean {
  return err instanceof ConcurrentWrite || isUniqueViolation(err) || isTransactionConflict(err);
}

/** The 409 of a step that lost the race to its case every time (contract §7: "a concurrent write to the same case won"). */
function contentionRefusal(err: unknown, c: { id: string; number: string }, attempts: number): DomainError {
  const name = c.number ? `case ${c.number} (${c.id})` : `case ${c.id}`;
  const refusal = new DomainError('ConcurrentWriteWon', `${name}: a concurrent write to the same case won ${attempts} times in a row; retry`, { caseId: c.id });
  // The last conflict itself (guard or constraint text) is for the log, not the client's body.
  return Object.assign(refusal, { cause: err });
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
