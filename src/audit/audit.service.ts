import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { createActor, type AnyMachineSnapshot } from 'xstate';
import { Brackets, LessThanOrEqual } from 'typeorm';
import { findWorkflow, workflowOf, type WorkflowDefinition } from '../../workflows/registry.js';
import { hasRole, type Actor } from '../common/actor.js';
import { canSeeCase } from '../cases/case-visibility.js';
import { sameJson } from '../common/canonical-json.js';
import { DomainError, forbidden, invalid, notFound } from '../common/errors.js';
import { Database } from '../database/database.js';
import { CASE, CASE_EVENT, DOCUMENT, TASK } from '../database/entities.js';
import type { CaseEventRow, CaseRow, DocumentRow } from '../database/rows.js';
import { DOCUMENT_STORE, findAlteredDocuments, type DocumentStore } from '../documents/document-store.js';
import { allowedEvents, IMPORTED_EVENT, importedSnapshot, MIGRATED_EVENT, persist } from '../engine/engine.js';
import { GENESIS_HASH, hashEvent, UnknownHashFormat } from '../engine/event-hash.js';
import { exportEvents, type ExportFormat } from './audit-export.js';

export interface HistoryEventDto {
  seq: number;
  type: string;
  actor: { id: string; roles: string[] };
  at: string;
  data: Record<string, unknown>;
  stageBefore: string | null;
  stageAfter: string;
  workflowVersion: number;
  prevHash: string;
  hash: string;
  /** How the event was written out before hashing (event-hash.ts), so anyone can recompute `hash`. */
  hashFormat: number;
}

export type ProblemKind = 'hash_mismatch' | 'gap' | 'replay_divergence' | 'checkpoint_mismatch';
export interface Problem {
  caseId: string;
  seq: number;
  kind: ProblemKind;
  detail?: string;
}

const VERIFY_BATCH = 200;
const READ_AHEAD = 2;

export function toHistoryEventDto(e: CaseEventRow): HistoryEventDto {
  return {
    seq: e.seq,
    type: e.type,
    actor: { id: e.actorId, roles: e.actorRoles },
    at: e.at.toISOString(),
    data: e.data,
    stageBefore: e.stageBefore,
    stageAfter: e.stageAfter,
    workflowVersion: e.workflowVersion,
    prevHash: e.prevHash,
    hash: e.hash,
    hashFormat: e.hashFormat,
  };
}

/**
 * Replays a case's events through the workflow version that recorded them, from nothing but the log.
 * A live actor folds a history several times faster than `transition()`, which builds a new actor
 * scope for every event; the machines' only actions are assigns, so both reach the same snapshot at
 * every step (replay.spec.ts). An error inside the machine is thrown, as `transition()` would.
 */
export function replayEvents(events: CaseEventRow[]): { snapshot: AnyMachineSnapshot; stages: string[] } {
  const first = events[0];
  if (!first || (first.type !== 'CASE_CREATED' && first.type !== IMPORTED_EVENT)) throw new Error(`a case history starts with CASE_CREATED or ${IMPORTED_EVENT}`);
  const workflow = findWorkflow(first.workflowName, first.workflowVersion);
  if (!workflow) throw new Error(`workflow ${first.workflowName}@${first.workflowVersion} is not known`);
  const input = first.data.input as Record<string, unknown>;
  // An imported case begins at the stage its event names, with the machine's initial context for its input.
  const begun = first.type === IMPORTED_EVENT ? importedSnapshot(workflow, input, first.stageAfter) : null;
  let actor = startActor(workflow, begun ? { snapshot: begun } : { input });
  const current = (): AnyMachineSnapshot => {
    const snapshot = actor.getSnapshot() as AnyMachineSnapshot;
    if (snapshot.status === 'error') throw snapshot.error instanceof Error ? snapshot.error : new Error(String(snapshot.error));
    return snapshot;
  };
  try {
    let snapshot = current();
    const stages = [String(snapshot.value)];
    for (let i = 1; i < events.length; i++) {
      const e = events[i]!;
      if (e.type === MIGRATED_EVENT) {
        // The case moved to another version: the same stage and context, on the version the event records, from here on.
        const target = findWorkflow(e.workflowName, e.workflowVersion);
        if (!target) throw new Error(`seq ${e.seq}: workflow ${e.workflowName}@${e.workflowVersion} is not known`);
        actor.stop();
        actor = startActor(target, { snapshot: target.machine.resolveState({ value: snapshot.value, context: snapshot.context }) });
      } else if (e.data.event !== undefined) {
        // An event recorded without a machine event (REGISTER_UPDATED) leaves the state as it was.
        actor.send(e.data.event as never);
      }
      snapshot = current();
      stages.push(String(snapshot.value));
    }
    return { snapshot, stages };
  } finally {
    actor.stop();
  }
}

