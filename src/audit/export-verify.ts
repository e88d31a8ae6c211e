import { GENESIS_HASH, hashEvent, UnknownHashFormat } from '../engine/event-hash.js';
import type { Problem } from './audit.service.js';

/** One line of the JSON-lines export (audit-export.ts): everything an event's hash covers, and its format. */
export interface ExportedEvent {
  caseId: string;
  seq: number;
  type: string;
  actor: { id: string; roles: string[] };
  at: string;
  stageBefore: string | null;
  stageAfter: string;
  workflow: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
  hashFormat: number;
}

/**
 * Checks the hash chains of a JSON-lines export with nothing but the file, line by line (an export of the
 * whole log need not fit in memory): each event hashes, in the format it records, to its hash, and links to
 * the one before it. A case exported from its first event must start at the genesis hash; one cut by `from`
 * starts where the export does. Problems are reported as verify reports them; a line that is not an exported
 * event is one too, named by its line number.
 */
export class ExportChainCheck {
  readonly problems: Problem[] = [];
  eventsChecked = 0;
  private lineNo = 0;
  private readonly last = new Map<string, { seq: number; hash: string }>();

  add(line: string): void {
    this.lineNo++;
    if (line.trim() === '') return;
    const e = parseLine(line);
    if (typeof e === 'string') {
      this.problems.push({ caseId: '*', seq: 0, kind: 'hash_mismatch', detail: `line ${this.lineNo}: ${e}` });
      return;
    }
    this.eventsChecked++;
    const before = this.last.get(e.caseId);
    if (before && e.seq !== before.seq + 1) this.problems.push({ caseId: e.caseId, seq: e.seq, kind: 'gap', detail: `expected seq ${before.seq + 1}, found ${e.seq}` });
    const prev = before ? before.hash : e.seq === 1 ? GENESIS_HASH : e.prevHash;
    if (e.prevHash !== prev) this.problems.push({ caseId: e.caseId, seq: e.seq, kind: 'hash_mismatch', detail: 'does not link to the event before it' });
    else {
      const detail = recomputeMismatch(e);
      if (detail) this.problems.push({ caseId: e.caseId, seq: e.seq, kind: 'hash_mismatch', detail });
    }
    this.last.set(e.caseId, { seq: e.seq, hash: e.hash });
  }
}

/** ExportChainCheck over a whole export held as text. */
export function verifyExportedLines(text: string): { eventsChecked: number; problems: Problem[] } {
  const check = new ExportChainCheck();
  for (const line of text.split('\n')) check.add(line);
  return { eventsChecked: check.eventsChecked, problems: check.problems };
}

/** Why the event's content does not give its hash, or null when it does. */
function recomputeMismatch(e: ExportedEvent): string | null {
  const at = e.workflow.lastIndexOf('@');
  try {
    const hash = hashEvent({
      caseId: e.caseId,
      seq: e.seq,
      type: e.type,
      actorId: e.actor.id,
      actorRoles: e.actor.roles,
      at: new Date(e.at),
      data: e.data,
      stageBefore: e.stageBefore,
      stageAfter: e.stageAfter,
      workflowName: e.workflow.slice(0, at),
      workflowVersion: Number(e.workflow.slice(at + 1)),
      prevHash: e.prevHash,
      hashFormat: e.hashFormat,
    });
    return hash === e.hash ? null : 'its content does not give its hash';
  } catch (err) {
    if (err instanceof UnknownHashFormat) return err.message;
    throw err;
  }
}

function parseLine(line: string): ExportedEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const e = value as Partial<ExportedEvent> | null;
  if (!e || typeof e !== 'object') return 'not an exported event';
  for (const key of ['caseId', 'type', 'at', 'stageAfter', 'workflow', 'prevHash', 'hash'] as const) {
    if (typeof e[key] !== 'string') return `${key} is missing or not a string`;
  }
  if (!Number.isInteger(e.seq)) return 'seq is missing or not an integer';
  if (!Number.isInteger(e.hashFormat)) return 'hashFormat is missing or not an integer';
  if (!e.actor || typeof e.actor.id !== 'string' || !Array.isArray(e.actor.roles)) return 'actor is not {id, roles}';
  if (!e.data || typeof e.data !== 'object') return 'data is missing';
  if (Number.isNaN(new Date(e.at!).getTime())) return 'at is not a date-time';
  if (!/^.+@\d+$/.test(e.workflow!)) return 'workflow is not name@version';
  return e as ExportedEvent;
}
