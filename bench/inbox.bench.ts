/**
 * Issue 7, items 5 and 6, on one PostgreSQL database that grows between two measurements.
 * 5 (inbox): `GET /api/tasks` p99 with 100,000 cases and ~1,000,000 tasks ÷ its p99 with 1,000 cases,
 *   for the reviewers' usual inbox queries, from a separate load process against a real API process.
 * 6 (memory): the API process's RSS (VmRSS, peak VmHWM) at start, after the inbox load and after a
 *   read mix (case list pages, case details, histories of many different cases, new cases), at both sizes.
 * The open work is the same at both sizes: the 99,000 cases added are history (finished cases, plus
 * closed tasks padded onto them), so the ratio says whether the inbox pays for the history.
 */
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { TokenService } from '../src/auth/token.service.js';
import { Database } from '../src/database/database.js';
import {
  benchConfig,
  benchEnv,
  createBenchDatabase,
  deleteRedisKeys,
  BENCH_METRICS_TOKEN,
  envInt,
  fmt,
  freePort,
  machineLine,
  percentile,
  processMemory,
  redisUrl,
  Report,
  runLoad,
  spawnOnegate,
  stopProcess,
} from './support/bench-env.js';
import { checkAgainstServices, padClosedTasks, readCounters, seedCases, type SeedCounts } from './support/dataset.js';
import { BENCH_USERS, CaseNumbers, emailOf, prng, putBenchUsers } from './support/journeys.js';
import type { BenchRequest, RequestResult } from './request-client.js';

const SMALL = envInt('BENCH_INBOX_SMALL_CASES', 1_000);
const CASES = envInt('BENCH_INBOX_CASES', 100_000);
/** Tasks in the large database: the simulated journeys' own, then closed history tasks up to this. */
const TASKS = envInt('BENCH_INBOX_TASKS', 1_000_000);
const SECONDS = envInt('BENCH_INBOX_SECONDS', 15);
const WARMUP = envInt('BENCH_INBOX_WARMUP_SECONDS', 6);
const ROUNDS = envInt('BENCH_INBOX_ROUNDS', 3);
const CLIENTS = envInt('BENCH_INBOX_CLIENTS', 2);
const READS = envInt('BENCH_MEMORY_READS', 20_000);
const CREATES = envInt('BENCH_MEMORY_CREATES', 500);
const CHECK_CASES = envInt('BENCH_CHECK_CASES', 10);
const SEED = envInt('BENCH_SEED', 7);
const PARTS = (process.env.BENCH_PARTS ?? 'inbox,memory').split(',').filter((p) => p === 'inbox' || p === 'memory');
const DAY = 86_400_000;
const YEAR = 365 * DAY;

/** The inbox views measured: each reviewer's default inbox, one case's tasks, and the history view. */
interface InboxQuery {
  name: string;
  user: string;
  path: string;
  /** Part of the bar: the open-work views. The completed view is the history itself (reported apart). */
  bar: boolean;
}

interface Measured {
  query: InboxQuery;
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  items: number;
  total: number;
}

interface SizeRun {
  label: string;
  counts: DbCounts;
  inbox: Measured[];
  memory: { start: Mem; afterInbox: Mem | null; afterMix: Mem | null };
  mix: { result: RequestResult; created: number } | null;
}

/** RSS and peak from /proc; the V8 heap in use from the process's own /metrics (prom-client). */
type Mem = { rssMiB: number; peakMiB: number; heapMiB: number };

interface DbCounts {
  cases: number;
  openCases: number;
  tasks: number;
  openTasks: number;
  events: number;
  documents: number;
}