/** A started actor of `workflow`, from its input or at a resolved state (an import's first, a migration's). */
function startActor(workflow: WorkflowDefinition, from: { input: Record<string, unknown> } | { snapshot: AnyMachineSnapshot }) {
  const actor = createActor(
    workflow.machine,
    'snapshot' in from
      ? { snapshot: { value: from.snapshot.value, context: from.snapshot.context, status: from.snapshot.status, children: {}, historyValue: {} } as never }
      : { input: from.input as never },
  );
  // Without an error observer xstate rethrows the error later, outside this call.
  actor.subscribe({ error: () => undefined });
  actor.start();
  return actor;
}

/** History, replay, export and verification of the tamper-evident event log. */
@Injectable()
export class AuditService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
  ) {}

  /** The whole event log (events at `range`), streamed case by case as `format`. */
  exportEvents(format: ExportFormat, range: { from?: Date; to?: Date }): Readable {
    return exportEvents(this.db, format, range);
  }

  async history(actor: Actor, caseId: string): Promise<HistoryEventDto[]> {
    await this.assertCanSeeRecord(actor, caseId);
    const events = await this.db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { where: { caseId }, order: { seq: 'ASC' } }));
    return events.map(toHistoryEventDto);
  }

  /**
   * Throws 404 for an unknown case, and for one the actor may not see at all (a proposer's view is their
   * own cases, case-visibility.ts) — the same error, so the case's existence is not revealed; `unseen`
   * names what was asked for when that was not the case itself (a document: its own 404). Then 403
   * unless the actor may see the case's record: auditors, admins, the proposer, anyone who acted on the
   * case, and holders of a role it has (had) tasks for. Asked with a few indexed existence queries, not
   * by loading the history.
   */
  async assertCanSeeRecord(actor: Actor, caseId: string, unseen: () => DomainError = () => notFound('case', caseId)): Promise<void> {
    const allowed = await this.db.read(async (em) => {
      const row = await em.findOne<CaseRow>(CASE, { where: { id: caseId }, select: { id: true, proposerId: true } });
      if (!row || !canSeeCase(actor, row)) throw unseen();
      if (hasRole(actor, 'auditor', 'admin') || row.proposerId === actor.id) return true;
      if (await em.existsBy(CASE_EVENT, { caseId, actorId: actor.id })) return true;
      const tasks = em.createQueryBuilder(TASK, 't').where('t.case_id = :caseId', { caseId });
      return tasks
        .andWhere(
          new Brackets((w) => {
            w.where('t.assignee_id = :me', { me: actor.id }).orWhere('t.completed_by = :me', { me: actor.id });
            if (actor.roles.length) w.orWhere('t.role IN (:...roles)', { roles: actor.roles });
          }),
        )
        .getExists();
    });
    if (!allowed) throw forbidden('the case record is open to auditors, admins and the case’s participants');
  }

  async replay(caseId: string, query: { seq?: number; at?: string }) {
    if ((query.seq === undefined) === (query.at === undefined)) throw invalid('seq', 'give exactly one of seq or at');
    const atDate = query.at !== undefined ? new Date(query.at) : null;
    if (atDate && Number.isNaN(atDate.getTime())) throw invalid('at', 'must be an ISO 8601 date-time');
    const row = await this.db.read((em) => em.findOneBy<CaseRow>(CASE, { id: caseId }));
    if (!row) throw notFound('case', caseId);
    const events = await this.db.read((em) =>
      em.find<CaseEventRow>(CASE_EVENT, {
        where: query.seq !== undefined ? { caseId, seq: LessThanOrEqual(query.seq) } : { caseId, at: LessThanOrEqual(atDate!) },
        order: { seq: 'ASC' },
      }),
    );
    if (events.length === 0) throw new DomainError('NotFound', `case ${caseId} has no events ${query.seq !== undefined ? `up to seq ${query.seq}` : `at or before ${query.at}`}`);
    if (query.seq !== undefined && query.seq > row.version) throw new DomainError('NotFound', `case ${caseId} has no event ${query.seq} (last is ${row.version})`);
    const last = events[events.length - 1]!;
    const { snapshot } = replayEvents(events);
    const stage = String(snapshot.value);
    const replayed = persist(snapshot);
    const matchesStored =
      stage === last.stageAfter && (last.seq === row.version ? sameJson(replayed, row.snapshot) : true);
    const tasks = (replayed.context.tasks ?? []) as { key: string; stage: string; role: string; assignee: string | null }[];
    const workflow = workflowOf(last);
    const caseEvents = allowedEvents(workflow, snapshot).map((type) => ({ type, roles: workflow.caseEventRules[type]!.roles, proposerOnly: workflow.caseEventRules[type]!.proposerOnly }));
    return {
      seq: last.seq,
      at: last.at.toISOString(),
      workflow: { name: last.workflowName, version: last.workflowVersion },
      stage,
      openTasks: tasks.map((t) => ({ key: t.key, stage: t.stage, role: t.role, assignee: t.assignee })),
      // Who could act at that instant: each open task's assignee, or any holder of its role; and the case events allowed.
      couldAct: { tasks: tasks.map((t) => (t.assignee ? { task: t.key, user: t.assignee } : { task: t.key, role: t.role })), events: caseEvents },
      context: replayed.context,
      matchesStored,
    };
  }

  /**
   * Checks every case (or one): contiguous seq, hash chain, replay against the stored stage and
   * snapshot, each document against its upload event and its stored bytes. Cases go by in batches,
   * each read with three queries (cases, their events, their documents) ahead of the batch being
   * checked, so the database and the replay overlap; `onProgress` gets (done, total).
   */
  async verify(caseId?: string, onProgress?: (done: number, total: number) => void): Promise<{ ok: boolean; casesChecked: number; eventsChecked: number; problems: Problem[] }> {
    const problems: Problem[] = [];
    let casesChecked = 0;
    let eventsChecked = 0;
    const ids = caseId ? [caseId] : await this.caseIdsInOrder();
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += VERIFY_BATCH) batches.push(ids.slice(i, i + VERIFY_BATCH));
    const byteHashes = new Map<string, string | null>();
    // Two batches are read ahead while one is checked: the database's side of a batch (finding the rows
    // and writing their JSON) takes about as long as checking it, and overlaps it on another core.
    const ahead: Promise<VerifyBatch>[] = batches.slice(0, READ_AHEAD).map((ids) => this.loadBatch(ids));
    try {
      for (let b = 0; b < batches.length; b++) {
        const batch = await ahead.shift()!;
        if (b + READ_AHEAD < batches.length) ahead.push(this.loadBatch(batches[b + READ_AHEAD]!));
        if (caseId && !batch.cases.has(caseId)) throw notFound('case', caseId);
        const altered = new Map<string, { doc: DocumentRow; reason: string }[]>();
        for (const found of await findAlteredDocuments(this.store, [...batch.docs.values()].flat(), byteHashes)) {
          altered.set(found.doc.caseId, [...(altered.get(found.doc.caseId) ?? []), found]);
        }
        // Content is shared between cases only now and then; the cache stays bounded.
        if (byteHashes.size > 50_000) byteHashes.clear();
        for (const id of batches[b]!) {
          const row = batch.cases.get(id);
          // A case deleted since the list was read has nothing left to check.
          if (!row) continue;
          const events = batch.events.get(id) ?? [];
          const docs = batch.docs.get(id) ?? [];
          casesChecked++;
          eventsChecked += events.length;
          problems.push(...checkChain(row, events), ...checkDocumentRecords(row, events, docs));
          for (const { doc, reason } of altered.get(id) ?? []) problems.push({ caseId: doc.caseId, seq: doc.eventSeq, kind: 'hash_mismatch', detail: reason });
          onProgress?.(casesChecked, ids.length);
        }
      }
    } finally {
      // A failed batch must not leave a read-ahead's rejection unhandled.
      for (const read of ahead) read.catch(() => undefined);
    }
    return { ok: problems.length === 0, casesChecked, eventsChecked, problems };
  }

  /** Every case id, oldest first: verify's order (and its progress total), read once without the rows. */
  private async caseIdsInOrder(): Promise<string[]> {
    const rows = await this.db.read((em) => em.createQueryBuilder(CASE, 'c').select('c.id', 'id').orderBy('c.created_at', 'ASC').addOrderBy('c.id', 'ASC').getRawMany<{ id: string }>());
    return rows.map((r) => r.id);
  }

  private loadBatch(ids: string[]): Promise<VerifyBatch> {
    return this.db.read(async (em) => {
      // Hand-written SQL (RawTable): TypeORM's find costs more CPU per event row than hashing it.
      const cases = await this.db.raw<CaseRow>(CASE).selectIn(em, 'id', ids);
      const events = await this.db.raw<CaseEventRow>(CASE_EVENT).selectIn(em, 'caseId', ids, ['caseId', 'seq']);
      const docs = await this.db.raw<DocumentRow>(DOCUMENT).selectIn(em, 'caseId', ids, ['uploadedAt']);
      return { cases: new Map(cases.map((c) => [c.id, c])), events: groupByCase(events), docs: groupByCase(docs) };
    });
  }
}

