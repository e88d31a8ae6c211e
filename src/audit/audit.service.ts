import { Inject, Injectable } from '@nestjs/common';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { LessThanOrEqual } from 'typeorm';
import { findWorkflow } from '../../workflows/registry.js';
import { hasRole, type Actor } from '../common/actor.js';
import { canonicalJson } from '../common/canonical-json.js';
import { DomainError, forbidden, invalid, notFound } from '../common/errors.js';
import { Database } from '../database/database.js';
import { CASE, CASE_EVENT, DOCUMENT, TASK } from '../database/entities.js';
import type { CaseEventRow, CaseRow, DocumentRow, TaskRow } from '../database/rows.js';
import { DOCUMENT_STORE, findAlteredDocuments, type DocumentStore } from '../documents/document-store.js';
import { allowedEvents, persist } from '../engine/engine.js';
import { CASE_EVENT_RULES, type CaseEventType } from '../../workflows/cooperation/v1.rules.js';
import { GENESIS_HASH, hashEvent } from '../engine/event-hash.js';

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
}

export type ProblemKind = 'hash_mismatch' | 'gap' | 'replay_divergence' | 'checkpoint_mismatch';
export interface Problem {
  caseId: string;
  seq: number;
  kind: ProblemKind;
  detail?: string;
}

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
  };
}

/** Replays a case's events through the workflow version that recorded them, from nothing but the log. */
export function replayEvents(events: CaseEventRow[]): { snapshot: AnyMachineSnapshot; stages: string[] } {
  const first = events[0];
  if (!first || first.type !== 'CASE_CREATED') throw new Error('a case history starts with CASE_CREATED');
  const workflow = findWorkflow(first.workflowName, first.workflowVersion);
  if (!workflow) throw new Error(`workflow ${first.workflowName}@${first.workflowVersion} is not known`);
  let [snapshot] = initialTransition(workflow.machine, first.data.input as never);
  const stages = [String(snapshot.value)];
  for (const e of events.slice(1)) {
    [snapshot] = transition(workflow.machine, snapshot, e.data.event as never);
    stages.push(String(snapshot.value));
  }
  return { snapshot, stages };
}

