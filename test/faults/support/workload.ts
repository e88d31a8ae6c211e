import { createHash, randomUUID } from 'node:crypto';
import type { Database } from '../../../src/database/database.js';
import { Like } from 'typeorm';
import { CASE_EVENT, IDEMPOTENCY } from '../../../src/database/entities.js';
import type { CaseEventRow, IdempotencyRow } from '../../../src/database/rows.js';
import { USERS, samplePdf, type TestUser } from '../../support/test-app.js';
import type { FaultEnv } from './fault-env.js';
import { call, isNetworkError, multipart, request, type HttpResponse } from './http-client.js';
import { sleep } from './server-process.js';

export type CommandKind = 'create' | 'upload' | 'event' | 'claim' | 'complete';

/**
 * One command a client sent, with everything needed to find it in the history afterwards: a marker
 * unique to the command (the title of a new case, the sha256 of an upload, the comment of an event or
 * decision, the id of a claimed task) and, for answers that carry the case, the version it reached.
 */
export interface LedgerEntry {
  n: number;
  kind: CommandKind;
  label: string;
  marker: string;
  caseId: string | null;
  /** ok = 2xx; refused = a definite 4xx; unknown = no answer, or the key's first request never finished. */
  outcome: 'ok' | 'refused' | 'unknown' | 'pending';
  statuses: number[];
  networkErrors: number;
  version: number | null;
  replayed: boolean;
}

interface CaseState {
  id: string;
  stage: string;
  openTasks: { id: string; assigneeId: string | null; role: string }[];
  documents: Set<string>;
  revised: boolean;
}

export interface WorkloadOptions {
  clients: number;
  /** Stop starting new journeys once this many commands were sent (journeys under way finish). */
  commands: number;
  /** How long a command keeps retrying while the API does not answer or answers 503. */
  retryForMs?: number;
}

/**
 * Concurrent clients driving cooperation cases from proposal to signature through the HTTP API, as
 * careful clients do: every mutating call carries an Idempotency-Key and is retried with the same key
 * when the server does not answer (or answers 503); when the outcome stays unknown the client reads
 * the case again and carries on from what the server holds.
 */
export class Workload {
  readonly ledger: LedgerEntry[] = [];
  readonly runId = randomUUID().slice(0, 8);
  /** Every status code any request got, counted (503s included). */
  readonly statusCounts = new Map<number, number>();
  private readonly progress: { at: number; fn: () => Promise<void> }[] = [];
  private running = 0;
  private journeys = 0;
  errors: string[] = [];

  constructor(
    private readonly env: FaultEnv,
    private readonly baseUrl: () => string,
    private readonly options: WorkloadOptions,
  ) {}

  /** Runs `fn` once (without blocking the clients) when the ledger reaches `commands` entries. */
  at(commands: number, fn: () => Promise<void>): void {
    this.progress.push({ at: commands, fn });
  }

