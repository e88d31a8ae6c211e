/**
 * Loads simulated cases into PostgreSQL in bulk: rows built by CaseSim (journeys.ts), inserted with
 * multi-row `INSERT … SELECT FROM json_populate_recordset` through the product's own entity metadata
 * (so column names and types are the migrations' own), a few thousand rows per statement.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { DEFAULT_WORKFLOW, newestWorkflow } from '../../workflows/registry.js';
import { Database } from '../../src/database/database.js';
import { BLOB, CASE, CASE_EVENT, DOCUMENT, TASK, TIMER } from '../../src/database/entities.js';
import type { TaskRow } from '../../src/database/rows.js';
import { BENCH_USERS, CaseNumbers, CaseSim, normalizeCase, playJourney, readCaseRows, replayThroughServices, type CaseRows } from './journeys.js';

const { taskStages: TASK_STAGES, taskStageRules: TASK_STAGE_RULES } = newestWorkflow(DEFAULT_WORKFLOW)!;

const BATCH = 2000;

/** Multi-row inserts of entity rows, one statement per few thousand rows. */
export class BulkLoader {
  private readonly sql = new Map<string, { sql: string; columns: ColumnMetadata[] }>();

  constructor(private readonly db: Database) {}

  async insert(entity: string, rows: object[]): Promise<void> {
    let prepared = this.sql.get(entity);
    if (!prepared) {
      const meta = this.db.dataSource.getMetadata(entity);
      const columns = meta.columns.filter((c) => !c.isGenerated);
      const names = columns.map((c) => `"${c.databaseName}"`).join(', ');
      // Content-addressed bytes may repeat; everything else is new.
      const conflict = entity === BLOB ? ' ON CONFLICT DO NOTHING' : '';
      prepared = { sql: `INSERT INTO "${meta.tableName}" (${names}) SELECT ${names} FROM json_populate_recordset(NULL::"${meta.tableName}", $1::json)${conflict}`, columns };
      this.sql.set(entity, prepared);
    }
    for (let i = 0; i < rows.length; i += BATCH) {
      const json = rows.slice(i, i + BATCH).map((r) => Object.fromEntries(prepared.columns.map((c) => [c.databaseName, jsonValue((r as Record<string, unknown>)[c.propertyName])])));
      await this.db.dataSource.query(prepared.sql, [JSON.stringify(json)]);
    }
  }
}

function jsonValue(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  return v === undefined ? null : v;
}

export interface SeedCounts {
  cases: number;
  openCases: number;
  events: number;
  tasks: number;
  openTasks: number;
  documents: number;
  timers: number;
}

export const emptyCounts = (): SeedCounts => ({ cases: 0, openCases: 0, events: 0, tasks: 0, openTasks: 0, documents: 0, timers: 0 });

export interface SeedOptions {
  /** Stop after this many cases … */
  cases?: number;
  /** … or once this many events are written. */
  events?: number;
  /** Cases start evenly between these instants, oldest first. */
  from: Date;
  to: Date;
  /** Whether the case is left open somewhere (by its start time); otherwise it runs to an end. */
  open: (start: Date) => boolean;
  /** No event later than this. */
  notAfter: Date;
  rng: () => number;
  numbers: CaseNumbers;
  /** Called with each case's id and start (e.g. to pad history later). */
  onCase?: (row: CaseRows['row']) => void;
  progress?: (counts: SeedCounts) => void;
}

/** Simulates and inserts cases until the count (or event count) is reached; returns what was written. */
export async function seedCases(db: Database, options: SeedOptions): Promise<SeedCounts> {
  const loader = new BulkLoader(db);
  const counts = emptyCounts();
  const wanted = options.cases ?? Number.POSITIVE_INFINITY;
  const wantedEvents = options.events ?? Number.POSITIVE_INFINITY;
  // Spacing by the expected count; with an event target, by a first estimate of ~13 events a case.
  const expected = Number.isFinite(wanted) ? wanted : Math.ceil(wantedEvents / 13);
  const span = options.to.getTime() - options.from.getTime();
  let buffer: CaseRows[] = [];
  let bufferedEvents = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    const chunk = buffer;
    buffer = [];
    bufferedEvents = 0;
    await inFlight;
    // One insert in flight while the next chunk is simulated.
    inFlight = (async () => {
      await loader.insert(CASE, chunk.map((c) => c.row));
      await loader.insert(CASE_EVENT, chunk.flatMap((c) => c.events));
      await loader.insert(TASK, chunk.flatMap((c) => c.tasks));
      await loader.insert(DOCUMENT, chunk.flatMap((c) => c.documents));
      await loader.insert(BLOB, chunk.flatMap((c) => c.blobs));
      await loader.insert(TIMER, chunk.flatMap((c) => c.timers));
    })();
  };
  for (let i = 0; counts.cases < wanted && counts.events < wantedEvents; i++) {
    const start = new Date(options.from.getTime() + Math.floor((span * i) / expected));
    const sim = new CaseSim(start > options.to ? options.to : start, options.numbers);
    playJourney(sim, options.rng, { open: options.open(start), notAfter: options.notAfter });
    const rows = sim.rows();
    buffer.push(rows);
    bufferedEvents += rows.events.length;
    options.onCase?.(rows.row);
    counts.cases++;
    counts.events += rows.events.length;
    counts.tasks += rows.tasks.length;
    const open = rows.tasks.filter((t) => t.status === 'open').length;
    counts.openTasks += open;
    if (!['signed', 'expired', 'terminated', 'rejected', 'withdrawn'].includes(rows.row.stage)) counts.openCases++;
    counts.documents += rows.documents.length;
    counts.timers += rows.timers.length;
    if (bufferedEvents >= 20_000) {
      await flush();
      options.progress?.(counts);
    }
  }
  await flush();
  await inFlight;
  await setCounters(db, options.numbers);
  return counts;
}

