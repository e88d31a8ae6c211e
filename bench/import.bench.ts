/**
 * `npm run bench -- import` (issue 17 §2): the legacy import of BENCH_IMPORT_ROWS rows (default 10,000)
 * on both backends, as a user runs it: the compiled CLI `onegate import FILE` in a process of its own on a
 * fresh migrated database, timed by the wall clock, its resident memory sampled every 100 ms from
 * /proc/<pid>/status. The register is test/support/legacy-register.ts's generator (dates in four formats,
 * `;`-separated, Indonesian amounts, lists in cells), written as a CSV and as an XLSX (exceljs). Per
 * backend: 1 row (the CLI's own footprint), 1,000 rows and N rows of each format; a dry run, the import,
 * and the same file again (every row skipped); then `POST /api/agreements/import` of the N-row CSV on a
 * spawned server. After each import the agreements are counted and every chain verified (AuditService).
 * Writes bench/results/<date>-<time>-import.md.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { AuditService } from '../src/audit/audit.service.js';
import { TokenService } from '../src/auth/token.service.js';
import type { AppConfig } from '../src/config/app-config.js';
import { Database } from '../src/database/database.js';
import { DirectoryService } from '../src/directory/directory.service.js';
import { legacyCsv, legacyRows, legacyXlsx, type LegacyRow } from '../test/support/legacy-register.js';
import { benchConfig, benchEnv, createBenchDatabase, deleteRedisKeys, envInt, fmt, freePort, machineLine, processMemory, redisUrl, Report, spawnOnegate, stopProcess } from './support/bench-env.js';

const ROWS = envInt('BENCH_IMPORT_ROWS', 10_000);
const SMALL = Math.min(1_000, ROWS);
const SAMPLE_MS = 100;
const CLI = join('dist-bench', 'src', 'cli', 'onegate.js');

type Backend = 'postgres' | 'embedded';
type Format = 'csv' | 'xlsx';

/** One measured process run: the CLI (or the server's request) on one file. */
interface Measured {
  backend: Backend;
  what: string;
  rows: number;
  format: Format;
  seconds: number;
  /** What the command printed on stdout (its summary line), or the HTTP response. */
  output: string;
  peakMiB: number;
  /** RSS at 10 %, 50 % and 90 % of the run's wall time, and the first sample (~100 ms after the start). */
  at: { first: number; p10: number; p50: number; p90: number };
  created: number | null;
  skipped: number | null;
  /** Agreements in the database afterwards, and whether AuditService.verify found every chain intact. */
  inDatabase: number | null;
  verified: string | null;
}

/** A file of `rows` generated register rows; the XLSX has the odd rows' signing dates as date cells, as Excel keeps them. */
async function registerFile(dir: string, rows: number, format: Format): Promise<string> {
  const file = join(dir, `register-${rows}.${format}`);
  if (format === 'csv') {
    writeFileSync(file, legacyCsv(legacyRows(rows), { separator: ';', bom: true }));
  } else {
    const withDates = function* (): Generator<LegacyRow> {
      let i = 0;
      for (const row of legacyRows(rows)) {
        if (i++ % 2 === 1) {
          // valid_until is ISO, five years after signing (legacyRow): the signing date as a date cell.
          const [y, m, d] = String(row.valid_until).split('-').map(Number);
          yield { ...row, signed_at: new Date(Date.UTC(y! - 5, m! - 1, d!)) };
        } else yield row;
      }
    };
    writeFileSync(file, await legacyXlsx(withDates(), { title: 'REGISTER KERJA SAMA DAERAH KOTA JAMBI' }));
  }
  return file;
}

/** Samples a process's VmRSS every SAMPLE_MS until it exits; the peak is VmHWM's last reading. */
function sampleMemory(pid: number): { stop(): { samples: { ms: number; rss: number }[]; peak: number } } {
  const t0 = performance.now();
  const samples: { ms: number; rss: number }[] = [];
  let peak = 0;
  const read = () => {
    try {
      const m = processMemory(pid);
      if (Number.isFinite(m.rssMiB)) samples.push({ ms: performance.now() - t0, rss: m.rssMiB });
      if (Number.isFinite(m.peakMiB)) peak = Math.max(peak, m.peakMiB);
    } catch {
      // The process has just exited.
    }
  };
  const timer = setInterval(read, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return { samples, peak };
    },
  };
}

