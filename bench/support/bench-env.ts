/**
 * What every bench part shares: its own PostgreSQL database and Redis keys (created, then dropped),
 * the app configuration it runs with, sizes from the environment, percentiles, and the report file.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../src/config/app-config.js';
import type { RequestJob, RequestResult } from '../request-client.js';

export const BASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** A Redis database number of its own (default 11), so the bench never touches the tests' keys in db 0. */
export const REDIS_BASE = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const REDIS_DB = Number(process.env.BENCH_REDIS_DB ?? 11);
export const JWT_SECRET = 'bench-secret-0123456789abcdef0123456789';

/** A positive integer from the environment (sizes, seconds), or the issue's default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

export function redisUrl(): string {
  const u = new URL(REDIS_BASE);
  u.pathname = `/${REDIS_DB}`;
  return u.toString();
}

/** A fresh PostgreSQL database for one part (or a copy of `template`); `drop()` removes it whatever happened. */
export async function createBenchDatabase(part: string, options: { template?: string } = {}): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `onegate_bench_${part}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${options.template ? ` TEMPLATE ${options.template}` : ''}`);
  await admin.end();
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: BASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Deletes every key under `prefix` in the bench's Redis database (never FLUSHDB: the server is shared). */
export async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 3 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** The configuration the in-process app runs with; the bench decides the database, queue and role. */
export function benchConfig(over: Partial<AppConfig> & Pick<AppConfig, 'database' | 'dataDir'>): AppConfig {
  return {
    port: 0,
    production: false,
    redisUrl: null,
    smtpUrl: null,
    mailFrom: 'onegate@localhost',
    jwtSecret: JWT_SECRET,
    jwksUrl: null,
    oidc: null,
    directoryFile: null,
    slaFile: null,
    timezone: 'Asia/Jakarta',
    holidaysFile: null,
    role: 'cli',
    demoUsers: false,
    publicUrl: 'http://localhost:3000',
    reconcileSeconds: 3600,
    queueLockMs: 30_000,
    smtpTimeoutMs: 20_000,
    checkpointHours: 0,
    queuePrefix: 'onegate-bench',
    ...over,
  };
}

/** The bearer token the bench's servers want on /metrics (production guards it). */
export const BENCH_METRICS_TOKEN = 'onegate-bench-metrics-token';

/** The same settings as environment variables, for a spawned `node dist-bench/src/main.js`. */
export function benchEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'TZ'];
  return {
    ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
    NODE_ENV: 'production',
    AUTH_JWT_SECRET: JWT_SECRET,
    // Production requires it (links in messages); the bench's mails go to its own SMTP server.
    PUBLIC_URL: 'http://127.0.0.1',
    ONEGATE_DEMO_USERS: 'false',
    ONEGATE_CHECKPOINT_HOURS: '0',
    // Production guards /metrics; the bench reads each process's heap from it with this token.
    ONEGATE_METRICS_TOKEN: BENCH_METRICS_TOKEN,
    ...vars,
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The Node flags the server runs with, as `npm start` and the Dockerfile give them: a 64 MiB young
 * generation semi-space (V8 sizes it from the heap limit otherwise), since verify allocates many
 * short-lived rows (+9% verify throughput measured at 300,000 events). Bench parts that run the app in their own
 * process are started with them too (bench/run.ts).
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

/**
 * Starts a real onegate process (the compiled `src/main.js`, with SERVER_NODE_FLAGS) and resolves once
 * it logs that it is up. `nodeArgs` go before the script too (e.g. `--cpu-prof`, which NODE_OPTIONS refuses).
 */
export async function spawnOnegate(env: NodeJS.ProcessEnv, ready: RegExp, log: (line: string) => void = () => undefined, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, join('dist-bench', 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let isReady = false;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      for (const line of text.split('\n')) if (line.trim()) log(line);
      // Once up, a server under load logs a line per request: keep only the start-up output.
      if (isReady) return;
      output += text;
      if (ready.test(output)) {
        isReady = true;
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`onegate exited with ${code} before it was ready:\n${output.slice(-2000)}`)));
  });
  return child;
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** User + system CPU of a process so far, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function readCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** VmRSS and VmHWM (peak) of a process, in MiB, from /proc/<pid>/status. */
export function processMemory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function machineLine(): string {
  const pgVersion = (() => {
    try {
      return execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return 'psql unavailable';
    }
  })();
  return `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version} (flags: ${process.execArgv.join(' ') || 'none'}), ${pgVersion}, Redis db ${REDIS_DB}`;
}

/** Collects a part's report lines (also printed) and writes `bench/results/<date>-<time>-<part>.md`. */
export class Report {
  private readonly lines: string[] = [];

  constructor(readonly part: string) {}

  log(s = ''): void {
    console.log(s);
    this.lines.push(s);
  }

  write(): string {
    mkdirSync(join('bench', 'results'), { recursive: true });
    // Date and time in the name: a later run never overwrites a report already kept.
    const file = join('bench', 'results', `${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')}-${this.part}.md`);
    writeFileSync(file, this.lines.join('\n') + '\n');
    console.log(`\nwrote ${file}`);
    return file;
  }
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A V8 CPU profile of this process from now until `stop(file)` (BENCH_PROFILE=<dir>), for finding where the time goes. */
export async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * Runs an HTTP load in its own process (bench/request-client.ts), as pgbench runs apart from its
 * server, so the server's event loop does only server work. The job goes on stdin: thousands of
 * requests do not fit in a command line.
 */
export function runLoad(job: RequestJob): Promise<RequestResult> {
  const child = spawn(process.execPath, ['--max-old-space-size=2048', join(dirname(fileURLToPath(import.meta.url)), '..', 'request-client.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stdin!.end(JSON.stringify(job));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as RequestResult) : reject(new Error(`request client exited with ${code}`))));
  });
}
