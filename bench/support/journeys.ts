/**
 * Bulk data for the benches, made the way the product makes it. A journey is a list of commands
 * (create, upload, submit, claim, decide, resubmit, withdraw, terminate, expire) chosen at random
 * from the machine's own state. `CaseSim` applies them exactly as the engine's step does — xstate's
 * `transition()` on the registry's machine, `hashEvent` for the chain, `persist` for the snapshot,
 * the same event payloads as the use cases, task rows synced from the machine's context and due
 * times from the product's DeadlinePlanner — but in memory, so a million events take a minute instead
 * of hours of HTTP. `replayThroughServices` sends the same commands through the product's use cases
 * (CasesService, DocumentsService, TasksService, TimerHandler) so the bench can prove the two agree.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { INSTRUMENT_RULES, type Instrument, type PartnerCategory, type Role } from '../../workflows/domain.js';
import { DEFAULT_WORKFLOW, newestWorkflow, type MachineTask as OpenTask, type WorkflowDefinition } from '../../workflows/registry.js';
import { CasesService, startOf } from '../../src/cases/cases.service.js';
import { SYSTEM_ACTOR, type Actor } from '../../src/common/actor.js';
import { canonicalJson } from '../../src/common/canonical-json.js';
import { zonedInstant } from '../../src/common/time-zone.js';
import { Database } from '../../src/database/database.js';
import { CASE, CASE_EVENT, DOCUMENT, TASK, TIMER } from '../../src/database/entities.js';
import type { BlobRow, CaseEventRow, CaseRow, DocumentRow, TaskRow, TimerRow } from '../../src/database/rows.js';
import { DeadlinePlanner } from '../../src/deadlines/deadline-planner.js';
import { loadSlaTables } from '../../src/deadlines/sla-config.js';
import { TimerHandler } from '../../src/deadlines/timer-handler.js';
import { WorkingCalendar } from '../../src/deadlines/working-calendar.js';
import { DirectoryService } from '../../src/directory/directory.service.js';
import { ACCEPTED_TYPES, sanitizeName } from '../../src/documents/detect-type.js';
import { DocumentsService } from '../../src/documents/documents.service.js';
import { CURRENT_HASH_FORMAT, GENESIS_HASH, hashEvent } from '../../src/engine/event-hash.js';
import { newTaskRow, persist } from '../../src/engine/engine.js';
import { REVISION_TASK, revisionClosing, revisionTaskRow } from '../../src/tasks/revision-task.js';
import { TasksService } from '../../src/tasks/tasks.service.js';

/** The bench drives the newest version of the default workflow, as new cases start on it. */
const WORKFLOW = newestWorkflow(DEFAULT_WORKFLOW)!;
const DOCUMENTS = WORKFLOW.documents!;
type DocumentKind = string;
type Decision = string;

export const TIME_ZONE = 'Asia/Jakarta';

/** The bench's directory: a city's one gate with several proposing OPDs and a Tim Teknis of six. */
export const BENCH_USERS: { id: string; name: string; roles: Role[]; supervisorId?: string }[] = [
  { id: 'sekda', name: 'Sekda (Ketua TKKSD)', roles: ['tkksd_chair', 'tkksd'] },
  { id: 'sec-1', name: 'Bagian Kerja Sama 1', roles: ['secretariat'], supervisorId: 'sekda' },
  { id: 'sec-2', name: 'Bagian Kerja Sama 2', roles: ['secretariat'], supervisorId: 'sekda' },
  ...Array.from({ length: 12 }, (_, i) => ({ id: `opd-${i + 1}`, name: `OPD ${i + 1}`, roles: ['proposer'] as Role[], supervisorId: 'sec-1' })),
  ...['a', 'b', 'c', 'd', 'e', 'f'].map((x) => ({ id: `tt-${x}`, name: `Tim Teknis ${x.toUpperCase()}`, roles: ['technical_reviewer'] as Role[], supervisorId: 'sekda' })),
  { id: 'hukum-1', name: 'Bagian Hukum', roles: ['legal'], supervisorId: 'sekda' },
  { id: 'dprd-1', name: 'Sekretariat DPRD', roles: ['dprd'], supervisorId: 'sekda' },
  { id: 'walikota', name: 'Wali Kota', roles: ['mayor'] },
  { id: 'inspektorat-1', name: 'Inspektorat', roles: ['auditor'] },
];

