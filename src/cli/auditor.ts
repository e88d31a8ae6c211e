import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { Between, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { exportEvents, type ExportFormat } from '../audit/audit-export.js';
import { AuditService } from '../audit/audit.service.js';
import { CheckpointsService } from '../audit/checkpoints.service.js';
import { ExportChainCheck } from '../audit/export-verify.js';
import { DomainError } from '../common/errors.js';
import { Database } from '../database/database.js';
import { CASE_EVENT } from '../database/entities.js';
import type { CaseEventRow } from '../database/rows.js';
import { UsageError } from './arguments.js';
import type { Progress } from './progress.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** How far a long command has got (a terminal draws a bar; piped output gets none). */
  progress: Progress;
}

/** `replay <case> [--at ISO|--seq N]`: the timeline, then the state at that point. `caseId` is resolved. */
export async function replayCommand(app: INestApplicationContext, caseId: string, options: { at?: string; seq?: number }, io: CliIo): Promise<number> {
  const audit = app.get(AuditService);
  const history = await audit.history({ id: 'cli-auditor', roles: ['auditor'] }, caseId);
  // Replayed before anything is printed: a --seq or --at past the log is one line on stderr, not half an answer.
  const state = await audit.replay(caseId, options.at !== undefined ? { at: options.at } : { seq: options.seq ?? history.length });
  for (const e of history) {
    const d = e.data as { decision?: string; comment?: string | null; document?: { kind: string; version: number } };
    const what = d.decision ? ` ${d.decision}` : d.document ? ` ${d.document.kind} v${d.document.version}` : '';
    io.out(`${String(e.seq).padStart(4)}  ${e.at}  ${e.actor.id.padEnd(18)} ${e.type}${what}  ${e.stageBefore ?? '-'} → ${e.stageAfter}${d.comment ? `  “${d.comment}”` : ''}`);
  }
  io.out(`state at seq ${state.seq} (${state.at}): ${state.stage} on ${state.workflow.name}@${state.workflow.version}; stored snapshot ${state.matchesStored ? 'matches' : 'DIFFERS'}`);
  for (const t of state.openTasks) io.out(`  open task ${t.key} (${t.stage}) for ${t.assignee ?? `any ${t.role}`}`);
  return state.matchesStored ? 0 : 1;
}

/** The kept checkpoint file of `verify --checkpoint`, read before the app starts; a UsageError if unreadable. */
export function readCheckpointFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--checkpoint: cannot read ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** `verify [--checkpoint file] [--case id]`: exits 1 when anything fails verification. `caseId` is resolved. */
export async function verifyCommand(app: INestApplicationContext, options: { checkpoint?: unknown; caseId?: string }, io: CliIo): Promise<number> {
  const kept = options.checkpoint;
  const result = await app.get(AuditService).verify(options.caseId, (done, total) => io.progress('verifying', done, total));
  const problems = [...result.problems];
  if (kept !== undefined) {
    try {
      const checked = await app.get(CheckpointsService).verifyAgainst(kept);
      problems.push(...checked.problems);
      io.out(`checkpoint ${checked.checkpoint}: ${checked.problems.length === 0 ? 'ok' : 'MISMATCH'} (${checked.eventsCovered} events covered)`);
    } catch (err) {
      if (err instanceof DomainError) throw new UsageError(`--checkpoint: ${err.message}`);
      throw err;
    }
  }
  io.out(`${problems.length === 0 ? 'ok' : 'FAILED'}: ${result.casesChecked} cases, ${result.eventsChecked} events checked, ${problems.length} problem(s)`);
  for (const p of problems) io.out(`  ${p.kind} case ${p.caseId} seq ${p.seq}${p.detail ? `: ${p.detail}` : ''}`);
  return problems.length === 0 ? 0 : 1;
}

/**
 * `verify-export <file>`: the hash chains of a JSON-lines export, from the file alone — no database, so an
 * auditor can check a copy handed over; exits 1 on any problem. An unreadable file is a UsageError.
 */
export async function verifyExportCommand(file: string, io: CliIo): Promise<number> {
  const check = new ExportChainCheck();
  try {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) check.add(line);
  } catch (err) {
    throw new UsageError(`verify-export: cannot read ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const { problems } = check;
  io.out(`${problems.length === 0 ? 'ok' : 'FAILED'}: ${check.eventsChecked} events of ${file} checked, ${problems.length} problem(s)`);
  for (const p of problems) io.out(`  ${p.kind} case ${p.caseId} seq ${p.seq}${p.detail ? `: ${p.detail}` : ''}`);
  return problems.length === 0 ? 0 : 1;
}

/** `export --format jsonl|csv|xes --out file [--from ISO] [--to ISO]`; the options are checked by the parser. */
export async function exportCommand(app: INestApplicationContext, options: { format: ExportFormat; out: string; from?: string; to?: string }, io: CliIo): Promise<number> {
  const { format, out } = options;
  const from = options.from !== undefined ? new Date(options.from) : undefined;
  const to = options.to !== undefined ? new Date(options.to) : undefined;
  const db = app.get(Database);
  const at = from && to ? Between(from, to) : from ? MoreThanOrEqual(from) : to ? LessThanOrEqual(to) : undefined;
  const total = await db.read((em) => em.countBy<CaseEventRow>(CASE_EVENT, at ? { at } : {}));
  let bytes = 0;
  let events = 0;
  let header = format === 'csv';
  const count = new Transform({
    transform(chunk: Buffer | string, _enc, done) {
      const text = String(chunk);
      bytes += Buffer.byteLength(chunk);
      // One line per event in JSONL and CSV (after CSV's header), one <event> element per event in XES.
      if (format === 'xes') events += text.split('<event>').length - 1;
      else if (header) header = false;
      else events += 1;
      io.progress(`exporting ${format}`, Math.min(events, total), total);
      done(null, chunk);
    },
  });
  await pipeline(exportEvents(db, format, { from, to }), count, createWriteStream(out));
  io.out(`wrote ${out} (${bytes} bytes)`);
  return 0;
}