interface VerifyBatch {
  cases: Map<string, CaseRow>;
  events: Map<string, CaseEventRow[]>;
  docs: Map<string, DocumentRow[]>;
}

function groupByCase<T extends { caseId: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.caseId);
    if (list) list.push(r);
    else out.set(r.caseId, [r]);
  }
  return out;
}

/** Each stored document must match the upload event that recorded it (kind, version, sha256, size). */
export function checkDocumentRecords(row: CaseRow, events: CaseEventRow[], docs: DocumentRow[]): Problem[] {
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  return docs.flatMap((doc) => {
    const recorded = bySeq.get(doc.eventSeq)?.data.document as Partial<DocumentRow> | undefined;
    const same = recorded && recorded.id === doc.id && recorded.sha256 === doc.sha256 && recorded.kind === doc.kind && recorded.version === doc.version && recorded.size === doc.size;
    return same ? [] : [{ caseId: row.id, seq: doc.eventSeq, kind: 'hash_mismatch' as const, detail: `document ${doc.id} differs from its upload event` }];
  });
}

/** Null when the event links to `prev` and hashes, in its own recorded format, to its hash. */
function hashProblem(e: CaseEventRow, prev: string): { detail?: string } | null {
  if (e.prevHash !== prev) return {};
  try {
    return hashEvent(e) === e.hash ? null : {};
  } catch (err) {
    if (err instanceof UnknownHashFormat) return { detail: err.message };
    throw err;
  }
}