export const emailOf = (userId: string) => `${userId}@bench.onegate.localhost`;

export async function putBenchUsers(app: INestApplicationContext): Promise<void> {
  const directory = app.get(DirectoryService);
  for (const u of BENCH_USERS.filter((x) => !x.supervisorId)) await directory.put(u.id, { name: u.name, email: emailOf(u.id), roles: u.roles });
  for (const u of BENCH_USERS.filter((x) => x.supervisorId && !x.id.startsWith('opd'))) await directory.put(u.id, { name: u.name, email: emailOf(u.id), roles: u.roles, supervisorId: u.supervisorId });
  for (const u of BENCH_USERS.filter((x) => x.id.startsWith('opd'))) await directory.put(u.id, { name: u.name, email: emailOf(u.id), roles: u.roles, supervisorId: u.supervisorId });
}

const actorOf = (id: string): Actor => {
  const u = BENCH_USERS.find((x) => x.id === id)!;
  return { id: u.id, roles: [...u.roles], name: u.name };
};
const holders = (role: Role) => BENCH_USERS.filter((u) => u.roles.includes(role)).map((u) => u.id);

export interface CreateBody {
  title: string;
  instrument: Instrument;
  partner: { name: string; category: PartnerCategory; country?: string };
  summary?: string;
  requiresDprdApproval: boolean;
  validFrom?: string;
  validUntil?: string;
}

export type Command = { gapMs: number } & (
  | { kind: 'create'; actor: string; body: CreateBody }
  | { kind: 'upload'; actor: string; docKind: DocumentKind; name: string; bytes: Buffer }
  | { kind: 'case-event'; actor: string; type: 'SUBMIT' | 'RESUBMIT' | 'WITHDRAW' | 'TERMINATE'; comment?: string }
  | { kind: 'claim'; actor: string; taskKey: string }
  | { kind: 'decide'; actor: string; taskKey: string; decision: Decision; comment?: string; reviewers?: string[] }
  | { kind: 'expire' }
);

/** Seeded PRNG (mulberry32), so a bench run's data is the same every time for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(rng: () => number, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** Case numbers per year, as the engine's counters give them; `counters()` is what to store after a load. */
export class CaseNumbers {
  private readonly next = new Map<number, number>();

  constructor(start: Record<number, number> = {}) {
    for (const [y, n] of Object.entries(start)) this.next.set(Number(y), n);
  }

  take(at: Date): string {
    const year = at.getUTCFullYear();
    const n = (this.next.get(year) ?? 0) + 1;
    this.next.set(year, n);
    return `KS-${year}-${String(n).padStart(4, '0')}`;
  }

  counters(): { name: string; value: number }[] {
    return [...this.next].map(([y, n]) => ({ name: `case-number-${y}`, value: n }));
  }
}

/** Everything one case wrote: what the engine and the use cases would have inserted for it. */
export interface CaseRows {
  row: CaseRow;
  events: CaseEventRow[];
  tasks: TaskRow[];
  documents: DocumentRow[];
  blobs: BlobRow[];
  /** Pending deadline timers of the tasks still open (closed tasks' cancelled timers are not kept). */
  timers: TimerRow[];
}

interface StepPlan {
  type: string;
  machineEvent: { type: string; [k: string]: unknown };
  data?: Record<string, unknown>;
  completion?: { taskKey: string; decision: string; comment: string | null };
}

const sla = loadSlaTables(null);
const calendar = new WorkingCalendar({ timeZone: TIME_ZONE });
const planner = new DeadlinePlanner({ sla, calendar, timeZone: TIME_ZONE });
const slaOf = (stage: string) => sla.of({ workflowName: WORKFLOW.name, workflowVersion: WORKFLOW.version })!.stages[stage]!;