function pointsOf(samples: { ms: number; rss: number }[], totalMs: number): Measured['at'] {
  const at = (f: number) => {
    const target = totalMs * f;
    let best = samples[0];
    for (const s of samples) if (Math.abs(s.ms - target) < Math.abs((best?.ms ?? Infinity) - target)) best = s;
    return best?.rss ?? NaN;
  };
  return { first: samples[0]?.rss ?? NaN, p10: at(0.1), p50: at(0.5), p90: at(0.9) };
}

/** `node dist-bench/src/cli/onegate.js import FILE [--dry-run]` as its own process, as `npm run onegate` runs it (no Node flags). */
async function runCli(env: NodeJS.ProcessEnv, file: string, dryRun: boolean): Promise<{ code: number; seconds: number; stdout: string; stderr: string; samples: { ms: number; rss: number }[]; peak: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'import', file, ...(dryRun ? ['--dry-run'] : [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = sampleMemory(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  const seconds = (performance.now() - t0) / 1000;
  const { samples, peak } = sampler.stop();
  return { code, seconds, stdout: stdout.trim(), stderr: stderr.trim(), samples, peak };
}

/** A fresh, migrated database of the backend, and the environment a CLI or server process runs on it with. */
async function freshDatabase(backend: Backend, root: string, label: string, queuePrefix: string): Promise<{ database: AppConfig['database']; dataDir: string; env: Record<string, string>; drop(): Promise<void> }> {
  const dataDir = join(root, label);
  mkdirSync(dataDir, { recursive: true });
  let database: AppConfig['database'];
  let drop = async () => rmSync(dataDir, { recursive: true, force: true });
  if (backend === 'postgres') {
    const bench = await createBenchDatabase('import');
    database = { kind: 'postgres', url: bench.url };
    drop = async () => {
      await bench.drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  } else {
    // The file the app opens in its data folder when DATABASE_URL is not set (loadConfig).
    database = { kind: 'sqlite', file: join(dataDir, 'onegate.sqlite') };
  }
  const db = await Database.open(database);
  await db.close();
  const env: Record<string, string> = { ONEGATE_DATA_DIR: dataDir, ONEGATE_QUEUE_PREFIX: queuePrefix };
  if (database.kind === 'postgres') Object.assign(env, { DATABASE_URL: database.url, REDIS_URL: redisUrl() });
  return { database, dataDir, env, drop };
}

/** Agreements in the database and AuditService.verify over every case, through an app of this process. */
async function check(database: AppConfig['database'], dataDir: string, queuePrefix: string): Promise<{ count: number; verified: string }> {
  const app = await createApp(benchConfig({ dataDir, database, redisUrl: database.kind === 'postgres' ? redisUrl() : null, queuePrefix }), { logger: false });
  try {
    const [{ n }] = (await app.get(Database).dataSource.query('SELECT COUNT(*) AS n FROM agreements')) as [{ n: string | number }];
    const v = await app.get(AuditService).verify();
    return { count: Number(n), verified: v.ok ? `ok (${fmt(v.casesChecked)} cases, ${fmt(v.eventsChecked)} events)` : `FAILED: ${v.problems.length} problems` };
  } finally {
    await app.close();
  }
}

const SUMMARY = /(\d+) baris: (\d+) perjanjian dibuat, (\d+) dilewati/;
const DRY = /uji coba \(tidak ada yang disimpan\): (\d+) baris, (\d+) akan dibuat, (\d+) sudah ada/;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'onegate-bench-import-'));
  const report = new Report('import');
  const log = (s = '') => report.log(s);
  const results: Measured[] = [];
  const failures: string[] = [];
  try {
    const files = new Map<string, string>();
    for (const rows of [...new Set([1, SMALL, ROWS])]) for (const format of ['csv', 'xlsx'] as const) files.set(`${rows}.${format}`, await registerFile(root, rows, format));
    const fileOf = (rows: number, format: Format) => files.get(`${rows}.${format}`)!;

    for (const backend of ['postgres', 'embedded'] as const) {
      const queuePrefix = `onegate-bench-import-${Date.now()}`;
      try {
        let n = 0;
        /** Runs the CLI on `file`, then counts and verifies; `db` is reused when given (the same file again). */
        const cli = async (what: string, rows: number, format: Format, opts: { dryRun?: boolean; expect: { created: number; skipped: number; inDatabase: number } }, db: Awaited<ReturnType<typeof freshDatabase>>) => {
          const run = await runCli(benchEnv(db.env), fileOf(rows, format), Boolean(opts.dryRun));
          const m = (opts.dryRun ? DRY : SUMMARY).exec(run.stdout);
          const created = m ? Number(m[2]) : null;
          const skipped = m ? Number(m[3]) : null;
          if (run.code !== 0 || created !== opts.expect.created || skipped !== opts.expect.skipped) failures.push(`${backend} ${what} ${rows} ${format}: exit ${run.code}, "${run.stdout}" ${run.stderr.slice(0, 500)}`);
          const { count, verified } = await check(db.database, db.dataDir, queuePrefix);
          if (count !== opts.expect.inDatabase || !verified.startsWith('ok')) failures.push(`${backend} ${what} ${rows} ${format}: ${fmt(count)} agreements in the database (want ${fmt(opts.expect.inDatabase)}), verify ${verified}`);
          const measured: Measured = { backend, what, rows, format, seconds: run.seconds, output: run.stdout, peakMiB: run.peak, at: pointsOf(run.samples, run.seconds * 1000), created, skipped, inDatabase: count, verified };
          results.push(measured);
          console.log(`${backend} ${what} ${fmt(rows)} ${format}: ${run.seconds.toFixed(1)} s, peak RSS ${run.peak.toFixed(0)} MiB — "${run.stdout}"; ${fmt(count)} agreements, verify ${verified}`);
          return measured;
        };
        const fresh = () => freshDatabase(backend, root, `${backend}-${n++}`, queuePrefix);

        for (const rows of [...new Set([1, SMALL])]) {
          for (const format of ['csv', 'xlsx'] as const) {
            const db = await fresh();
            try {
              await cli('import', rows, format, { expect: { created: rows, skipped: 0, inDatabase: rows } }, db);
            } finally {
              await db.drop();
            }
          }
        }
        // The N-row CSV: a dry run on the fresh database, the import, then the same file again.
        const db = await fresh();
        try {
          await cli('dry run', ROWS, 'csv', { dryRun: true, expect: { created: ROWS, skipped: 0, inDatabase: 0 } }, db);
          await cli('import', ROWS, 'csv', { expect: { created: ROWS, skipped: 0, inDatabase: ROWS } }, db);
          await cli('same file again', ROWS, 'csv', { expect: { created: 0, skipped: ROWS, inDatabase: ROWS } }, db);
        } finally {
          await db.drop();
        }
        const xdb = await fresh();
        try {
          await cli('import', ROWS, 'xlsx', { expect: { created: ROWS, skipped: 0, inDatabase: ROWS } }, xdb);
        } finally {
          await xdb.drop();
        }
        const hdb = await fresh();
        try {
          results.push(await overHttp(backend, hdb, fileOf(ROWS, 'csv'), queuePrefix, failures));
        } finally {
          await hdb.drop();
        }
      } finally {
        if (backend === 'postgres') await deleteRedisKeys(queuePrefix);
      }
    }

    const csvBytes = statSync(fileOf(ROWS, 'csv')).size;
    const xlsxBytes = statSync(fileOf(ROWS, 'xlsx')).size;
    log(`# onegate bench: importing legacy agreements — ${new Date().toISOString()}`);
    log('');
    log(machineLine());
    log(`Command: \`npm run bench -- import\` (BENCH_IMPORT_ROWS=${ROWS}); each figure below was measured in this run. The machine was shared with other work while it ran.`);
    log('');
    log(`Files: test/support/legacy-register.ts's generated register (numbers \`180/<i>/KS/<year>\`, partners of the four categories, dates as \`2017-03-12\`, \`12/03/2017\`, \`12-03-2017\` and \`12 Maret 2017\`, amounts \`Rp 1.500.000,00\`, fields and OPDs as lists in a cell, a tenth terminated). CSV: \`;\`-separated with a BOM, ${fmt(ROWS)} rows ${(csvBytes / 2 ** 20).toFixed(2)} MiB. XLSX (exceljs, shared strings, a title row above the header, the odd rows' signing dates as date cells): ${(xlsxBytes / 2 ** 20).toFixed(2)} MiB.`);
    log('');
    log(`Each CLI run is \`node ${CLI} import FILE\` (what \`npm run onegate -- import FILE\` runs, without Node flags) as its own process on a database migrated beforehand, timed from spawn to exit: Node's start, the app's boot and close are in the seconds (the 1-row runs show how much). RSS is VmRSS of that process sampled every ${SAMPLE_MS} ms from /proc/<pid>/status; the peak is its VmHWM. Piped, the CLI prints no progress, so the RSS points are at 10 %, 50 % and 90 % of the run's wall time. After each run the agreements were counted in the database and every case's chain, replay and snapshot verified (AuditService.verify).`);
    for (const backend of ['postgres', 'embedded'] as const) {
      log('');
      log(`## ${backend === 'postgres' ? 'PostgreSQL (+ Redis db for the queue keys)' : 'Embedded (SQLite file in a temporary data folder)'}`);
      log('');
      log('| run | rows | format | seconds | rows/s | peak RSS MiB | RSS MiB at ~0.1 s / 10 % / 50 % / 90 % of the time | created / skipped | agreements in database | verify |');
      log('|---|---:|---|---:|---:|---:|---:|---:|---:|---|');
      for (const r of results.filter((x) => x.backend === backend)) {
        log(`| ${r.what} | ${fmt(r.rows)} | ${r.format.toUpperCase()} | ${r.seconds.toFixed(1)} | ${r.rows > 1 ? fmt(r.rows / r.seconds) : '–'} | ${r.peakMiB.toFixed(0)} | ${[r.at.first, r.at.p10, r.at.p50, r.at.p90].map((x) => x.toFixed(0)).join(' / ')} | ${r.created ?? '?'} / ${r.skipped ?? '?'} | ${r.inDatabase === null ? '–' : fmt(r.inDatabase)} | ${r.verified ?? '–'} |`);
      }
    }
    log('');
    log(`The HTTP row is \`POST /api/agreements/import\` (multipart, the ${fmt(ROWS)}-row CSV, a secretariat token) on a spawned onegate server (the compiled \`src/main.js\`, NODE_ENV=production, role all) on a fresh database: seconds from request to response; its RSS columns are the server's (~0.1 s = just before the request).`);
    log('');
    log(failures.length ? `FAILURES (${failures.length}):\n\n${failures.map((f) => `- ${f}`).join('\n')}` : `Checks: every run exited 0 and reported the rows created and skipped it should; every database held the agreements imported into it (${fmt(ROWS)} after the ${fmt(ROWS)}-row imports, none more after the same file again) and verified ok.`);
    report.write();
    if (failures.length) process.exitCode = 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** `POST /api/agreements/import` of the file on a spawned server: the request's wall time and the server's RSS around it. */
async function overHttp(backend: Backend, db: Awaited<ReturnType<typeof freshDatabase>>, file: string, queuePrefix: string, failures: string[]): Promise<Measured> {
  const config = benchConfig({ dataDir: db.dataDir, database: db.database, redisUrl: db.database.kind === 'postgres' ? redisUrl() : null, queuePrefix });
  const app = await createApp(config, { logger: false });
  let token: string;
  try {
    const user = await app.get(DirectoryService).put('bench-import-sec', { name: 'Bench Sekretariat', email: 'bench-import@localhost', roles: ['secretariat'] });
    token = await app.get(TokenService).sign(user, 3600);
  } finally {
    await app.close();
  }
  const port = await freePort();
  const server = await spawnOnegate(benchEnv({ ...db.env, PORT: String(port) }), /listening on http/, (line) => {
    if (/"level":(50|60)/.test(line)) console.error(`  [${backend} server] ${line.slice(0, 400)}`);
  });
  let stopped = false;
  try {
    const bytes = readFileSync(file);
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'text/csv' }), `register-${ROWS}.csv`);
    const before = processMemory(server.pid!).rssMiB;
    const sampler = sampleMemory(server.pid!);
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/api/agreements/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const body = (await res.json()) as { rows?: number; created?: number; skipped?: number };
    const seconds = (performance.now() - t0) / 1000;
    const { samples, peak } = sampler.stop();
    if (res.status !== 200 || body.created !== ROWS) failures.push(`${backend} HTTP: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
    await stopProcess(server);
    stopped = true;
    const { count, verified } = await check(db.database, db.dataDir, queuePrefix);
    if (count !== ROWS || !verified.startsWith('ok')) failures.push(`${backend} HTTP: ${fmt(count)} agreements in the database, verify ${verified}`);
    console.log(`${backend} HTTP ${fmt(ROWS)} csv: ${res.status} in ${seconds.toFixed(1)} s, server peak RSS ${peak.toFixed(0)} MiB; ${fmt(count)} agreements, verify ${verified}`);
    return { backend, what: 'HTTP import', rows: ROWS, format: 'csv', seconds, output: JSON.stringify(body), peakMiB: peak, at: { ...pointsOf(samples, seconds * 1000), first: before }, created: body.created ?? null, skipped: body.skipped ?? null, inDatabase: count, verified };
  } finally {
    if (!stopped) await stopProcess(server);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
