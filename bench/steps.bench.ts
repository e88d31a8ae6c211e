/**
 * `npm run bench`: task completions per second over HTTP, divided by the machine's own limit measured
 * in the same run — pgbench running the same writes as one plain SQL transaction (an event insert with
 * a ~500-byte JSON payload and a case update) at the same concurrency. The server is onegate as
 * `npm start` runs it, in its own process (API and workers) on PostgreSQL + Redis, the load an outside
 * `fetch` client with a token per request; then the same on the embedded default, divided by the
 * PostgreSQL figure. Writes bench/results/<date>-<time>-steps.md.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { SERVER_NODE_FLAGS, benchConfig, benchEnv, createBenchDatabase, deleteRedisKeys, freePort, machineLine, percentile, readCpuMs, redisUrl, Report, runLoad, spawnOnegate, stopProcess } from './support/bench-env.js';
import type { BenchRequest } from './request-client.js';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { startOf } from '../src/cases/cases.service.js';
import { TokenService } from '../src/auth/token.service.js';
import type { AppConfig } from '../src/config/app-config.js';
import { DirectoryService } from '../src/directory/directory.service.js';
import { Engine } from '../src/engine/engine.js';

const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,8,32').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
/** BENCH_PROFILE=<dir>: a V8 CPU profile of the server during each load, for finding where the time goes. */
const PROFILE_DIR = process.env.BENCH_PROFILE || null;
/** BENCH_NODE_ARGS: more Node flags for the onegate server (e.g. `--perf-basic-prof` for `perf record`). */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** BENCH_STEPS=postgres: only the onegate load on PostgreSQL (while working on it); the report needs all four. */
const ONLY = process.env.BENCH_STEPS ? new Set(process.env.BENCH_STEPS.split(',')) : null;
/** The body of each completion the load sends. */
const COMPLETION = { decision: 'approve', comment: 'x'.repeat(300) };
const PAYLOAD = JSON.stringify({ decision: 'approve', comment: 'x'.repeat(380), stage: 'administrative_check', taskId: '00000000-0000-0000-0000-000000000000' });

interface Run {
  clients: number;
  completions: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time of the server process (user + system) per completion, measured over the load. */
  cpuMs: number;
}