/** One case in memory, advanced the way src/engine/engine.ts advances it. */
export class CaseSim {
  readonly workflow: WorkflowDefinition = WORKFLOW;
  row!: CaseRow;
  snapshot!: AnyMachineSnapshot;
  readonly events: CaseEventRow[] = [];
  private readonly tasks = new Map<string, TaskRow>();
  private readonly documents: DocumentRow[] = [];
  private readonly blobs: BlobRow[] = [];
  private expireTimerId: string | null = null;
  now: Date;

  constructor(
    start: Date,
    private readonly numbers: CaseNumbers,
  ) {
    this.now = start;
  }

  get stage(): string {
    return String(this.snapshot.value);
  }

  get openTasks(): OpenTask[] {
    return (this.snapshot.context.tasks ?? []) as OpenTask[];
  }

  get context(): Record<string, unknown> {
    return this.snapshot.context as Record<string, unknown>;
  }

  apply(cmd: Command): void {
    this.now = new Date(this.now.getTime() + cmd.gapMs);
    switch (cmd.kind) {
      case 'create':
        return this.create(actorOf(cmd.actor), cmd.body);
      case 'upload':
        return this.upload(actorOf(cmd.actor), cmd.docKind, cmd.name, cmd.bytes);
      case 'case-event':
        this.step(actorOf(cmd.actor), { type: cmd.type, machineEvent: { type: cmd.type }, data: { comment: cmd.comment ?? null } });
        return;
      case 'claim':
        this.step(actorOf(cmd.actor), { type: 'TASK_CLAIMED', machineEvent: { type: 'CLAIM', taskKey: cmd.taskKey, userId: cmd.actor }, data: { taskId: this.tasks.get(cmd.taskKey)!.id } });
        return;
      case 'decide': {
        // As TasksService.complete: the decision records the document versions the case holds.
        const task = this.tasks.get(cmd.taskKey)!;
        const comment = cmd.comment?.trim() || null;
        const held = this.context.documents as Record<string, { version: number }> | undefined;
        const documents = held ? Object.fromEntries(Object.entries(held).map(([kind, d]) => [kind, d.version])) : undefined;
        const reviewers = cmd.reviewers ?? [];
        this.step(actorOf(cmd.actor), {
          type: 'TASK_COMPLETED',
          machineEvent: { type: 'DECIDE', taskKey: task.key, decision: cmd.decision, ...(reviewers.length ? { reviewers } : {}) },
          data: { taskId: task.id, stage: task.stage, decision: cmd.decision, comment, ...(documents ? { documents } : {}) },
          completion: { taskKey: task.key, decision: cmd.decision, comment },
        });
        return;
      }
      case 'expire':
        // As TimerHandler.fireAction for the `expire` timer planned when the agreement was signed.
        this.step(SYSTEM_ACTOR, { type: 'EXPIRE', machineEvent: { type: 'EXPIRE' }, data: { timerId: this.expireTimerId, validUntil: this.row.validUntil } });
        return;
    }
  }

  rows(): CaseRows {
    const open = [...this.tasks.values()].filter((t) => t.status === 'open');
    return {
      row: { ...this.row, snapshot: persist(this.snapshot) },
      events: this.events,
      tasks: [...this.tasks.values()],
      documents: this.documents,
      blobs: this.blobs,
      timers: open.filter((t) => slaOf(t.stage)).flatMap((t) => planner.planTask(this.row, t, slaOf(t.stage), t.createdAt).timers),
    };
  }

  private create(actor: Actor, body: CreateBody): void {
    const id = randomUUID();
    const { fields, input } = startOf(actor.id, body);
    [this.snapshot] = initialTransition(this.workflow.machine, { ...input, caseId: id });
    const number = this.numbers.take(this.now);
    const event = this.buildEvent(actor, 'CASE_CREATED', { case: { ...fields, number }, input: { ...input, caseId: id } }, null, GENESIS_HASH, id, 1);
    this.row = {
      ...fields,
      id,
      number,
      stage: this.stage,
      version: 1,
      workflowName: this.workflow.name,
      workflowVersion: this.workflow.version,
      snapshot: persist(this.snapshot),
      headHash: event.hash,
      signedAt: null,
      createdAt: this.now,
      updatedAt: this.now,
    };
    this.events.push(event);
  }