/** History, replay and verification of the tamper-evident event log. */
@Injectable()
export class AuditService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
  ) {}

  async history(actor: Actor, caseId: string): Promise<HistoryEventDto[]> {
    const { row, events, tasks } = await this.loadCase(caseId);
    if (!this.isParticipant(actor, row, events, tasks)) {
      throw forbidden('the history is open to auditors, admins and the case’s participants');
    }
    return events.map(toHistoryEventDto);
  }

  /** Throws 404 for an unknown case and 403 unless the actor may see its record. */
  async assertCanSeeRecord(actor: Actor, caseId: string): Promise<void> {
    const { row, events, tasks } = await this.loadCase(caseId);
    if (!this.isParticipant(actor, row, events, tasks)) throw forbidden('the case record is open to auditors, admins and the case’s participants');
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
      stage === last.stageAfter && (last.seq === row.version ? canonicalJson(replayed) === canonicalJson(row.snapshot) : true);
    const tasks = (replayed.context.tasks ?? []) as { key: string; stage: string; role: string; assignee: string | null }[];
    const caseEvents = allowedEvents(snapshot).map((type) => ({ type, roles: CASE_EVENT_RULES[type as CaseEventType].roles, proposerOnly: CASE_EVENT_RULES[type as CaseEventType].proposerOnly }));
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

  /** Checks every case (or one): contiguous seq, hash chain, replay against stored stages and snapshot. */
  /** Streams case by case (one case's events in memory at a time); `onProgress` gets (done, total). */
  async verify(caseId?: string, onProgress?: (done: number, total: number) => void): Promise<{ ok: boolean; casesChecked: number; eventsChecked: number; problems: Problem[] }> {
    const problems: Problem[] = [];
    let casesChecked = 0;
    let eventsChecked = 0;
    const ids = caseId
      ? [caseId]
      : (await this.db.read((em) => em.find<CaseRow>(CASE, { select: { id: true }, order: { createdAt: 'ASC' } }))).map((c) => c.id);
    for (const id of ids) {
      const row = await this.db.read((em) => em.findOneBy<CaseRow>(CASE, { id }));
      if (!row) throw notFound('case', id);
      const events = await this.db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: id }, order: { seq: 'ASC' } }));
      casesChecked++;
      eventsChecked += events.length;
      onProgress?.(casesChecked, ids.length);
      problems.push(...checkChain(row, events));
      problems.push(...checkDocumentRecords(row, events, await this.db.read((em) => em.findBy<DocumentRow>(DOCUMENT, { caseId: id }))));
    }
    for (const { doc, reason } of await findAlteredDocuments(this.db, this.store, caseId)) {
      problems.push({ caseId: doc.caseId, seq: doc.eventSeq, kind: 'hash_mismatch', detail: reason });
    }
    return { ok: problems.length === 0, casesChecked, eventsChecked, problems };
  }

  private async loadCase(caseId: string) {
    return this.db.read(async (em) => {
      const row = await em.findOneBy<CaseRow>(CASE, { id: caseId });
      if (!row) throw notFound('case', caseId);
      const events = await em.find<CaseEventRow>(CASE_EVENT, { where: { caseId }, order: { seq: 'ASC' } });
      const tasks = await em.findBy<TaskRow>(TASK, { caseId });
      return { row, events, tasks };
    });
  }

  /** Auditors, admins, the proposer, anyone who acted on the case, and holders of a role it has tasks for. */
  private isParticipant(actor: Actor, row: CaseRow, events: CaseEventRow[], tasks: TaskRow[]): boolean {
    if (hasRole(actor, 'auditor', 'admin')) return true;
    if (row.proposerId === actor.id) return true;
    if (events.some((e) => e.actorId === actor.id)) return true;
    return tasks.some((t) => t.assigneeId === actor.id || t.completedBy === actor.id || actor.roles.includes(t.role as never));
  }
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

export function checkChain(row: CaseRow, events: CaseEventRow[]): Problem[] {
  const problems: Problem[] = [];
  let prev = GENESIS_HASH;
  events.forEach((e, i) => {
    if (e.seq !== i + 1) problems.push({ caseId: row.id, seq: i + 1, kind: 'gap', detail: `expected seq ${i + 1}, found ${e.seq}` });
    if (e.prevHash !== prev || hashEvent(e) !== e.hash) problems.push({ caseId: row.id, seq: e.seq, kind: 'hash_mismatch' });
    prev = e.hash;
  });
  if (events.length !== row.version) problems.push({ caseId: row.id, seq: events.length + 1, kind: 'gap', detail: `case is at version ${row.version}, log has ${events.length} events` });
  if (events.length && row.headHash !== prev) problems.push({ caseId: row.id, seq: events.length, kind: 'hash_mismatch', detail: 'case head hash differs from the last event' });
  try {
    const { snapshot, stages } = replayEvents(events);
    const diverged = events.findIndex((e, i) => stages[i] !== e.stageAfter);
    if (diverged >= 0) {
      problems.push({ caseId: row.id, seq: events[diverged]!.seq, kind: 'replay_divergence', detail: `replay gives ${stages[diverged]}, log says ${events[diverged]!.stageAfter}` });
    } else if (canonicalJson(persist(snapshot)) !== canonicalJson(row.snapshot) || String(snapshot.value) !== row.stage) {
      problems.push({ caseId: row.id, seq: events.length, kind: 'replay_divergence', detail: 'replayed state differs from the stored case' });
    }
  } catch (err) {
    problems.push({ caseId: row.id, seq: 1, kind: 'replay_divergence', detail: (err as Error).message });
  }
  return problems;
}