async function main(): Promise<void> {
  const bench = await createBenchDatabase('steps');
  const url = bench.url;
  const dataDir = mkdtempSync(join(tmpdir(), 'onegate-bench-'));
  const report = new Report('steps');
  const log = (s = '') => report.log(s);
  try {
    log(`# onegate bench — ${new Date().toISOString()}`);
    log('');
    log(`${machineLine()}, ${execFileSync('pgbench', ['--version'], { encoding: 'utf8' }).trim()}`);
    log(`Command: \`npm run bench\` (BENCH_SECONDS=${SECONDS}, BENCH_CONCURRENCY=${CONCURRENCY.join(',')}); each figure below was measured in this run.`);
    log('');
    const roundTrip = await queryCost(url);
    log(`One \`SELECT 1\` round trip through node-postgres on this machine: ${roundTrip.wallUs.toFixed(0)} µs wall, ${roundTrip.cpuUs.toFixed(0)} µs CPU of the Node process (user + system), mean of 2000.`);
    log('');
    if (ONLY) {
      if (ONLY.has('postgres')) await loadRuns({ kind: 'postgres', url }, dataDir, 'pg');
      if (ONLY.has('embedded')) await loadRuns({ kind: 'sqlite', file: join(dataDir, 'sqlite', 'onegate.sqlite') }, dataDir, 'sqlite');
      return;
    }
    const baseline = await pgbenchBaseline(url);
    const postgres = await loadRuns({ kind: 'postgres', url }, dataDir, 'pg');
    const floor = await floorRuns(url);
    // The file `npm start` opens in its data folder.
    const embedded = await loadRuns({ kind: 'sqlite', file: join(dataDir, 'sqlite', 'onegate.sqlite') }, dataDir, 'sqlite');
    log('## 1. Steps: task completions over HTTP on PostgreSQL ÷ plain SQL transaction (pgbench), same concurrency');
    log('');
    log('| clients | onegate completions/s | p50 ms | p99 ms | server CPU ms / completion | pgbench tx/s | ratio (bar ≥ 0.3; CPU bar ≤ 0.7 ms) |');
    log('|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of postgres) {
      const b = baseline.get(r.clients)!;
      log(`| ${r.clients} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpuMs.toFixed(2)} | ${b.toFixed(0)} | ${(r.perSecond / b).toFixed(2)}${r.perSecond / b >= 0.3 && r.cpuMs <= 0.7 ? '' : ' (below bar)'} |`);
    }
    log('');
    log('## 2. Embedded default (SQLite file) ÷ the PostgreSQL figure, same load');
    log('');
    log('| clients | embedded completions/s | p50 ms | p99 ms | server CPU ms / completion | PostgreSQL completions/s | ratio (bar ≥ 0.3) |');
    log('|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of embedded) {
      const p = postgres.find((x) => x.clients === r.clients)!;
      log(`| ${r.clients} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpuMs.toFixed(2)} | ${p.perSecond.toFixed(0)} | ${(r.perSecond / p.perSecond).toFixed(2)}${r.perSecond / p.perSecond >= 0.3 ? '' : ' (below bar)'} |`);
    }
    log('');
    log('## What any Node service could do here: the same HTTP load on a bare Node server doing only the database work');
    log('');
    log('A `node:http` server with a node-postgres pool of the same size, whose `POST /api/tasks/:id/complete` parses the JSON body, reads the case row (one round trip), then writes the event and the case update as one statement (a second round trip): the same two round trips a onegate step makes, and nothing else (no framework, auth, validation, workflow, hash or deadlines). Same load process, same clients.');
    log('');
    log('| clients | bare Node completions/s | p50 ms | p99 ms | server CPU ms / completion | ÷ pgbench | onegate ÷ bare Node |');
    log('|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of floor) {
      const b = baseline.get(r.clients)!;
      const p = postgres.find((x) => x.clients === r.clients)!;
      log(`| ${r.clients} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpuMs.toFixed(2)} | ${(r.perSecond / b).toFixed(2)} | ${(p.perSecond / r.perSecond).toFixed(2)} |`);
    }
    const errors = [...postgres, ...embedded, ...floor].reduce((n, r) => n + r.errors, 0);
    log('');
    log(`Errors (non-2xx) during the load: ${errors}. Each completion is one engine step: load the case with its tasks, transition, then the event (hash chain), snapshot, task rows and deadline timers, written as one statement on PostgreSQL (one transaction on SQLite), plus HTTP, JWT (a token of its own per request), the directory read of the user, validation and a log line; the next stage's timers are queued (BullMQ on Redis; in-process embedded) before the response. The server is the compiled \`src/main.js\` run as \`npm start\` runs it (\`node ${SERVER_NODE_FLAGS.join(' ')}\`, NODE_ENV=production, API and workers in one process) after a ${WARMUP_SECONDS} s warm-up; its CPU is read from /proc. The load runs in a separate process with \`fetch\`, as pgbench runs apart from PostgreSQL.`);
    report.write();
  } finally {
    await bench.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** What one database round trip costs the Node process here: context for the CPU per completion. */
async function queryCost(url: string): Promise<{ wallUs: number; cpuUs: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (let i = 0; i < 200; i++) await c.query('SELECT 1');
    const n = 2000;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await c.query('SELECT 1');
    const cpu = process.cpuUsage(cpu0);
    return { wallUs: ((performance.now() - t0) * 1000) / n, cpuUs: (cpu.user + cpu.system) / n };
  } finally {
    await c.end();
  }
}

/** pgbench with the same writes as one step, as a plain SQL transaction. */
async function pgbenchBaseline(url: string): Promise<Map<number, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE TABLE bench_cases (id int PRIMARY KEY, version int NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`);
  await c.query(`INSERT INTO bench_cases SELECT g, 1 FROM generate_series(1, 100000) g`);
  await c.query(`CREATE TABLE bench_events (id bigserial PRIMARY KEY, case_id int NOT NULL, seq int NOT NULL, type varchar(64) NOT NULL, at timestamptz NOT NULL DEFAULT now(), data jsonb NOT NULL, hash varchar(64) NOT NULL)`);
  await c.query(`CREATE INDEX ON bench_events (case_id, seq)`);
  await c.end();
  const dir = mkdtempSync(join(tmpdir(), 'onegate-pgbench-'));
  const script = join(dir, 'step.sql');
  writeFileSync(
    script,
    [
      '\\set cid random(1, 100000)',
      'BEGIN;',
      `INSERT INTO bench_events (case_id, seq, type, data, hash) VALUES (:cid, 1, 'TASK_COMPLETED', '${PAYLOAD}', md5(random()::text) || md5(random()::text));`,
      'UPDATE bench_cases SET version = version + 1, updated_at = now() WHERE id = :cid;',
      'END;',
    ].join('\n'),
  );
  const u = new URL(url);
  const results = new Map<number, number>();
  for (const clients of CONCURRENCY) {
    const out = execFileSync(
      'pgbench',
      ['-n', '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), '-c', String(clients), '-j', String(Math.min(clients, cpus().length)), '-T', String(SECONDS), '-f', script, u.pathname.slice(1)],
      { encoding: 'utf8', env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } },
    );
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
    results.set(clients, tps);
    console.log(`pgbench ${clients} clients: ${tps.toFixed(0)} tx/s`);
  }
  rmSync(dir, { recursive: true, force: true });
  return results;
}

/**
 * What users get: seeds cases with an open task each through an app in this process, then starts onegate
 * as `npm start` does (the compiled `src/main.js`, its own process, role `all`: API and workers, on
 * PostgreSQL + Redis or the embedded file) and completes the tasks over HTTP from a third process with
 * `fetch`, each request carrying a token of its own. Every completion opens the next stage's tasks, whose
 * deadline timers go to the queue (BullMQ on Redis) before the response.
 */
async function loadRuns(database: AppConfig['database'], dataDir: string, label: string): Promise<Run[]> {
  const queuePrefix = `onegate-bench-steps-${Date.now()}`;
  const redis = database.kind === 'postgres' ? redisUrl() : null;
  const home = join(dataDir, label);
  const config = benchConfig({ dataDir: home, database, redisUrl: redis, queuePrefix });
  const runs: Run[] = [];
  try {
    for (const clients of CONCURRENCY) {
      const want = Math.max(9000, clients * 600);
      const { taskIds, tokens } = await seed(config, want);
      const port = await freePort();
      const env = benchEnv({
        ...(database.kind === 'postgres' ? { DATABASE_URL: database.url, REDIS_URL: redis! } : {}),
        ONEGATE_QUEUE_PREFIX: queuePrefix,
        ONEGATE_DATA_DIR: home,
        PORT: String(port),
      });
      const profileDir = PROFILE_DIR ? join(PROFILE_DIR, `${label}-${clients}`) : null;
      const server = await spawnOnegate(env, /listening on http/, (line) => {
        if (/"level":(50|60)/.test(line)) console.error(`  [${label}] ${line.slice(0, 400)}`);
      }, [...NODE_ARGS, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])]);
      if (process.env.BENCH_PID_FILE) writeFileSync(process.env.BENCH_PID_FILE, String(server.pid));
      try {
        const base = `http://127.0.0.1:${port}`;
        // A fresh process runs cold code: a warm-up (JIT, pools, PostgreSQL's cache) on tasks of its own, then the measured load.
        const warm = taskIds.splice(0, 1500);
        await runClient({ base, tokens: tokens.splice(0, 1500), taskIds: warm, clients, seconds: WARMUP_SECONDS });
        const cpuBefore = readCpuMs(server.pid!);
        const out = await runClient({ base, tokens, taskIds, clients, seconds: SECONDS });
        const cpuMs = readCpuMs(server.pid!) - cpuBefore;
        const run = summarize(clients, out, { user: cpuMs * 1000, system: 0 });
        console.log(`${label} ${clients} clients: ${run.perSecond.toFixed(0)} completions/s, p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, server CPU ${run.cpuMs.toFixed(2)} ms per completion, ${run.errors} errors${out.ranOut ? ' (ran out of seeded tasks)' : ''}`);
        runs.push(run);
      } finally {
        await stopProcess(server);
      }
    }
  } finally {
    if (redis) await deleteRedisKeys(queuePrefix);
  }
  return runs;
}