  /** As DocumentsService.add: the next version of the kind, the upload event, the document row and its bytes. */
  private upload(actor: Actor, kind: DocumentKind, fileName: string, bytes: Buffer): void {
    // Journeys upload only the PDFs they make; detectType (file-type) is async, this simulator is not.
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('journey bug: only PDF uploads are simulated');
    const type = { ext: 'pdf', mediaType: ACCEPTED_TYPES.pdf } as const;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const name = sanitizeName(fileName, type.ext);
    const id = randomUUID();
    const version = Math.max(0, ...this.documents.filter((d) => d.kind === kind).map((d) => d.version)) + 1;
    const event = this.step(actor, {
      type: 'DOCUMENT_UPLOADED',
      machineEvent: { type: 'DOCUMENT_ADDED', kind, version, sha256 },
      data: { document: { id, kind, version, name, mediaType: type.mediaType, size: bytes.length, sha256 } },
    });
    this.documents.push({ id, kind, version, name, mediaType: type.mediaType, size: bytes.length, sha256, caseId: this.row.id, uploadedBy: actor.id, uploadedAt: event.at, eventSeq: event.seq });
    this.blobs.push({ sha256, size: bytes.length, content: bytes, createdAt: this.now });
  }

  private step(actor: Actor, plan: StepPlan): CaseEventRow {
    const before = this.snapshot;
    const [next] = transition(this.workflow.machine, before, plan.machineEvent as never);
    if (next === before) throw new Error(`journey bug: ${plan.machineEvent.type} refused at ${this.stage} (case ${this.row.number})`);
    const stageBefore = this.stage;
    this.snapshot = next;
    const event = this.buildEvent(actor, plan.type, { ...(plan.data ?? {}), event: plan.machineEvent }, stageBefore, this.row.headHash, this.row.id, this.row.version + 1);
    this.events.push(event);
    this.row.stage = this.stage;
    this.row.version += 1;
    this.row.headHash = event.hash;
    this.row.updatedAt = this.now;
    if (this.stage === 'signed' && stageBefore !== 'signed') {
      this.row.signedAt = this.now;
      if (this.row.validUntil) this.expireTimerId = randomUUID();
    }
    this.syncTasks((before.context.tasks ?? []) as OpenTask[], this.openTasks, plan.completion ? { ...plan.completion, by: actor.id } : null);
    // As RevisionTaskProjection: the proposer's task while the case waits in revision.
    if (this.stage === REVISION_TASK.stage && stageBefore !== REVISION_TASK.stage) {
      const row = revisionTaskRow(this.row.id, this.row.proposerId, event.seq, this.now);
      this.tasks.set(row.key, row);
    } else if (stageBefore === REVISION_TASK.stage && this.stage !== REVISION_TASK.stage) {
      const comment = typeof event.data.comment === 'string' ? event.data.comment : null;
      for (const row of this.tasks.values()) if (row.stage === REVISION_TASK.stage && row.status === 'open') Object.assign(row, revisionClosing(event.type, actor.id, comment, this.now));
    }
    return event;
  }

  /** The engine's syncTasks plus the DeadlinePlanner's due time for each task it opens. */
  private syncTasks(before: OpenTask[], after: OpenTask[], completion: { taskKey: string; decision: string; comment: string | null; by: string } | null): void {
    const afterKeys = new Map(after.map((t) => [t.key, t]));
    for (const task of before) {
      const kept = afterKeys.get(task.key);
      if (kept && kept.assignee === task.assignee) continue;
      const row = this.tasks.get(task.key)!;
      if (kept) row.assigneeId = kept.assignee;
      else if (completion && completion.taskKey === task.key) Object.assign(row, { status: 'completed', decision: completion.decision, comment: completion.comment, completedBy: completion.by, completedAt: this.now });
      else Object.assign(row, { status: 'cancelled', completedAt: this.now });
    }
    for (const task of after) {
      if (this.tasks.has(task.key)) continue;
      const row = newTaskRow(this.row.id, task, this.now);
      // planTask's due time; its reminder timers are planned in rows(), for the tasks still open.
      row.dueAt = calendar.add(row.createdAt, slaOf(task.stage).due);
      this.tasks.set(task.key, row);
    }
  }