/** The engine numbers cases from `counters`; after a bulk load they must continue past it. */
async function setCounters(db: Database, numbers: CaseNumbers): Promise<void> {
  for (const c of numbers.counters()) {
    await db.dataSource.query(`INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = GREATEST(counters.value, EXCLUDED.value)`, [c.name, c.value]);
  }
}

/** The counters the database holds now, so simulated numbers continue after the services' own. */
export async function readCounters(db: Database): Promise<Record<number, number>> {
  const rows: { name: string; value: number }[] = await db.dataSource.query(`SELECT name, value FROM counters WHERE name LIKE 'case-number-%'`);
  return Object.fromEntries(rows.map((r) => [Number(r.name.slice('case-number-'.length)), r.value]));
}

/**
 * Closed tasks added to finished cases until the table holds `total` rows: history that the inbox
 * must not pay for. Each is a completed decision of a task stage, inside its case's lifetime.
 */
export async function padClosedTasks(db: Database, cases: { id: string; createdAt: Date; updatedAt: Date }[], total: number, rng: () => number): Promise<number> {
  const loader = new BulkLoader(db);
  const [{ n }] = (await db.dataSource.query(`SELECT COUNT(*)::int AS n FROM tasks`)) as { n: number }[];
  let missing = total - n;
  let added = 0;
  const perCase = new Map<string, number>();
  while (missing > 0) {
    const rows: TaskRow[] = [];
    for (let i = 0; i < Math.min(missing, 20_000); i++) {
      const c = cases[Math.floor(rng() * cases.length)]!;
      const k = (perCase.get(c.id) ?? 0) + 1;
      perCase.set(c.id, k);
      const stage = TASK_STAGES[Math.floor(rng() * TASK_STAGES.length)]!;
      const rule = TASK_STAGE_RULES[stage];
      const createdAt = new Date(c.createdAt.getTime() + rng() * Math.max(1, c.updatedAt.getTime() - c.createdAt.getTime()));
      const by = BENCH_USERS.find((u) => u.roles.includes(rule.role))!.id;
      rows.push({
        id: randomUUID(),
        caseId: c.id,
        key: `h${k}`,
        stage,
        role: rule.role,
        assigneeId: rng() < 0.3 ? by : null,
        status: rng() < 0.85 ? 'completed' : 'cancelled',
        decision: rule.decisions[0]!,
        comment: null,
        completedBy: by,
        createdAt,
        completedAt: new Date(createdAt.getTime() + 86_400_000),
        dueAt: new Date(createdAt.getTime() + 5 * 86_400_000),
      });
    }
    await loader.insert(TASK, rows);
    missing -= rows.length;
    added += rows.length;
  }
  return added;
}

/**
 * The proof that simulated rows are what the product writes: `n` journeys are played on CaseSim and
 * sent through the product's use cases; the rows each produced must be equal once ids, instants,
 * numbers and hashes are set aside. Returns how many matched (all, or it throws with the first diff).
 */
export async function checkAgainstServices(app: INestApplicationContext, n: number, rng: () => number, from: Date): Promise<{ cases: number; events: number }> {
  const db = app.get(Database);
  let events = 0;
  for (let i = 0; i < n; i++) {
    const sim = new CaseSim(new Date(from.getTime() + i * 3_600_000), new CaseNumbers());
    const commands = playJourney(sim, rng, { open: i % 3 === 0, notAfter: new Date() });
    const caseId = await replayThroughServices(app, commands);
    const product = normalizeCase(await readCaseRows(db, caseId));
    const simulated = normalizeCase(sim.rows());
    if (product !== simulated) {
      const at = [...product].findIndex((ch, k) => ch !== simulated[k]);
      throw new Error(
        `simulated case differs from the product's for journey ${i} (${commands.map((c) => c.kind).join(',')}) at char ${at}:\nproduct:   …${product.slice(Math.max(0, at - 300), at + 300)}\nsimulated: …${simulated.slice(Math.max(0, at - 300), at + 300)}`,
      );
    }
    events += sim.events.length;
  }
  return { cases: n, events };
}