/** Cases with an open administrative check each (version 1, no documents needed), and a token per request. */
async function seed(config: AppConfig, want: number): Promise<{ taskIds: string[]; tokens: string[] }> {
  const app = await createApp(config, { logger: false });
  try {
    const secretariat = await app.get(DirectoryService).put('bench-sec', { name: 'Bench Sekretariat', email: 'bench@localhost', roles: ['secretariat'] });
    const engine = app.get(Engine);
    const signer = app.get(TokenService);
    const taskIds: string[] = [];
    const tokens: string[] = [];
    for (let i = 0; i < want; i++) {
      const { case: c } = await engine.start({
        actor: { id: 'bench-opd', roles: ['proposer'] },
        ...startOf('bench-opd', { title: `Bench ${i}`, instrument: 'kb', partner: { name: 'Mitra', category: 'region' }, requiresDprdApproval: false }),
        workflow: { name: 'cooperation', version: 1 },
      });
      const { tasks } = await engine.step({ caseId: c.id, actor: { id: 'bench-opd', roles: ['proposer'] }, plan: () => ({ type: 'SUBMIT', machineEvent: { type: 'SUBMIT' } }) });
      taskIds.push(tasks[0]!.id);
      // Each token its own (a fresh jti): the server verifies every one, as it would a crowd of users'.
      tokens.push(await signer.sign(secretariat, 2 * 3600));
    }
    return { taskIds, tokens };
  } finally {
    await app.close();
  }
}

