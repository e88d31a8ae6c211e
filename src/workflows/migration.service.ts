import { Inject, Injectable } from '@nestjs/common';
import { In, MoreThan } from 'typeorm';
import { WORKFLOWS, findWorkflow, type MachineTask, type WorkflowDefinition } from '../../workflows/registry.js';
import type { Actor } from '../common/actor.js';
import { DomainError, invalid, notFound } from '../common/errors.js';
import { Database } from '../database/database.js';
import { CASE, TASK } from '../database/entities.js';
import type { CaseRow, TaskRow } from '../database/rows.js';
import { Engine, MIGRATED_EVENT, type LoadedCase } from '../engine/engine.js';
import { label } from '../i18n/labels.js';
import { REVISION_TASK } from '../tasks/revision-task.js';

/** Why a case stays where it is (contract §11): a code for programs, a short sentence for people. */
export type SkipCode = 'final' | 'signed' | 'stage_missing' | 'task_stage_missing' | 'already_on_target' | 'other_version' | 'not_found' | 'concurrent_write';

export interface MovedCase {
  caseId: string;
  number: string;
  stage: string;
}

export interface SkippedCase {
  caseId: string;
  /** Null only for an id that names no case. */
  number: string | null;
  stage: string | null;
  code: SkipCode;
  /** A short Indonesian sentence saying why. */
  reason: string;
}

export interface MigrationReport {
  workflow: string;
  from: number;
  to: number;
  dryRun: boolean;
  /** Cases moved (in a dry run: that would move). */
  moved: MovedCase[];
  /** Cases left as they are, each with its reason. */
  skipped: SkippedCase[];
  counts: { moved: number; skipped: number };
}

export interface MigrationRequest {
  from: number;
  to: number;
  caseIds?: string[];
  dryRun?: boolean;
}

/** Cases read per batch: memory stays bounded however many cases run on `from`. */
const BATCH = 250;
/** Steps on different cases at once on PostgreSQL (the embedded database takes one transaction at a time). */
const PARALLEL_STEPS = 4;

type Candidate = Pick<CaseRow, 'id' | 'number' | 'stage' | 'workflowName' | 'workflowVersion'>;

/** The reason a case cannot move from `from` to `to`, or null when it can. Open tasks are its task rows. */
export function whyNotMovable(c: Candidate, from: WorkflowDefinition, to: WorkflowDefinition, openTasks: readonly Pick<TaskRow, 'stage'>[]): { code: SkipCode; reason: string } | null {
  const stage = label('id', 'stage', c.stage);
  if (c.workflowName !== from.name) return { code: 'other_version', reason: `Kasus ini berjalan pada prosedur lain, bukan ${label('id', 'workflow', from.name)}.` };
  if (c.workflowVersion === to.version) return { code: 'already_on_target', reason: `Kasus sudah berjalan pada versi ${to.version}.` };
  if (c.workflowVersion !== from.version) return { code: 'other_version', reason: `Kasus berjalan pada versi ${c.workflowVersion}, bukan versi ${from.version}.` };
  if (from.finalStages.includes(c.stage)) return { code: 'final', reason: `Kasus sudah selesai (tahap ${stage}); kasus yang selesai tidak dipindahkan.` };
  if (c.stage === from.inForceStage) return { code: 'signed', reason: 'Perjanjian sudah ditandatangani dan berlaku; hanya kasus yang masih berjalan yang dipindahkan.' };
  if (!to.stages.includes(c.stage)) return { code: 'stage_missing', reason: `Tahap ${stage} tidak ada pada versi ${to.version}.` };
  // The proposer's revision task is a projection of the revision stage (revision-task.ts), not a machine task.
  const missing = openTasks.find((t) => !(to.taskStages.includes(t.stage) || (t.stage === REVISION_TASK.stage && to.stages.includes(t.stage))));
  if (missing) return { code: 'task_stage_missing', reason: `Tugas terbuka pada tahap ${label('id', 'stage', missing.stage)} tidak ada pada versi ${to.version}.` };
  return null;
}

/**
 * Moves running cases to a newer version of their workflow (contract §11): one engine step per case
 * (`MIGRATED`, recorded on the version it moves to), which sets the case's version and rewrites its
 * snapshot as the new machine's state at the same stage and context. Open tasks keep their rows (same
 * keys) and timers their rows: the step touches neither. Cases that cannot move are listed, untouched.
 */
