import { createWriteStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { EXPORT_FORMATS, exportEvents, type ExportFormat } from '../audit/audit-export.js';
import { AuditService } from '../audit/audit.service.js';
import { CheckpointsService } from '../audit/checkpoints.service.js';
import { DomainError } from '../common/errors.js';
import { Database } from '../database/database.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** A progress line (a terminal overwrites it in place). */
  progress: (text: string) => void;
}

export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total === 0 ? 1 : done / total;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `replay <caseId> [--at ISO|--seq N]`: the timeline, then the state at that point. */
export async function replayCommand(app: INestApplicationContext, args: string[], io: CliIo): Promise<number> {
  const caseId = args.find((a) => !a.startsWith('--') && a !== option(args, '--at') && a !== option(args, '--seq'));
  if (!caseId) {
    io.err('usage: replay <caseId> [--at ISO] [--seq N]');
    return 2;
  }
  const audit = app.get(AuditService);
  const history = await audit.history({ id: 'cli-auditor', roles: ['auditor'] }, caseId);
  for (const e of history) {
    const d = e.data as { decision?: string; comment?: string | null; document?: { kind: string; version: number } };
    const what = d.decision ? ` ${d.decision}` : d.document ? ` ${d.document.kind} v${d.document.version}` : '';
    io.out(`${String(e.seq).padStart(4)}  ${e.at}  ${e.actor.id.padEnd(18)} ${e.type}${what}  ${e.stageBefore ?? '-'} → ${e.stageAfter}${d.comment ? `  “${d.comment}”` : ''}`);
  }
  const at = option(args, '--at');
  const seqText = option(args, '--seq');
  const state = await audit.replay(caseId, at ? { at } : { seq: seqText ? Number(seqText) : history.length });
  io.out(`state at seq ${state.seq} (${state.at}): ${state.stage} on ${state.workflow.name}@${state.workflow.version}; stored snapshot ${state.matchesStored ? 'matches' : 'DIFFERS'}`);
  for (const t of state.openTasks) io.out(`  open task ${t.key} (${t.stage}) for ${t.assignee ?? `any ${t.role}`}`);
  return state.matchesStored ? 0 : 1;
}

/** `verify [--checkpoint file] [--case id]`: exits 1 when anything fails verification. */
export async function verifyCommand(app: INestApplicationContext, args: string[], io: CliIo): Promise<number> {
  const file = option(args, '--checkpoint');
  let kept: unknown;
  if (file) {
    try {
      kept = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      io.err(`onegate: cannot read checkpoint file ${file}: ${(err as Error).message}`);
      return 2;
    }
  }
  const result = await app.get(AuditService).verify(option(args, '--case'), (done, total) => io.progress(`verifying ${progressBar(done, total)}`));
  const problems = [...result.problems];
  if (kept !== undefined) {
    try {
      const checked = await app.get(CheckpointsService).verifyAgainst(kept);
      problems.push(...checked.problems);
      io.out(`checkpoint ${checked.checkpoint}: ${checked.problems.length === 0 ? 'ok' : 'MISMATCH'} (${checked.eventsCovered} events covered)`);
    } catch (err) {
      if (err instanceof DomainError) {
        io.err(`onegate: ${err.message}`);
        return 2;
      }
      throw err;
    }
  }
  io.out(`${problems.length === 0 ? 'ok' : 'FAILED'}: ${result.casesChecked} cases, ${result.eventsChecked} events checked, ${problems.length} problem(s)`);
  for (const p of problems) io.out(`  ${p.kind} case ${p.caseId} seq ${p.seq}${p.detail ? `: ${p.detail}` : ''}`);
  return problems.length === 0 ? 0 : 1;
}

/** `export --format jsonl|csv|xes --out file [--from ISO] [--to ISO]`. */
export async function exportCommand(app: INestApplicationContext, args: string[], io: CliIo): Promise<number> {
  const format = option(args, '--format') as ExportFormat | undefined;
  const out = option(args, '--out');
  if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format) || !out) {
    io.err(`usage: export --format ${EXPORT_FORMATS.join('|')} --out file [--from ISO] [--to ISO]`);
    return 2;
  }
  const parse = (name: string) => {
    const v = option(args, name);
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new Error(`${name} is not a date: ${v}`);
    return d;
  };
  let from: Date | undefined;
  let to: Date | undefined;
  try {
    from = parse('--from');
    to = parse('--to');
  } catch (err) {
    io.err(`onegate: ${(err as Error).message}`);
    return 2;
  }
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer | string, _enc, done) {
      bytes += Buffer.byteLength(chunk);
      io.progress(`exporting ${format}: ${(bytes / 1024).toFixed(0)} KiB`);
      done(null, chunk);
    },
  });
  await pipeline(exportEvents(app.get(Database), format, { from, to }), count, createWriteStream(out));
  io.out(`wrote ${out} (${bytes} bytes)`);
  return 0;
}