async function main(): Promise<void> {
  const report = new Report(PARTS.includes('inbox') ? 'inbox' : 'memory');
  const bench = await createBenchDatabase('inbox');
  let copy: { url: string; drop(): Promise<void> } | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'onegate-bench-inbox-'));
  const queuePrefix = `onegate-bench-inbox-${Date.now()}`;
  const config = benchConfig({ database: { kind: 'postgres', url: bench.url }, dataDir, role: 'cli' });
  let app: INestApplication | null = await createApp(config, { logger: false });
  const clients: pg.Client[] = [];
  try {
    let db = app.get(Database);
    await putBenchUsers(app);
    const tokens = await signTokens(app);
    const closeApp = async () => {
      await app?.close();
      app = null;
    };
    const rng = prng(SEED);
    const now = new Date();

    // 1,000 cases over the last year: recent proposals mostly still under way, a few old ones stuck.
    console.log(`checking the simulator against the product's use cases (${CHECK_CASES} journeys)…`);
    const check = await checkAgainstServices(app, CHECK_CASES, rng, new Date(now.getTime() - 300 * DAY));
    console.log(`seeding ${fmt(SMALL)} cases…`);
    let t0 = performance.now();
    const small = await seedCases(db, {
      cases: SMALL - check.cases,
      from: new Date(now.getTime() - YEAR),
      to: new Date(now.getTime() - DAY),
      open: (start) => rng() < (start.getTime() > now.getTime() - 120 * DAY ? 0.6 : 0.01),
      notAfter: now,
      rng,
      numbers: new CaseNumbers(await readCounters(db)),
    });
    console.log(`  ${fmt(small.cases)} cases, ${fmt(small.tasks)} tasks in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    // The 1,000-case state is kept as an exact copy (a template copy of the database), so both sizes
    // can be measured in the same minutes, interleaved: this machine is shared, and a burst of someone
    // else's load would otherwise fall on one size only.
    await closeApp();
    copy = await createBenchDatabase('inbox_1k', { template: bench.name });
    app = await createApp(config, { logger: false });
    db = app.get(Database);

    // The history: finished cases over the twenty years before, then closed tasks padded onto them.
    console.log(`growing to ${fmt(CASES)} cases (history: finished cases only)…`);
    t0 = performance.now();
    const finished: { id: string; createdAt: Date; updatedAt: Date }[] = [];
    const history: SeedCounts = await seedCases(db, {
      cases: CASES - SMALL,
      from: new Date(now.getTime() - 21 * YEAR),
      to: new Date(now.getTime() - YEAR - DAY),
      open: () => false,
      notAfter: now,
      rng,
      numbers: new CaseNumbers(await readCounters(db)),
      onCase: (row) => finished.push({ id: row.id, createdAt: row.createdAt, updatedAt: row.updatedAt }),
      progress: (c) => process.stdout.write(`\r  ${fmt(c.cases)} cases, ${fmt(c.tasks)} tasks, ${fmt(c.events)} events`),
    });
    console.log(`\n  padding closed tasks up to ${fmt(TASKS)}…`);
    const padded = await padClosedTasks(db, finished, TASKS, rng);
    finished.length = 0;
    const growSeconds = (performance.now() - t0) / 1000;
    console.log(`  grown in ${growSeconds.toFixed(0)} s (${fmt(padded)} closed tasks padded)`);
    await closeApp();

    const sizes: Size[] = [];
    for (const [label, url] of [
      [`${fmt(SMALL)} cases`, copy.url],
      [`${fmt(CASES)} cases`, bench.url],
    ] as const) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      clients.push(client);
      const sql: Sql = async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[];
      await sql('VACUUM ANALYZE');
      sizes.push({ label, url, sql, counts: await countRows(sql) });
    }
    const queries = await inboxQueries(sizes[0]!.sql);
    const [smallRun, largeRun] = await measure(sizes, dataDir, queuePrefix, tokens, queries, rng);
    const plans = await explainInbox(sizes[1]!.sql, queries);

    writeReport(report, { small: smallRun!, large: largeRun!, history, padded, growSeconds, plans, checked: check.cases });
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
    await app?.close();
    await bench.drop();
    await copy?.drop();
    await deleteRedisKeys(queuePrefix).catch(() => 0);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type Sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

interface Size {
  label: string;
  url: string;
  sql: Sql;
  counts: DbCounts;
}

async function signTokens(app: INestApplication): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  const service = app.get(TokenService);
  for (const u of BENCH_USERS) tokens.set(u.id, await service.sign({ id: u.id, name: u.name, email: emailOf(u.id), roles: u.roles }, 12 * 3600));
  return tokens;
}

/** The views, with one open case that has an open secretariat task for the per-case view. */
async function inboxQueries(sql: Sql): Promise<InboxQuery[]> {
  const [one] = (await sql(`SELECT case_id FROM tasks WHERE status = 'open' AND role = 'secretariat' ORDER BY created_at LIMIT 1`)) as { case_id: string }[];
  return [
    { name: 'secretariat (sec-1), open inbox', user: 'sec-1', path: '/api/tasks', bar: true },
    { name: 'Tim Teknis member (tt-a), open inbox', user: 'tt-a', path: '/api/tasks', bar: true },
    { name: 'Bagian Hukum (hukum-1), open inbox', user: 'hukum-1', path: '/api/tasks', bar: true },
    { name: 'Wali Kota, open inbox', user: 'walikota', path: '/api/tasks', bar: true },
    ...(one ? [{ name: 'secretariat, one case (`?caseId=`)', user: 'sec-1', path: `/api/tasks?caseId=${one.case_id}`, bar: true }] : []),
    { name: 'Tim Teknis member, `?status=completed` (the history view)', user: 'tt-a', path: '/api/tasks?status=completed', bar: false },
  ];
}

/**
 * Both sizes at once: one API process on each database (`ONEGATE_ROLE=api` with Redis: HTTP only, as
 * deployed; timers and mail are left to worker processes). The inbox views are loaded in interleaved
 * rounds (each view on the small, then the large database); then the read mix on each, one after the other.
 */
async function measure(sizes: Size[], dataDir: string, queuePrefix: string, tokens: Map<string, string>, queries: InboxQuery[], rng: () => number): Promise<SizeRun[]> {
  const apis: { child: ChildProcess; base: string }[] = [];
  try {
    for (const size of sizes) {
      console.log(`\n== ${size.label}: ${fmt(size.counts.cases)} cases, ${fmt(size.counts.tasks)} tasks (${fmt(size.counts.openTasks)} open), ${fmt(size.counts.events)} events ==`);
      const port = await freePort();
      const child = await spawnOnegate(
        benchEnv({ DATABASE_URL: size.url, REDIS_URL: redisUrl(), ONEGATE_ROLE: 'api', ONEGATE_QUEUE_PREFIX: queuePrefix, PORT: String(port), ONEGATE_DATA_DIR: dataDir }),
        /listening on http/,
        (line) => {
          if (/"level":(50|60)|ERROR/.test(line)) console.error(`  [api ${size.label}] ${line.slice(0, 400)}`);
        },
      );
      apis.push({ child, base: `http://127.0.0.1:${port}` });
    }
    await sleep(2000);
    const runs: SizeRun[] = sizes.map((size) => ({
      label: size.label,
      counts: size.counts,
      inbox: [],
      memory: { start: { rssMiB: 0, peakMiB: 0, heapMiB: 0 }, afterInbox: null, afterMix: null },
      mix: null,
    }));
    for (let k = 0; k < sizes.length; k++) runs[k]!.memory.start = await memoryOf(apis[k]!);
    runs.forEach((r) => console.log(`  API RSS at start, ${r.label}: ${r.memory.start.rssMiB.toFixed(0)} MiB`));

    // Every view once (for its rows), a warm-up over all views (JIT, pool, PostgreSQL's cache), then
    // ROUNDS rounds of SECONDS/ROUNDS per view and size.
    const requests: BenchRequest[] = queries.map((q) => ({ method: 'GET', path: q.path, token: tokens.get(q.user)! }));
    const bodies = sizes.map(() => [] as { items: unknown[]; total: number }[]);
    for (let k = 0; k < sizes.length; k++) {
      for (const request of requests) bodies[k]!.push((await getJson(apis[k]!.base, request)) as { items: unknown[]; total: number });
      await runLoad({ base: apis[k]!.base, requests, clients: CLIENTS, seconds: WARMUP, cycle: true });
    }
    const latencies = sizes.map(() => queries.map(() => [] as number[]));
    const errors = sizes.map(() => queries.map(() => 0));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < queries.length; i++) {
        for (let k = 0; k < sizes.length; k++) {
          const r = await runLoad({ base: apis[k]!.base, requests: [requests[i]!], clients: CLIENTS, seconds: SECONDS / ROUNDS, cycle: true });
          latencies[k]![i]!.push(...r.latencies);
          errors[k]![i]! += r.errors;
        }
      }
      console.log(`  round ${round + 1} of ${ROUNDS} done`);
    }
    for (let k = 0; k < sizes.length; k++) {
      const run = runs[k]!;
      run.inbox = queries.map((query, i) => {
        const sorted = [...latencies[k]![i]!].sort((a, b) => a - b);
        const m = { query, requests: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), errors: errors[k]![i]!, items: bodies[k]![i]!.items.length, total: bodies[k]![i]!.total };
        console.log(`  ${run.label}, ${query.name}: ${fmt(m.requests)} requests, p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms (${m.items} items of ${fmt(m.total)}), errors ${m.errors}`);
        return m;
      });
      run.memory.afterInbox = await memoryOf(apis[k]!);
      console.log(`  API RSS after the inbox load, ${run.label}: ${run.memory.afterInbox.rssMiB.toFixed(0)} MiB (peak ${run.memory.afterInbox.peakMiB.toFixed(0)})`);
    }
    if (PARTS.includes('memory')) {
      for (let k = 0; k < sizes.length; k++) {
        const run = runs[k]!;
        const mixRequests = await readMix(sizes[k]!.sql, tokens, rng);
        const result = await runLoad({ base: apis[k]!.base, requests: mixRequests, clients: CLIENTS, seconds: 3600, cycle: false });
        run.memory.afterMix = await memoryOf(apis[k]!);
        run.mix = { result, created: result.byKind['POST /api/cases']?.length ?? 0 };
        console.log(
          `  read mix, ${run.label}: ${fmt(result.latencies.length)} requests in ${result.seconds.toFixed(0)} s, errors ${result.errors}; RSS ${run.memory.afterMix.rssMiB.toFixed(0)} MiB (peak ${run.memory.afterMix.peakMiB.toFixed(0)})`,
        );
      }
    }
    return runs;
  } finally {
    for (const api of apis) await stopProcess(api.child);
  }
}