export function checkChain(row: CaseRow, events: CaseEventRow[]): Problem[] {
  const problems: Problem[] = [];
  let prev = GENESIS_HASH;
  events.forEach((e, i) => {
    if (e.seq !== i + 1) problems.push({ caseId: row.id, seq: i + 1, kind: 'gap', detail: `expected seq ${i + 1}, found ${e.seq}` });
    const mismatch = hashProblem(e, prev);
    if (mismatch) problems.push({ caseId: row.id, seq: e.seq, kind: 'hash_mismatch', ...mismatch });
    prev = e.hash;
  });
  if (events.length !== row.version) problems.push({ caseId: row.id, seq: events.length + 1, kind: 'gap', detail: `case is at version ${row.version}, log has ${events.length} events` });
  if (events.length && row.headHash !== prev) problems.push({ caseId: row.id, seq: events.length, kind: 'hash_mismatch', detail: 'case head hash differs from the last event' });
  try {
    const { snapshot, stages } = replayEvents(events);
    const diverged = events.findIndex((e, i) => stages[i] !== e.stageAfter);
    if (diverged >= 0) {
      problems.push({ caseId: row.id, seq: events[diverged]!.seq, kind: 'replay_divergence', detail: `replay gives ${stages[diverged]}, log says ${events[diverged]!.stageAfter}` });
    } else if (!sameJson(persist(snapshot), row.snapshot) || String(snapshot.value) !== row.stage) {
      problems.push({ caseId: row.id, seq: events.length, kind: 'replay_divergence', detail: 'replayed state differs from the stored case' });
    }
  } catch (err) {
    problems.push({ caseId: row.id, seq: 1, kind: 'replay_divergence', detail: (err as Error).message });
  }
  return problems;
}