  async run(): Promise<void> {
    const hooks: Promise<void>[] = [];
    const watcher = setInterval(() => {
      for (const p of [...this.progress]) {
        if (this.ledger.length >= p.at) {
          this.progress.splice(this.progress.indexOf(p), 1);
          hooks.push(p.fn());
        }
      }
    }, 20);
    const clients = await Promise.allSettled(Array.from({ length: this.options.clients }, (_, i) => this.client(i)));
    clearInterval(watcher);
    await Promise.all(hooks);
    const failed = clients.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async client(i: number): Promise<void> {
    while (this.ledger.length < this.options.commands) {
      const n = this.journeys++;
      this.running++;
      try {
        await this.journey(i, n);
      } catch (err) {
        this.errors.push(`client ${i} journey ${n}: ${(err as Error).stack ?? String(err)}`);
        if (this.errors.length > 20) throw err;
      } finally {
        this.running--;
      }
    }
  }

  /** One case from proposal to signature; every tenth is sent back by Bagian Hukum once and resubmitted. */
  private async journey(client: number, n: number): Promise<void> {
    const proposer = client % 2 ? USERS.proposer2 : USERS.proposer;
    const c = await this.create(proposer, n);
    for (let guard = 0; guard < 60 && c.stage !== 'signed'; guard++) {
      const task = c.openTasks[0];
      switch (c.stage) {
        case 'proposal':
          if (!c.documents.has('kak')) await this.upload(c, proposer, 'kak');
          else if (!c.documents.has('draft_kb')) await this.upload(c, proposer, 'draft_kb');
          else await this.event(c, proposer, 'SUBMIT');
          break;
        case 'administrative_check': {
          const sec = client % 2 ? USERS.secretariat2 : USERS.secretariat;
          if (task && !task.assigneeId) await this.claim(c, sec, task.id);
          else if (task) await this.complete(c, task.assigneeId === USERS.secretariat2.id ? USERS.secretariat2 : USERS.secretariat, task.id, 'approve');
          break;
        }
        case 'technical_review':
          await this.complete(c, client % 2 ? USERS.reviewerB : USERS.reviewerA, task!.id, 'approve');
          break;
        case 'tkksd_coordination':
          await this.complete(c, USERS.chair, task!.id, 'approve');
          break;
        case 'legal_review':
          await this.complete(c, USERS.legal, task!.id, n % 10 === 0 && !c.revised ? 'revise' : 'approve');
          break;
        case 'revision':
          c.revised = true;
          await this.event(c, proposer, 'RESUBMIT');
          break;
        case 'mayor_signature':
          if (!c.documents.has('signed')) await this.upload(c, USERS.mayor, 'signed');
          else await this.complete(c, USERS.mayor, task!.id, 'sign');
          break;
        default:
          throw new Error(`case ${c.id} at unexpected stage ${c.stage}`);
      }
    }
    if (c.stage !== 'signed') throw new Error(`case ${c.id} stuck at ${c.stage}`);
  }

  private entry(kind: CommandKind, label: string, marker: string, caseId: string | null): LedgerEntry {
    const e: LedgerEntry = { n: this.ledger.length, kind, label, marker, caseId, outcome: 'pending', statuses: [], networkErrors: 0, version: null, replayed: false };
    this.ledger.push(e);
    return e;
  }

  private marker(): string {
    return `fault ${this.runId} #${this.ledger.length} ${randomUUID().slice(0, 8)}`;
  }

  /**
   * Sends one command until it has a definite answer: retried with the same Idempotency-Key while the
   * server is unreachable or answers 503. A 409 "still in progress" for our own key after a restart
   * means the first attempt's outcome cannot be known from this call: the caller re-reads the case.
   */
  private async send(e: LedgerEntry, go: (key: string) => Promise<HttpResponse>): Promise<HttpResponse | null> {
    const key = idempotencyKey(this.runId, e);
    const until = Date.now() + (this.options.retryForMs ?? 90_000);
    for (;;) {
      let res: HttpResponse;
      try {
        res = await go(key);
      } catch (err) {
        if (!isNetworkError(err)) throw err;
        e.networkErrors++;
        if (Date.now() > until) {
          e.outcome = 'unknown';
          return null;
        }
        await sleep(50);
        continue;
      }
      e.statuses.push(res.status);
      this.statusCounts.set(res.status, (this.statusCounts.get(res.status) ?? 0) + 1);
      if (res.status === 503 && Date.now() < until) {
        await sleep(Math.min(1000, Number(res.headers['retry-after'] ?? 1) * 1000));
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        e.outcome = 'ok';
        e.replayed = res.headers['idempotent-replayed'] === 'true';
        return res;
      }
      // Still running for our key (its first attempt died with the server), or a server error whose
      // effect cannot be known from here: the caller reads the case again.
      if ((res.status === 409 && res.body?.code === 'IdempotencyInProgress') || res.status >= 500) {
        e.outcome = 'unknown';
        return null;
      }
      e.outcome = 'refused';
      throw new Error(`${e.label} refused: ${res.status} ${res.text.slice(0, 300)}`);
    }
  }

  private async token(user: TestUser): Promise<string> {
    return this.env.token(user);
  }

  private async create(proposer: TestUser, n: number): Promise<CaseState> {
    for (;;) {
      const title = this.marker();
      const e = this.entry('create', `create case (journey ${n})`, title, null);
      const token = await this.token(proposer);
      const body = { title, instrument: 'kb', partner: { name: `Kabupaten uji ${n}`, category: 'region' } };
      const res = await this.send(e, (key) => call(this.baseUrl(), 'POST', '/api/cases', token, body, { 'idempotency-key': key }));
      if (res) {
        e.caseId = res.body.id;
        e.version = res.body.version;
        return { id: res.body.id, stage: res.body.stage, openTasks: res.body.openTasks, documents: new Set(), revised: false };
      }
      // Unknown: the title is unique, so the list tells whether the case exists.
      const found = await this.read(`/api/cases?q=${encodeURIComponent(title)}`, proposer);
      if (found.body.items.length === 1) {
        e.caseId = found.body.items[0].id;
        return this.resync(found.body.items[0].id);
      }
    }
  }

  private async upload(c: CaseState, as: TestUser, kind: string): Promise<void> {
    const bytes = samplePdf(`${this.marker()} ${kind}`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const e = this.entry('upload', `upload ${kind}`, sha256, c.id);
    const token = await this.token(as);
    const form = multipart({ kind }, { name: `${kind}.pdf`, contentType: 'application/pdf', bytes });
    const res = await this.send(e, (key) =>
      request(`${this.baseUrl()}/api/cases/${c.id}/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': form.contentType, 'idempotency-key': key },
        body: form.body,
      }),
    );
    if (res) c.documents.add(kind);
    else Object.assign(c, await this.resync(c.id));
  }

  private async event(c: CaseState, as: TestUser, type: string): Promise<void> {
    const comment = this.marker();
    const e = this.entry('event', type, comment, c.id);
    const token = await this.token(as);
    const res = await this.send(e, (key) => call(this.baseUrl(), 'POST', `/api/cases/${c.id}/events`, token, { type, comment }, { 'idempotency-key': key }));
    if (res) {
      e.version = res.body.version;
      Object.assign(c, { stage: res.body.stage, openTasks: res.body.openTasks });
    } else Object.assign(c, await this.resync(c.id));
  }

  private async claim(c: CaseState, as: TestUser, taskId: string): Promise<void> {
    const e = this.entry('claim', 'claim', taskId, c.id);
    const token = await this.token(as);
    const res = await this.send(e, (key) => call(this.baseUrl(), 'POST', `/api/tasks/${taskId}/claim`, token, undefined, { 'idempotency-key': key }));
    if (res) c.openTasks = c.openTasks.map((t) => (t.id === taskId ? { ...t, assigneeId: res.body.assigneeId } : t));
    else Object.assign(c, await this.resync(c.id));
  }

  private async complete(c: CaseState, as: TestUser, taskId: string, decision: string): Promise<void> {
    const comment = this.marker();
    const e = this.entry('complete', `${decision} at ${c.stage}`, comment, c.id);
    const token = await this.token(as);
    const res = await this.send(e, (key) => call(this.baseUrl(), 'POST', `/api/tasks/${taskId}/complete`, token, { decision, comment }, { 'idempotency-key': key }));
    if (res) {
      e.version = res.body.case.version;
      if (decision === 'revise') c.revised = true;
      Object.assign(c, { stage: res.body.case.stage, openTasks: res.body.case.openTasks });
    } else Object.assign(c, await this.resync(c.id));
  }

  /** What the server holds for the case: stage, open tasks and document kinds. */
  private async resync(caseId: string): Promise<CaseState> {
    const c = await this.read(`/api/cases/${caseId}`, USERS.auditor);
    const docs = await this.read(`/api/cases/${caseId}/documents`, USERS.auditor);
    const history = await this.read(`/api/cases/${caseId}/history`, USERS.auditor);
    return {
      id: caseId,
      stage: c.body.stage,
      openTasks: c.body.openTasks,
      documents: new Set((docs.body as { kind: string }[]).map((d) => d.kind)),
      revised: (history.body as { type: string; stageAfter: string }[]).some((ev) => ev.stageAfter === 'revision'),
    };
  }

  /** A read, retried until the server answers 200. */
  private async read(path: string, as: TestUser): Promise<HttpResponse> {
    const token = await this.token(as);
    const until = Date.now() + (this.options.retryForMs ?? 90_000);
    for (;;) {
      try {
        const res = await call(this.baseUrl(), 'GET', path, token);
        if (res.status === 200) return res;
        if (res.status !== 503 || Date.now() > until) throw new Error(`GET ${path}: ${res.status} ${res.text.slice(0, 200)}`);
      } catch (err) {
        if (!isNetworkError(err) || Date.now() > until) throw err;
      }
      await sleep(100);
    }
  }

  summary(): string {
    const by = (o: LedgerEntry['outcome']) => this.ledger.filter((e) => e.outcome === o).length;
    const statuses = [...this.statusCounts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
    return `${this.ledger.length} commands in ${this.journeys} journeys: ${by('ok')} ok (${this.ledger.filter((e) => e.replayed).length} replayed), ${by('unknown')} unknown, ${by('refused')} refused; ${this.ledger.reduce((s, e) => s + e.networkErrors, 0)} network errors; statuses ${statuses}`;
  }
}

const idempotencyKey = (runId: string, e: LedgerEntry) => `${runId}-${e.n}`;
/** What an Idempotency-Key holds once its request's writes committed, before the response is kept. */
const CARRIED_OUT = 0;

/**
 * Every acknowledged command is in the history exactly once (and where its answer carried the case's
 * version, it is the event at that seq); a command whose outcome is unknown is there at most once; a
 * refused one not at all; and no event carries a marker no command sent. Each command's
 * Idempotency-Key agrees: the answer kept for an acknowledged one; for one cut off by a crash, "carried
 * out" exactly when it is in the history (so no retry can carry it out twice), nothing kept otherwise.
 */
export async function checkLedger(db: Database, ledger: LedgerEntry[], runId: string): Promise<{ problems: string[]; cutOffButCarriedOut: number }> {
  const events = await db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { select: { caseId: true, seq: true, type: true, data: true } }));
  const keys = new Map(
    (await db.read((em) => em.find<IdempotencyRow>(IDEMPOTENCY, { where: { key: Like(`${runId}-%`) }, select: { key: true, statusCode: true } }))).map((k) => [k.key, k]),
  );
  const byMarker = new Map<string, CaseEventRow[]>();
  for (const e of events) {
    for (const m of markersOf(e)) byMarker.set(m, [...(byMarker.get(m) ?? []), e]);
  }
  const problems: string[] = [];
  const sent = new Set<string>();
  let cutOffButCarriedOut = 0;
  // Commands grouped by marker: a claim's marker is its task, which a client claims again when the
  // first claim's outcome was unknown and the task turned out unclaimed.
  const byCommandMarker = new Map<string, LedgerEntry[]>();
  for (const entry of ledger) byCommandMarker.set(entry.marker, [...(byCommandMarker.get(entry.marker) ?? []), entry]);
  for (const [marker, entries] of byCommandMarker) {
    sent.add(marker);
    const found = byMarker.get(marker) ?? [];
    const what = (entry: LedgerEntry) => `command #${entry.n} ${entry.label} (${entry.outcome}, statuses ${entry.statuses.join(',') || 'none'}, ${entry.networkErrors} network errors)`;
    let carried = 0;
    let acknowledged = 0;
    for (const entry of entries) {
      const key = keys.get(idempotencyKey(runId, entry));
      if (entry.outcome === 'ok') {
        acknowledged++;
        if (key?.statusCode !== entry.statuses.find((st) => st >= 200 && st < 300)) problems.push(`${what(entry)}: its key holds status ${key?.statusCode}`);
        if (entry.version !== null && !found.some((ev) => ev.caseId === entry.caseId && ev.seq === entry.version)) {
          problems.push(`${what(entry)}: answered version ${entry.version} of ${entry.caseId}, but no event with its marker is at that seq`);
        }
      } else if (entry.outcome === 'unknown') {
        // Its key says whether it was carried out: "carried out" is written with its writes, or nothing is kept.
        if (key?.statusCode === CARRIED_OUT) carried++;
        else if (key && key.statusCode !== null) problems.push(`${what(entry)}: cut off, but its key holds ${key.statusCode}`);
      }
    }
    // Each acknowledged command, and each cut-off one whose key says carried out, is in the history once; nothing else is.
    if (found.length !== acknowledged + carried) {
      problems.push(`${entries.map(what).join(' and ')}: in the history ${found.length} times, but ${acknowledged} acknowledged and ${carried} carried out by their keys`);
    }
    cutOffButCarriedOut += carried;
  }
  for (const [marker, evs] of byMarker) {
    if (marker.startsWith(`fault ${runId} `) && !sent.has(marker)) problems.push(`event ${evs[0]!.caseId}#${evs[0]!.seq} carries marker "${marker}" that no command sent`);
  }
  return { problems, cutOffButCarriedOut };
}

function markersOf(e: CaseEventRow): string[] {
  const d = e.data as { case?: { title?: string }; document?: { sha256?: string }; comment?: string | null; taskId?: string };
  switch (e.type) {
    case 'CASE_CREATED':
      return d.case?.title ? [d.case.title] : [];
    case 'DOCUMENT_UPLOADED':
      return d.document?.sha256 ? [d.document.sha256] : [];
    case 'TASK_CLAIMED':
      return d.taskId ? [d.taskId] : [];
    default:
      return d.comment ? [d.comment] : [];
  }
}