/**
 * What people do besides the inbox: list pages (first pages, by stage, by year), case details and
 * histories of cases drawn from the whole table, and new proposals (CREATES of them, spread through).
 */
async function readMix(sql: Sql, tokens: Map<string, string>, rng: () => number): Promise<BenchRequest[]> {
  const ids = ((await sql(`SELECT id FROM cases`)) as { id: string }[]).map((r) => r.id);
  const years = ((await sql(`SELECT DISTINCT EXTRACT(YEAR FROM created_at)::int AS y FROM cases`)) as { y: number }[]).map((r) => r.y);
  const stages = ['administrative_check', 'technical_review', 'legal_review', 'signed', 'expired', 'rejected'];
  const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)]!;
  const user = () => pick(['sec-1', 'sec-2', 'tt-a', 'tt-b', 'hukum-1', 'sekda', 'walikota', 'opd-1']);
  const requests: BenchRequest[] = [];
  const createEvery = Math.max(1, Math.floor(READS / Math.max(1, CREATES)));
  for (let i = 0; i < READS; i++) {
    if (CREATES && i % createEvery === createEvery - 1 && requests.filter((r) => r.method === 'POST').length < CREATES) {
      requests.push({
        method: 'POST',
        path: '/api/cases',
        token: tokens.get(`opd-${1 + (i % 12)}`)!,
        body: { title: `PKS layanan kesehatan ${i}`, instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' }, requiresDprdApproval: false },
        kind: 'POST /api/cases',
      });
      continue;
    }
    const x = rng();
    if (x < 0.1) requests.push({ method: 'GET', path: `/api/cases?limit=50&offset=${50 * Math.floor(rng() * 5)}`, token: tokens.get(user())!, kind: 'GET /api/cases (page)' });
    else if (x < 0.15) requests.push({ method: 'GET', path: `/api/cases?stage=${pick(stages)}&limit=50`, token: tokens.get(user())!, kind: 'GET /api/cases?stage=' });
    else if (x < 0.2) requests.push({ method: 'GET', path: `/api/cases?year=${pick(years)}&limit=50`, token: tokens.get(user())!, kind: 'GET /api/cases?year=' });
    else if (x < 0.55) requests.push({ method: 'GET', path: `/api/cases/${pick(ids)}`, token: tokens.get(user())!, kind: 'GET /api/cases/:id' });
    else if (x < 0.9) requests.push({ method: 'GET', path: `/api/cases/${pick(ids)}/history`, token: tokens.get('inspektorat-1')!, kind: 'GET /api/cases/:id/history' });
    else requests.push({ method: 'GET', path: '/api/tasks', token: tokens.get(user())!, kind: 'GET /api/tasks' });
  }
  return requests;
}