/**
 * The floor: the least a Node HTTP service can spend on one completion here. A bare `node:http` server
 * (no framework) on the pgbench tables: per request, parse the body, one read, one write statement
 * holding the event insert and the case update. Same load client as onegate's runs.
 */
async function floorRuns(url: string): Promise<Run[]> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const write = `WITH e AS (INSERT INTO bench_events (case_id, seq, type, data, hash) VALUES ($1, $2, 'TASK_COMPLETED', $3, $4) RETURNING 1),
    c AS (UPDATE bench_cases SET version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 - 1 RETURNING 1)
    SELECT (SELECT count(*) FROM e) + (SELECT count(*) FROM c) AS n`;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      void (async () => {
        try {
          const id = Number(/^\/api\/tasks\/(\d+)\/complete$/.exec(req.url ?? '')?.[1]);
          const input = JSON.parse(body) as { decision: string; comment?: string };
          const { rows } = await pool.query('SELECT id, version FROM bench_cases WHERE id = $1', [id]);
          const version = (rows[0] as { version: number }).version + 1;
          const data = JSON.stringify({ event: { type: 'DECIDE', decision: input.decision, comment: input.comment ?? null }, stage: 'administrative_check' });
          await pool.query(write, [id, version, data, createHash('sha256').update(data).digest('hex')]);
          const out = JSON.stringify({ id, version, decision: input.decision });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
        } catch (err) {
          res.writeHead(500).end(String(err));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const runs: Run[] = [];
  try {
    let first = 1;
    for (const clients of CONCURRENCY) {
      const want = 40_000;
      // Each request a row of its own within a run (pgbench's table has 100,000).
      const taskIds = Array.from({ length: want }, (_, i) => String(((first - 1 + i) % 100_000) + 1));
      first += want;
      const cpuBefore = process.cpuUsage();
      const out = await runClient({ base, tokens: ['none'], taskIds, clients, seconds: SECONDS });
      const r = summarize(clients, out, process.cpuUsage(cpuBefore));
      runs.push(r);
      console.log(`bare Node ${clients} clients: ${r.perSecond.toFixed(0)} completions/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, server CPU ${r.cpuMs.toFixed(2)} ms per completion, ${r.errors} errors${out.ranOut ? ' (ran out of ids)' : ''}`);
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await pool.end();
  }
  return runs;
}

function summarize(clients: number, out: { latencies: number[]; errors: number; seconds: number }, cpu: NodeJS.CpuUsage): Run {
  const latencies = [...out.latencies].sort((a, b) => a - b);
  const cpuMs = (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length);
  return { clients, completions: latencies.length, seconds: out.seconds, perSecond: latencies.length / out.seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors: out.errors, cpuMs };
}

/** Completes the given tasks with N concurrent clients (fetch, keep-alive) for a time, from another process. */
async function runClient(job: { base: string; tokens: string[]; taskIds: string[]; clients: number; seconds: number }): Promise<{ latencies: number[]; errors: number; seconds: number; ranOut: boolean }> {
  const requests: BenchRequest[] = job.taskIds.map((id, i) => ({ method: 'POST', path: `/api/tasks/${id}/complete`, token: job.tokens[i % job.tokens.length]!, body: COMPLETION, kind: 'complete' }));
  const out = await runLoad({ base: job.base, requests, clients: job.clients, seconds: job.seconds, cycle: false, transport: 'fetch' });
  return { latencies: out.latencies, errors: out.errors, seconds: out.seconds, ranOut: out.latencies.length >= requests.length };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