@Injectable()
export class MigrationService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Engine) private readonly engine: Engine,
  ) {}

  /** The two versions of a request, or a 4xx naming the field. */
  versions(name: string, from: number, to: number): { source: WorkflowDefinition; target: WorkflowDefinition } {
    if (!WORKFLOWS.some((w) => w.name === name)) throw notFound('workflow', name);
    const known = WORKFLOWS.filter((w) => w.name === name).map((w) => w.version);
    const source = findWorkflow(name, from);
    if (!source) throw invalid('from', `${name} has no version ${from} (known: ${known.join(', ')})`);
    const target = findWorkflow(name, to);
    if (!target) throw invalid('to', `${name} has no version ${to} (known: ${known.join(', ')})`);
    if (to <= from) throw invalid('to', `must be a newer version than from (${from}), got ${to}`);
    return { source, target };
  }

  async migrate(actor: Actor, name: string, req: MigrationRequest, onProgress?: (done: number, total: number) => void): Promise<MigrationReport> {
    const { source, target } = this.versions(name, req.from, req.to);
    const dryRun = req.dryRun === true;
    const moved: MovedCase[] = [];
    const skipped: SkippedCase[] = [];
    const ids = req.caseIds ? [...new Set(req.caseIds)] : null;
    const total = ids ? ids.length : await this.db.read((em) => em.countBy<CaseRow>(CASE, { workflowName: name, workflowVersion: source.version }));
    let done = 0;
    for await (const batch of this.batches(name, source.version, ids)) {
      const open = await this.db.read((em) => em.find<TaskRow>(TASK, { select: { caseId: true, stage: true }, where: { caseId: In(batch.map((c) => c.id)), status: 'open' } }));
      const tasksOf = new Map<string, Pick<TaskRow, 'stage'>[]>();
      for (const t of open) tasksOf.set(t.caseId, [...(tasksOf.get(t.caseId) ?? []), t]);
      const movable: Candidate[] = [];
      for (const c of batch) {
        const why = whyNotMovable(c, source, target, tasksOf.get(c.id) ?? []);
        if (why) skipped.push({ caseId: c.id, number: c.number, stage: c.stage, ...why });
        else if (dryRun) moved.push({ caseId: c.id, number: c.number, stage: c.stage });
        else movable.push(c);
        if (why || dryRun) onProgress?.(++done, total);
      }
      // Each case is a step of its own; on PostgreSQL a few go at once (each a round trip or two), in order of id.
      const outcomes: (MovedCase | { code: SkipCode; reason: string })[] = new Array(movable.length);
      let next = 0;
      const lanes = this.db.dialect === 'postgres' ? PARALLEL_STEPS : 1;
      await Promise.all(
        Array.from({ length: Math.min(lanes, movable.length) }, async () => {
          while (next < movable.length) {
            const i = next++;
            outcomes[i] = await this.moveCase(actor, movable[i]!.id, source, target);
            onProgress?.(++done, total);
          }
        }),
      );
      movable.forEach((c, i) => {
        const outcome = outcomes[i]!;
        if ('code' in outcome) skipped.push({ caseId: c.id, number: c.number, stage: c.stage, code: outcome.code, reason: outcome.reason });
        else moved.push(outcome);
      });
    }
    if (ids) {
      const seen = new Set([...moved, ...skipped].map((c) => c.caseId));
      for (const id of ids.filter((i) => !seen.has(i))) {
        skipped.push({ caseId: id, number: null, stage: null, code: 'not_found', reason: 'Tidak ada kasus dengan id ini.' });
        onProgress?.(++done, total);
      }
    }
    return { workflow: name, from: source.version, to: target.version, dryRun, moved, skipped, counts: { moved: moved.length, skipped: skipped.length } };
  }

  /**
   * One case's move: an engine step (its transaction, the case-version guard and retries), which checks
   * again on the case as the step reads it: its stage, and its open tasks as its machine holds them (the
   * proposer's revision task, which it does not hold, is open only in the revision stage, checked as a
   * stage). `expectedVersion` refuses with 409 when the case moved on.
   */
  async moveCase(actor: Actor, caseId: string, source: WorkflowDefinition, target: WorkflowDefinition, expectedVersion?: number): Promise<MovedCase | { code: SkipCode; reason: string }> {
    try {
      const { case: row } = await this.engine.step({
        caseId,
        actor,
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        plan: (current: LoadedCase) => {
          const why = whyNotMovable(current.row, source, target, (current.snapshot.context.tasks ?? []) as MachineTask[]);
          if (why) throw new DomainError('InvalidTransition', why.reason, { code: why.code, stage: current.row.stage });
          return { type: MIGRATED_EVENT, machineEvent: null, data: { from: source.version, to: target.version }, moveTo: target };
        },
      });
      return { caseId: row.id, number: row.number, stage: row.stage };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'InvalidTransition' && typeof err.details.code === 'string') return { code: err.details.code as SkipCode, reason: err.message };
      // Lost the race to its case every time (the engine's 409): left as it is; running again moves it.
      if (err instanceof DomainError && err.code === 'ConcurrentWriteWon' && expectedVersion === undefined) {
        return { code: 'concurrent_write', reason: 'Kasus sedang diubah bersamaan; jalankan pemindahan lagi.' };
      }
      throw err;
    }
  }

  /** The candidates in batches of BATCH, by id: the named cases, or every case on `name@version`. */
  private async *batches(name: string, version: number, ids: string[] | null): AsyncGenerator<Candidate[]> {
    const select = { id: true, number: true, stage: true, workflowName: true, workflowVersion: true } as const;
    if (ids) {
      for (let i = 0; i < ids.length; i += BATCH) {
        const chunk = ids.slice(i, i + BATCH);
        const rows = await this.db.read((em) => em.find<CaseRow>(CASE, { select, where: { id: In(chunk) } }));
        const byId = new Map(rows.map((r) => [r.id, r]));
        yield chunk.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
      }
      return;
    }
    let after = '';
    for (;;) {
      const rows = await this.db.read((em) =>
        em.find<CaseRow>(CASE, { select, where: { workflowName: name, workflowVersion: version, ...(after ? { id: MoreThan(after) } : {}) }, order: { id: 'ASC' }, take: BATCH }),
      );
      if (!rows.length) return;
      yield rows;
      after = rows.at(-1)!.id;
    }
  }
}