/** The inbox's SQL as TasksService builds it (open view: assigned to me, or unassigned for my roles), explained. */
async function explainInbox(sql: Sql, queries: InboxQuery[]): Promise<{ name: string; plan: string }[]> {
  const out: { name: string; plan: string }[] = [];
  for (const q of queries.filter((x) => !x.path.includes('caseId'))) {
    const u = BENCH_USERS.find((x) => x.id === q.user)!;
    const completed = q.path.includes('status=completed');
    const where = completed
      ? `t.status = 'completed' AND (t.completed_by = $1 OR t.role = ANY($2))`
      : `t.status = 'open' AND (t.assignee_id = $1 OR (t.assignee_id IS NULL AND t.role = ANY($2)))`;
    const plan: string[] = [];
    for (const text of [`SELECT * FROM tasks t WHERE ${where} ORDER BY t.created_at ASC, t.key ASC LIMIT 500`, `SELECT COUNT(DISTINCT t.id) FROM tasks t WHERE ${where}`]) {
      const rows = (await sql(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, [u.id, u.roles])) as { 'QUERY PLAN': string }[];
      plan.push(text, ...rows.map((r) => `  ${r['QUERY PLAN']}`), '');
    }
    out.push({ name: q.name, plan: plan.join('\n') });
  }
  return out;
}