  private buildEvent(actor: Actor, type: string, data: Record<string, unknown>, stageBefore: string | null, prevHash: string, caseId: string, seq: number): CaseEventRow {
    const body = {
      caseId,
      seq,
      type,
      actorId: actor.id,
      actorRoles: [...actor.roles],
      at: this.now,
      data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
      stageBefore,
      stageAfter: this.stage,
      workflowName: this.workflow.name,
      workflowVersion: this.workflow.version,
      prevHash,
      hashFormat: CURRENT_HASH_FORMAT,
    };
    return { ...body, hash: hashEvent(body) };
  }
}

const PARTNERS: Record<PartnerCategory, string[]> = {
  region: ['Kabupaten Muaro Jambi', 'Kabupaten Batanghari', 'Kabupaten Kerinci', 'Kabupaten Tanjung Jabung Timur', 'Kabupaten Sarolangun'],
  third_party: ['BPJS Kesehatan', 'Bank Jambi', 'Universitas Jambi', 'Politeknik Negeri Sriwijaya', 'PT PLN (Persero) UIW S2JB', 'Polresta Jambi'],
  central_government: ['Kementerian PUPR', 'Kementerian Komunikasi dan Informatika', 'Kementerian Kesehatan'],
  foreign: ['Kota Changwon', 'Kota Kitakyushu', 'Kota Townsville', 'Kota Nanning'],
};
const COUNTRIES: Record<string, string> = { 'Kota Changwon': 'Korea Selatan', 'Kota Kitakyushu': 'Jepang', 'Kota Townsville': 'Australia', 'Kota Nanning': 'Tiongkok' };
const TOPICS = ['pengelolaan sampah', 'layanan kesehatan', 'pendidikan vokasi', 'transaksi non-tunai', 'air bersih', 'pariwisata sungai', 'kota pintar', 'penerangan jalan'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small, real PDF whose bytes are unique to the upload (so each document has its own sha256). */
function pdf(label: string): Buffer {
  return Buffer.from(`%PDF-1.4\n% onegate bench: ${label}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n${'% lampiran '.repeat(40)}\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
}

export interface JourneyOptions {
  /** Leave the case open at a random stage instead of running it to an end. */
  open: boolean;
  /** No event may be later than this (EXPIRE waits for validUntil). */
  notAfter: Date;
}

/**
 * Plays one random but lawful journey on `sim`, deciding each command from the machine's state, and
 * returns the commands (to replay them through the services). Roughly the mix of a one-gate office:
 * most proposals are signed, some return for revision, a few are rejected or withdrawn; a signed
 * agreement may expire or be terminated.
 */
export function playJourney(sim: CaseSim, rng: () => number, options: JourneyOptions): Command[] {
  const commands: Command[] = [];
  const gap = (minHours: number, maxHours: number) => Math.round((minHours + rng() * (maxHours - minHours)) * HOUR);
  const run = (cmd: Command) => {
    if (sim.now.getTime() + cmd.gapMs > options.notAfter.getTime()) return false;
    sim.apply(cmd);
    commands.push(cmd);
    return true;
  };
  const r = rng();
  const category: PartnerCategory = r < 0.35 ? 'region' : r < 0.75 ? 'third_party' : r < 0.9 ? 'central_government' : 'foreign';
  const instrument = pick(rng, INSTRUMENT_RULES[category]);
  const partner = pick(rng, PARTNERS[category]);
  const proposer = `opd-${1 + Math.floor(rng() * 12)}`;
  const start = new Date(sim.now.getTime() + 60 * DAY);
  const from = `${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}-01`;
  const withDates = rng() < 0.8;
  const body: CreateBody = {
    title: `${instrument === 'pks' ? 'PKS' : instrument === 'nk' ? 'NK' : instrument === 'loi' ? 'LoI' : 'KB'} ${pick(rng, TOPICS)} — ${partner}`,
    instrument,
    partner: { name: partner, category, ...(category === 'foreign' ? { country: COUNTRIES[partner] } : {}) },
    requiresDprdApproval: rng() < 0.2,
    ...(withDates ? { validFrom: from, validUntil: `${Number(from.slice(0, 4)) + 1 + Math.floor(rng() * 4)}${from.slice(4)}` } : {}),
  };
  const stopAt = options.open
    ? pick(rng, ['proposal', 'administrative_check', 'administrative_check', 'technical_review', 'technical_review', 'tkksd_coordination', 'legal_review', 'dprd_approval', 'ministry_approval', 'mayor_signature', 'revision'])
    : null;
  if (!run({ kind: 'create', actor: proposer, body, gapMs: 0 })) return commands;
  let uploads = 0;
  const upload = (actor: string, kind: DocumentKind) => {
    uploads++;
    return run({ kind: 'upload', actor, docKind: kind, name: `${kind}-${sim.row.number}-${uploads}.pdf`, bytes: pdf(`${sim.row.id} ${kind} ${uploads} ${rng()}`), gapMs: gap(0.1, 30) });
  };
  for (const kind of DOCUMENTS.requiredForSubmit(instrument, category)) if (!upload(proposer, kind)) return commands;
  if (rng() < 0.25 && !upload(proposer, 'offer_letter')) return commands;
  if (stopAt === 'proposal') return commands;
  if (rng() < 0.03) {
    run({ kind: 'case-event', actor: proposer, type: 'WITHDRAW', comment: 'Tidak dilanjutkan', gapMs: gap(24, 240) });
    return commands;
  }
  if (!run({ kind: 'case-event', actor: proposer, type: 'SUBMIT', gapMs: gap(1, 72) })) return commands;
  for (let guard = 0; guard < 60; guard++) {
    const stage = sim.stage;
    if (stage === stopAt) return commands;
    const rule = WORKFLOW.taskStageRules[stage];
    if (rule) {
      const task = sim.openTasks[0]!;
      let actor = task.assignee ?? pick(rng, holders(task.role));
      if (!task.assignee && rng() < 0.3) {
        if (!run({ kind: 'claim', actor, taskKey: task.key, gapMs: gap(1, 48) })) return commands;
        continue;
      }
      if (stage === 'legal_review' && instrument !== 'loi' && rng() < 0.2) {
        if (!upload('hukum-1', `draft_${instrument}`)) return commands;
      }
      const revisions = Number(sim.context.revisions ?? 0);
      const x = rng();
      let decision: Decision = rule.decisions.includes('sign') ? 'sign' : 'approve';
      if (x < 0.1 && revisions < 2 && rule.decisions.includes('revise')) decision = 'revise';
      else if (x < 0.12 && rule.decisions.includes('reject')) decision = 'reject';
      if (decision === 'sign') {
        actor = task.assignee ?? 'walikota';
        if (!(sim.context.documents as Record<string, { stage: string }>).signed || (sim.context.documents as Record<string, { stage: string }>).signed!.stage !== 'mayor_signature') {
          if (!upload('walikota', 'signed')) return commands;
        }
      }
      const reviewers =
        stage === 'administrative_check' && decision === 'approve' && rng() < 0.4
          ? [...new Set(Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(rng, holders('technical_reviewer'))))]
          : undefined;
      const comment = decision === 'revise' ? 'Mohon lengkapi KAK dan rincian pembiayaan' : decision === 'reject' ? 'Tidak sesuai kewenangan daerah' : rng() < 0.3 ? 'Sesuai' : undefined;
      if (!run({ kind: 'decide', actor, taskKey: task.key, decision, comment, reviewers, gapMs: gap(2, 120) })) return commands;
    } else if (stage === 'revision') {
      if (rng() < 0.7 && !upload(proposer, 'kak')) return commands;
      if (rng() < 0.05) {
        run({ kind: 'case-event', actor: proposer, type: 'WITHDRAW', gapMs: gap(24, 240) });
        return commands;
      }
      if (!run({ kind: 'case-event', actor: proposer, type: 'RESUBMIT', comment: 'Sudah dilengkapi', gapMs: gap(24, 240) })) return commands;
    } else if (stage === 'signed') {
      if (rng() < 0.03) {
        run({ kind: 'case-event', actor: 'sec-1', type: 'TERMINATE', comment: 'Diakhiri atas kesepakatan para pihak', gapMs: gap(24 * 30, 24 * 400) });
      } else if (sim.row.validUntil) {
        const [y, m, d] = sim.row.validUntil.split('-').map(Number) as [number, number, number];
        const end = zonedInstant(y, m, d + 1, TIME_ZONE);
        if (end.getTime() > sim.now.getTime()) run({ kind: 'expire', gapMs: end.getTime() - sim.now.getTime() });
      }
      return commands;
    } else {
      return commands;
    }
  }
  return commands;
}

/**
 * Sends the commands through the product's own use cases, as HTTP requests and the timer worker would,
 * on an app whose clock is the real one. Returns the case id.
 */
export async function replayThroughServices(app: INestApplicationContext, commands: Command[]): Promise<string> {
  const cases = app.get(CasesService);
  const documents = app.get(DocumentsService);
  const tasks = app.get(TasksService);
  const db = app.get(Database);
  let caseId = '';
  const taskId = async (key: string) => (await db.read((em) => em.findOneByOrFail<TaskRow>(TASK, { caseId, key }))).id;
  for (const cmd of commands) {
    switch (cmd.kind) {
      case 'create':
        caseId = (await cases.create(actorOf(cmd.actor), cmd.body as never)).id;
        break;
      case 'upload':
        await documents.add(actorOf(cmd.actor), caseId, cmd.docKind, { name: cmd.name, bytes: cmd.bytes });
        break;
      case 'case-event':
        await cases.sendEvent(actorOf(cmd.actor), caseId, { type: cmd.type, comment: cmd.comment });
        break;
      case 'claim':
        await tasks.claim(actorOf(cmd.actor), await taskId(cmd.taskKey));
        break;
      case 'decide':
        await tasks.complete(actorOf(cmd.actor), await taskId(cmd.taskKey), { decision: cmd.decision, comment: cmd.comment, reviewers: cmd.reviewers });
        break;
      case 'expire': {
        const timer = await db.read((em) => em.findOneByOrFail<TimerRow>(TIMER, { caseId, kind: 'expire', status: 'pending' }));
        await app.get(TimerHandler).fire(timer.id);
        break;
      }
    }
  }
  return caseId;
}

/** What a case wrote, read back from the database. */
export async function readCaseRows(db: Database, caseId: string): Promise<Omit<CaseRows, 'blobs' | 'timers'>> {
  return db.read(async (em) => ({
    row: await em.findOneByOrFail<CaseRow>(CASE, { id: caseId }),
    events: await em.find<CaseEventRow>(CASE_EVENT, { where: { caseId }, order: { seq: 'ASC' } }),
    tasks: await em.find<TaskRow>(TASK, { where: { caseId }, order: { key: 'ASC' } }),
    documents: await em.find<DocumentRow>(DOCUMENT, { where: { caseId }, order: { eventSeq: 'ASC' } }),
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;
const NUMBER = /^KS-\d{4}-\d{4,}$/;

/**
 * A case's rows with what must differ between two runs taken out: ids become `#1, #2…` in order of
 * appearance, instants `<time>`, the case number `<number>`, and the hashes (which cover ids and times;
 * the chain itself is checked by verify). Two cases made by the same commands must then be equal.
 */
export function normalizeCase(c: Omit<CaseRows, 'blobs' | 'timers'>): string {
  const ids = new Map<string, string>();
  const walk = (v: unknown): unknown => {
    if (v instanceof Date) return '<time>';
    if (typeof v === 'string') {
      if (UUID.test(v)) {
        if (!ids.has(v)) ids.set(v, `#${ids.size + 1}`);
        return ids.get(v);
      }
      if (ISO.test(v)) return '<time>';
      if (NUMBER.test(v)) return '<number>';
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        if (key === 'hash' || key === 'prevHash' || key === 'headHash') continue;
        out[key] = walk((v as Record<string, unknown>)[key]);
      }
      return out;
    }
    return v;
  };
  const events = c.events.map(({ id: _serial, ...e }) => e);
  return canonicalJson(walk({ case: c.row, events, tasks: [...c.tasks].sort((a, b) => a.key.localeCompare(b.key)), documents: c.documents }));
}
