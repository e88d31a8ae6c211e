import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../../src/database/database.js';
import { BLOB, CASE, CASE_EVENT, DOCUMENT, TASK, TIMER } from '../../../src/database/entities.js';
import type { BlobRow, CaseEventRow, CaseRow, DocumentRow, TaskRow, TimerRow } from '../../../src/database/rows.js';
import { GENESIS_HASH, hashEvent } from '../../../src/engine/event-hash.js';

export interface IntegrityReport {
  problems: string[];
  cases: number;
  events: number;
  tasks: number;
  documents: number;
  timers: number;
  /** Document bytes no document row refers to (a kill -9 between writing the file and the commit). */
  orphanBytes: number;
}

type SnapshotTask = { key: string; assignee: string | null };

/**
 * Reads every case's rows straight from the database and checks that each step left all of its
 * writes or none: events numbered 1..version with an unbroken hash chain ending at the case's head,
 * the snapshot at the last event's stage, open task rows equal to the snapshot's open tasks, every
 * completion on its task row, a document row (and its bytes) per upload,
 * and deadline timers for every open task.
 */
export async function checkIntegrity(db: Database, options: { documentsDir?: string } = {}): Promise<IntegrityReport> {
  const { cases, events, tasks, documents, timers, blobs } = await db.read(async (em) => ({
    cases: await em.find<CaseRow>(CASE),
    events: await em.find<CaseEventRow>(CASE_EVENT, { order: { caseId: 'ASC', seq: 'ASC' } }),
    tasks: await em.find<TaskRow>(TASK),
    documents: await em.find<DocumentRow>(DOCUMENT),
    timers: await em.find<TimerRow>(TIMER, { select: { id: true, taskId: true, status: true, caseId: true } }),
    blobs: db.dialect === 'postgres' ? await em.find<BlobRow>(BLOB, { select: { sha256: true } }) : [],
  }));
  const problems: string[] = [];
  const group = <T, K>(rows: T[], key: (r: T) => K) => {
    const map = new Map<K, T[]>();
    for (const r of rows) map.set(key(r), [...(map.get(key(r)) ?? []), r]);
    return map;
  };
  const caseIds = new Set(cases.map((c) => c.id));
  const eventsByCase = group(events, (e) => e.caseId);
  const tasksByCase = group(tasks, (t) => t.caseId);
  const docsByStep = group(documents, (d) => `${d.caseId}#${d.eventSeq}`);
  const timersByTask = group(timers, (t) => t.taskId);
  const taskById = new Map(tasks.map((t) => [t.id, t]));

  for (const c of cases) {
    const where = `case ${c.number} (${c.id})`;
    const evs = eventsByCase.get(c.id) ?? [];
    if (evs.length !== c.version) problems.push(`${where}: version ${c.version} but ${evs.length} events`);
    evs.forEach((e, i) => {
      if (e.seq !== i + 1) problems.push(`${where}: event #${i + 1} has seq ${e.seq} (gap or repeat)`);
      if (e.prevHash !== (i === 0 ? GENESIS_HASH : evs[i - 1]!.hash)) problems.push(`${where}: seq ${e.seq} does not chain to the previous event`);
      if (hashEvent(e) !== e.hash) problems.push(`${where}: seq ${e.seq} hash does not match its content`);
      if (e.type === 'DOCUMENT_UPLOADED') {
        const doc = (e.data.document ?? {}) as { id?: string; sha256?: string };
        const rows = docsByStep.get(`${c.id}#${e.seq}`) ?? [];
        if (rows.length !== 1 || rows[0]!.id !== doc.id || rows[0]!.sha256 !== doc.sha256) problems.push(`${where}: upload at seq ${e.seq} has no matching document row`);
      }
      if (e.type === 'TASK_COMPLETED') {
        const task = taskById.get(String(e.data.taskId));
        if (!task || task.status !== 'completed' || task.decision !== e.data.decision) problems.push(`${where}: completion at seq ${e.seq} is not on task ${String(e.data.taskId)}`);
      }
    });
    const last = evs[evs.length - 1];
    if (last) {
      if (c.headHash !== last.hash) problems.push(`${where}: head hash is not the last event's hash`);
      if (c.stage !== last.stageAfter) problems.push(`${where}: stage ${c.stage} but the last event leads to ${last.stageAfter}`);
    }
    if (String(c.snapshot.value) !== c.stage) problems.push(`${where}: snapshot at ${String(c.snapshot.value)}, case at ${c.stage}`);
    const inSnapshot = ((c.snapshot.context.tasks ?? []) as SnapshotTask[]).map((t) => `${t.key}:${t.assignee ?? '-'}`).sort();
    const openRows = (tasksByCase.get(c.id) ?? []).filter((t) => t.status === 'open');
    const inTable = openRows.map((t) => `${t.key}:${t.assigneeId ?? '-'}`).sort();
    if (inSnapshot.join(',') !== inTable.join(',')) problems.push(`${where}: snapshot tasks [${inSnapshot}] but open task rows [${inTable}]`);
    for (const t of openRows) {
      if (!t.dueAt || !(timersByTask.get(t.id) ?? []).length) problems.push(`${where}: open task ${t.key} has no deadline timers`);
    }
  }
  for (const rows of [tasks, documents, events]) {
    for (const r of rows as { caseId: string }[]) if (!caseIds.has(r.caseId)) problems.push(`a row of case ${r.caseId} without its case`);
  }
  for (const [step] of docsByStep) {
    const [caseId, seq] = step.split('#');
    if (!(eventsByCase.get(caseId!) ?? []).some((e) => e.seq === Number(seq))) problems.push(`document row for ${step} without its event`);
  }

  const stored = new Set(db.dialect === 'postgres' ? blobs.map((b) => b.sha256) : storedFiles(options.documentsDir));
  for (const d of documents) if (!stored.has(d.sha256)) problems.push(`document ${d.id} of case ${d.caseId}: bytes missing from storage`);
  const referenced = new Set(documents.map((d) => d.sha256));
  const orphanBytes = [...stored].filter((sha) => !referenced.has(sha)).length;

  return { problems, cases: cases.length, events: events.length, tasks: tasks.length, documents: documents.length, timers: timers.length, orphanBytes };
}

/** sha256 names of the files the embedded document store holds (data/documents/ab/abcdef…). */
function storedFiles(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir).flatMap((sub) => readdirSync(join(dir, sub)).filter((f) => /^[0-9a-f]{64}$/.test(f)));
}