async function countRows(sql: Sql): Promise<DbCounts> {
  const [r] = (await sql(`SELECT
      (SELECT COUNT(*)::int FROM cases) AS cases,
      (SELECT COUNT(*)::int FROM cases WHERE stage NOT IN ('signed', 'expired', 'terminated', 'rejected', 'withdrawn')) AS "openCases",
      (SELECT COUNT(*)::int FROM tasks) AS tasks,
      (SELECT COUNT(*)::int FROM tasks WHERE status = 'open') AS "openTasks",
      (SELECT COUNT(*)::int FROM case_events) AS events,
      (SELECT COUNT(*)::int FROM documents) AS documents`)) as DbCounts[];
  return r!;
}

async function getJson(base: string, r: BenchRequest): Promise<unknown> {
  const res = await fetch(base + r.path, { headers: { authorization: `Bearer ${r.token}` } });
  if (res.status !== 200) throw new Error(`GET ${r.path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

async function memoryOf(api: { child: ChildProcess; base: string }): Promise<Mem> {
  const text = await (await fetch(`${api.base}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })).text();
  const heap = Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1] ?? NaN);
  return { ...processMemory(api.child.pid!), heapMiB: heap / 2 ** 20 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Results {
  small: SizeRun;
  large: SizeRun;
  history: SeedCounts;
  padded: number;
  growSeconds: number;
  plans: { name: string; plan: string }[];
  checked: number;
}

function writeReport(report: Report, r: Results): void {
  const { small, large } = r;
  const mem = (m: Mem | null) => (m ? `${m.rssMiB.toFixed(0)} (peak ${m.peakMiB.toFixed(0)}; heap ${m.heapMiB.toFixed(0)})` : '—');
  report.log(`# onegate bench: inbox growth and API memory — ${new Date().toISOString()}`);
  report.log('');
  report.log(machineLine());
  report.log(
    `Command: \`npm run bench -- ${PARTS.join(' ')}\` (BENCH_INBOX_SMALL_CASES=${SMALL}, BENCH_INBOX_CASES=${CASES}, BENCH_INBOX_TASKS=${TASKS}, BENCH_INBOX_SECONDS=${SECONDS}, ` +
      `BENCH_INBOX_CLIENTS=${CLIENTS}, BENCH_INBOX_ROUNDS=${ROUNDS}, BENCH_MEMORY_READS=${READS}, BENCH_MEMORY_CREATES=${CREATES}, BENCH_SEED=${SEED}); every figure below was measured in this run, on one database that grew between the two sizes.`,
  );
  report.log('');
  report.log('## The data at each size');
  report.log('');
  report.log('| size | cases | open cases | tasks | open tasks | events | documents |');
  report.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const s of [small, large]) {
    report.log(`| ${s.label} | ${fmt(s.counts.cases)} | ${fmt(s.counts.openCases)} | ${fmt(s.counts.tasks)} | ${fmt(s.counts.openTasks)} | ${fmt(s.counts.events)} | ${fmt(s.counts.documents)} |`);
  }
  report.log('');
  report.log(
    `The first ${fmt(small.counts.cases)} cases start over the last year (${r.checked} of them sent through the product's use cases, which the simulator's rows were checked against in this run): ` +
      `recent proposals are mostly still under way, a few older ones are stuck. The growth adds ${fmt(r.history.cases)} finished cases started over the twenty years before ` +
      `(simulated journeys: ${fmt(r.history.tasks)} tasks, ${fmt(r.history.events)} events), then ${fmt(r.padded)} closed tasks (85% completed, 15% cancelled, of random task stages, inside their case's lifetime) ` +
      `padded onto those finished cases, since a journey averages ${(r.history.tasks / r.history.cases).toFixed(1)} tasks: added in ${r.growSeconds.toFixed(0)} s; then VACUUM ANALYZE on both databases. The 1,000-case database is a template copy of this same database taken before it grew, so both sizes are measured in the same minutes. ` +
      `**Choice:** the open work is the same at both sizes (${fmt(small.counts.openTasks)} vs ${fmt(large.counts.openTasks)} open tasks): the bar asks whether history slows the inbox, and an office's open work ` +
      `does not grow with its archive. A larger open inbox costs more by its own size (the view returns up to 500 rows); that is not history.`,
  );
  if (PARTS.includes('inbox')) {
    report.log('');
    report.log(`## 5. Inbox growth: \`GET /api/tasks\` p99 at ${large.label} ÷ p99 at ${small.label}`);
    report.log('');
    report.log(`A real API process (\`ONEGATE_ROLE=api\` with Redis: HTTP only), ${CLIENTS} concurrent keep-alive clients in a separate process, ${WARMUP} s warm-up over all views, then ${SECONDS} s per view in ${ROUNDS} interleaved rounds.`);
    report.log('');
    report.log(`| view | rows (of total) ${small.label} | p50 ms | p99 ms | rows (of total) ${large.label} | p50 ms | p99 ms | p99 ratio (bar ≤ 1.5) |`);
    report.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    let worst = 0;
    for (let i = 0; i < small.inbox.length; i++) {
      const a = small.inbox[i]!;
      const b = large.inbox[i]!;
      const ratio = b.p99 / a.p99;
      if (a.query.bar) worst = Math.max(worst, ratio);
      report.log(
        `| ${a.query.name} | ${a.items} (${fmt(a.total)}) | ${a.p50.toFixed(1)} | ${a.p99.toFixed(1)} | ${b.items} (${fmt(b.total)}) | ${b.p50.toFixed(1)} | ${b.p99.toFixed(1)} | ${ratio.toFixed(2)}${a.query.bar ? (ratio <= 1.5 ? '' : ' (MISSED)') : ' (not under the bar)'} |`,
      );
    }
    const requests = [...small.inbox, ...large.inbox];
    report.log('');
    report.log(
      `**Worst ratio over the open-work views: ${worst.toFixed(2)}** (bar ≤ 1.5${worst <= 1.5 ? ', met' : ', MISSED'}). ${fmt(requests.reduce((n, m) => n + m.requests, 0))} requests measured, ${requests.reduce((n, m) => n + m.errors, 0)} errors.`,
    );
    report.log('');
    report.log('### Plans at the large size (`EXPLAIN (ANALYZE, BUFFERS)` of the SQL TasksService sends)');
    for (const p of r.plans) {
      report.log('');
      report.log(`${p.name}:`);
      report.log('```');
      report.log(p.plan.trimEnd());
      report.log('```');
    }
  }
  report.log('');
  report.log('## 6. Memory: the API process');
  report.log('');
  report.log('VmRSS in MiB of each API process (in brackets: its peak VmHWM, and the V8 heap in use as its own `/metrics` reports it, garbage not yet collected included).');
  report.log('');
  report.log('| size | at start | after the inbox load | after the read mix |');
  report.log('|---|---:|---:|---:|');
  for (const s of [small, large]) report.log(`| ${s.label} | ${mem(s.memory.start)} | ${mem(s.memory.afterInbox)} | ${mem(s.memory.afterMix)} |`);
  if (small.mix && large.mix) {
    report.log('');
    report.log(
      `The read mix at each size: ${fmt(READS)} requests by ${CLIENTS} clients — list pages (first five pages, by stage, by year), case details and histories of cases drawn at random from the whole table, ` +
        `inbox views, and ${CREATES} new proposals (\`POST /api/cases\`) spread through.`,
    );
    report.log('');
    report.log(`| request | ${small.label}: n | p50 ms | p99 ms | ${large.label}: n | p50 ms | p99 ms |`);
    report.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const kind of Object.keys(large.mix.result.byKind).sort()) {
      const a = [...(small.mix.result.byKind[kind] ?? [])].sort((x, y) => x - y);
      const b = [...large.mix.result.byKind[kind]!].sort((x, y) => x - y);
      report.log(`| ${kind} | ${fmt(a.length)} | ${percentile(a, 0.5).toFixed(1)} | ${percentile(a, 0.99).toFixed(1)} | ${fmt(b.length)} | ${percentile(b, 0.5).toFixed(1)} | ${percentile(b, 0.99).toFixed(1)} |`);
    }
    report.log('');
    report.log(`Errors in the read mix: ${small.mix.result.errors} at ${small.label}, ${large.mix.result.errors} at ${large.label}; cases created through the API: ${small.mix.created} and ${large.mix.created}.`);
    const grow = Math.round(large.memory.afterMix!.rssMiB) - Math.round(small.memory.afterMix!.rssMiB);
    report.log(
      `RSS after the read mix: ${large.memory.afterMix!.rssMiB.toFixed(0)} MiB at ${large.label} vs ${small.memory.afterMix!.rssMiB.toFixed(0)} MiB at ${small.label} (${grow >= 0 ? '+' : ''}${grow.toFixed(0)} MiB for ${(large.counts.cases / small.counts.cases).toFixed(0)}× the cases).`,
    );
  }
  report.write();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
