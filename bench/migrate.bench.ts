/**
 * `npm run bench -- migrate` (issue 19, contract §11): moving BENCH_MIGRATE_CASES running cases (default
 * 10,000) from the newest cooperation version but one to the newest, on both backends, as a user runs it:
 * the compiled CLI `onegate migrate --from N --to M` in a process of its own on a database seeded
 * beforehand, timed by the wall clock, its resident memory sampled every 100 ms from /proc/<pid>/status.
 * The cases are started through the engine in this process (not measured): every one at `proposal`, and
 * BENCH_MIGRATE_WITH_TASKS of them (default 2,000) submitted, so each holds an open administrative-check
 * task and its deadline timers. Afterwards: cases on each version, every case with exactly one MIGRATED
 * event, open tasks (same ids) and pending timers as before, every chain verified (AuditService); then
 * the same command again, which moves nothing. Writes bench/results/<date>-<time>-migrate.md.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { createApp } from '../src/app.js';
import { AuditService } from '../src/audit/audit.service.js';
import type { AppConfig } from '../src/config/app-config.js';
import { Database } from '../src/database/database.js';
import { Engine } from '../src/engine/engine.js';
import { findWorkflow, newestWorkflow } from '../workflows/registry.js';
import { INSTRUMENT_RULES } from '../workflows/domain.js';
import { benchConfig, benchEnv, createBenchDatabase, deleteRedisKeys, envInt, fmt, machineLine, processMemory, redisUrl, Report } from './support/bench-env.js';

const CASES = envInt('BENCH_MIGRATE_CASES', 10_000);
const WITH_TASKS = Math.min(CASES, envInt('BENCH_MIGRATE_WITH_TASKS', 2_000));
const SAMPLE_MS = 100;
const CLI = join('dist-bench', 'src', 'cli', 'onegate.js');
const WORKFLOW = 'cooperation';
const TO = newestWorkflow(WORKFLOW)!;
const FROM = findWorkflow(WORKFLOW, TO.version - 1)!;
const PROPOSER = { id: 'bench-opd', roles: ['proposer' as const] };
const SEED_CONCURRENCY = 8;

type Backend = 'postgres' | 'embedded';

interface Tally {
  onFrom: number;
  onTo: number;
  migratedEvents: number;
  casesWithOneMigrated: number;
  openTasks: string;
  pendingTimers: number;
}

interface Run {
  what: string;
  code: number;
  seconds: number;
  stdout: string;
  peakMiB: number;
  at: { first: number; p10: number; p50: number; p90: number };
}

/** The counts that say whether a case was lost or moved twice, and a fingerprint of the open tasks (their ids). */
async function tally(db: Database): Promise<Tally> {
  return db.read(async (em) => {
    const one = async (sql: string, params: unknown[] = []) => Number(((await em.query(sql, params)) as { n: string | number }[])[0]!.n);
    const p = db.dialect === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const tasks = (await em.query(`SELECT id FROM tasks WHERE status = 'open' ORDER BY id`)) as { id: string }[];
    let h = 0;
    for (const t of tasks) for (let i = 0; i < t.id.length; i++) h = (h * 31 + t.id.charCodeAt(i)) | 0;
    return {
      onFrom: await one(`SELECT COUNT(*) AS n FROM cases WHERE workflow_name = ${p[0]} AND workflow_version = ${p[1]}`, [WORKFLOW, FROM.version]),
      onTo: await one(`SELECT COUNT(*) AS n FROM cases WHERE workflow_name = ${p[0]} AND workflow_version = ${p[1]}`, [WORKFLOW, TO.version]),
      migratedEvents: await one(`SELECT COUNT(*) AS n FROM case_events WHERE type = 'MIGRATED'`),
      casesWithOneMigrated: await one(`SELECT COUNT(*) AS n FROM (SELECT case_id FROM case_events WHERE type = 'MIGRATED' GROUP BY case_id HAVING COUNT(*) = 1) x`),
      openTasks: `${fmt(tasks.length)} (ids hash ${(h >>> 0).toString(16)})`,
      pendingTimers: await one(`SELECT COUNT(*) AS n FROM timers WHERE status = 'pending'`),
    };
  });
}

/** CASES running cases on FROM, WITH_TASKS of them submitted (an open task and its timers). */
async function seed(app: INestApplicationContext): Promise<void> {
  const engine = app.get(Engine);
  const kinds = FROM.documents?.requiredForSubmit('kb', 'region') ?? [];
  let next = 0;
  const one = async (i: number) => {
    const { case: row } = await engine.start({
      actor: PROPOSER,
      fields: { title: `Kesepakatan bersama ${i}`, instrument: 'kb', partnerName: 'Kabupaten Muaro Jambi', partnerCategory: 'region', partnerCountry: null, summary: null, requiresDprdApproval: false, parentCaseId: null, kind: 'cooperation', validFrom: null, validUntil: null, proposerId: PROPOSER.id },
      input: { proposerId: PROPOSER.id, instrument: 'kb', partnerCategory: 'region', requiresDprdApproval: false, allowedInstruments: INSTRUMENT_RULES.region },
      workflow: { name: WORKFLOW, version: FROM.version },
    });
    if (i >= WITH_TASKS) return;
    for (const kind of kinds) {
      const sha256 = Buffer.from(`${row.id}:${kind}`).toString('hex').padEnd(64, '0').slice(0, 64);
      await engine.step({ caseId: row.id, actor: PROPOSER, plan: () => ({ type: 'DOCUMENT_UPLOADED', machineEvent: { type: 'DOCUMENT_ADDED', kind, version: 1, sha256 }, data: { document: { kind, version: 1, name: `${kind}.pdf`, mediaType: 'application/pdf', size: 1024, sha256 } } }) });
    }
    await engine.step({ caseId: row.id, actor: PROPOSER, plan: () => ({ type: 'SUBMIT', machineEvent: { type: 'SUBMIT' }, data: { comment: null } }) });
  };
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      while (next < CASES) await one(next++);
    }),
  );
}

/** `node dist-bench/src/cli/onegate.js migrate --from N --to M` as its own process, RSS sampled. */
async function runCli(what: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'migrate', '--from', String(FROM.version), '--to', String(TO.version)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const samples: { ms: number; rss: number }[] = [];
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = processMemory(child.pid!);
      if (Number.isFinite(m.rssMiB)) samples.push({ ms: performance.now() - t0, rss: m.rssMiB });
      if (Number.isFinite(m.peakMiB)) peak = Math.max(peak, m.peakMiB);
    } catch {
      // The process has just exited.
    }
  }, SAMPLE_MS);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  const at = (f: number) => {
    let best = samples[0];
    for (const s of samples) if (Math.abs(s.ms - seconds * 1000 * f) < Math.abs((best?.ms ?? Infinity) - seconds * 1000 * f)) best = s;
    return best?.rss ?? NaN;
  };
  if (stderr.trim()) console.error(`  [${what}] ${stderr.trim().slice(0, 1000)}`);
  return { what, code, seconds, stdout: stdout.trim().split('\n').at(-1) ?? '', peakMiB: peak, at: { first: samples[0]?.rss ?? NaN, p10: at(0.1), p50: at(0.5), p90: at(0.9) } };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'onegate-bench-migrate-'));
  const report = new Report('migrate');
  const log = (s = '') => report.log(s);
  const failures: string[] = [];
  const sections: string[][] = [];
  try {
    for (const backend of ['postgres', 'embedded'] as Backend[]) {
      const queuePrefix = `onegate-bench-migrate-${Date.now()}`;
      const dataDir = join(root, backend);
      mkdirSync(dataDir, { recursive: true });
      const bench = backend === 'postgres' ? await createBenchDatabase('migrate') : null;
      const database: AppConfig['database'] = bench ? { kind: 'postgres', url: bench.url } : { kind: 'sqlite', file: join(dataDir, 'onegate.sqlite') };
      const config = benchConfig({ dataDir, database, redisUrl: bench ? redisUrl() : null, queuePrefix });
      const env = benchEnv({ ONEGATE_DATA_DIR: dataDir, ONEGATE_QUEUE_PREFIX: queuePrefix, ...(bench ? { DATABASE_URL: bench.url, REDIS_URL: redisUrl() } : {}) });
      try {
        let app = await createApp(config, { logger: false });
        const s0 = performance.now();
        let before: Tally;
        try {
          await seed(app);
          before = await tally(app.get(Database));
        } finally {
          await app.close();
        }
        const seedSeconds = (performance.now() - s0) / 1000;
        console.log(`${backend}: seeded ${fmt(CASES)} cases on ${WORKFLOW}@${FROM.version} in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(before)}`);
        const first = await runCli('migrate', env);
        console.log(`${backend} migrate: ${first.seconds.toFixed(1)} s, peak RSS ${first.peakMiB.toFixed(0)} MiB — "${first.stdout}"`);
        app = await createApp(config, { logger: false });
        let after: Tally;
        let verified: string;
        let verifySeconds: number;
        try {
          after = await tally(app.get(Database));
          const v0 = performance.now();
          const v = await app.get(AuditService).verify();
          verifySeconds = (performance.now() - v0) / 1000;
          verified = v.ok ? `ok (${fmt(v.casesChecked)} cases, ${fmt(v.eventsChecked)} events, ${verifySeconds.toFixed(1)} s)` : `FAILED: ${v.problems.length} problems, e.g. ${JSON.stringify(v.problems.slice(0, 3))}`;
        } finally {
          await app.close();
        }
        const again = await runCli('same command again', env);
        console.log(`${backend} again: ${again.seconds.toFixed(1)} s — "${again.stdout}"`);
        const summary = `Prosedur kerja sama, versi ${FROM.version} → versi ${TO.version}: `;
        if (first.code !== 0 || first.stdout !== `${summary}${CASES} kasus dipindahkan, 0 dilewati`) failures.push(`${backend} migrate: exit ${first.code}, "${first.stdout}"`);
        if (again.code !== 0 || again.stdout !== `${summary}0 kasus dipindahkan, 0 dilewati`) failures.push(`${backend} again: exit ${again.code}, "${again.stdout}"`);
        if (before.onFrom !== CASES || after.onFrom !== 0 || after.onTo !== CASES) failures.push(`${backend}: cases on ${FROM.version}/${TO.version} before ${before.onFrom}/${before.onTo}, after ${after.onFrom}/${after.onTo}`);
        if (after.migratedEvents !== CASES || after.casesWithOneMigrated !== CASES) failures.push(`${backend}: ${after.migratedEvents} MIGRATED events, ${after.casesWithOneMigrated} cases with exactly one`);
        if (after.openTasks !== before.openTasks || after.pendingTimers !== before.pendingTimers) failures.push(`${backend}: open tasks ${before.openTasks} → ${after.openTasks}, pending timers ${before.pendingTimers} → ${after.pendingTimers}`);
        if (!verified.startsWith('ok')) failures.push(`${backend}: verify ${verified}`);
        const rows = [first, again].map(
          (r) => `| ${r.what} | ${r.seconds.toFixed(1)} | ${r.what === 'migrate' ? fmt(CASES / r.seconds) : '–'} | ${r.peakMiB.toFixed(0)} | ${[r.at.first, r.at.p10, r.at.p50, r.at.p90].map((x) => x.toFixed(0)).join(' / ')} | ${r.code} | ${r.stdout} |`,
        );
        sections.push([
          `## ${backend === 'postgres' ? 'PostgreSQL (+ Redis db for the queue keys)' : 'Embedded (SQLite file in a temporary data folder)'}`,
          '',
          `Seeded (not measured) in ${seedSeconds.toFixed(1)} s.`,
          '',
          '| run | seconds | cases/s | peak RSS MiB | RSS MiB at ~0.1 s / 10 % / 50 % / 90 % of the time | exit | output |',
          '|---|---:|---:|---:|---:|---:|---|',
          ...rows,
          '',
          '| | before | after |',
          '|---|---:|---:|',
          `| cases on ${WORKFLOW}@${FROM.version} | ${fmt(before.onFrom)} | ${fmt(after.onFrom)} |`,
          `| cases on ${WORKFLOW}@${TO.version} | ${fmt(before.onTo)} | ${fmt(after.onTo)} |`,
          `| MIGRATED events | ${fmt(before.migratedEvents)} | ${fmt(after.migratedEvents)} |`,
          `| cases with exactly one MIGRATED event | ${fmt(before.casesWithOneMigrated)} | ${fmt(after.casesWithOneMigrated)} |`,
          `| open tasks | ${before.openTasks} | ${after.openTasks} |`,
          `| pending timers | ${fmt(before.pendingTimers)} | ${fmt(after.pendingTimers)} |`,
          `| verify (AuditService, every case) | – | ${verified} |`,
        ]);
      } finally {
        if (bench) {
          await bench.drop();
          await deleteRedisKeys(queuePrefix);
        }
      }
    }
    log(`# onegate bench: moving running cases to a newer workflow version — ${new Date().toISOString()}`);
    log('');
    log(machineLine());
    log(`Command: \`npm run bench -- migrate\` (BENCH_MIGRATE_CASES=${CASES}, BENCH_MIGRATE_WITH_TASKS=${WITH_TASKS}); each figure below was measured in this run. The machine was shared with other work while it ran.`);
    log('');
    log(
      `Cases: ${fmt(CASES)} running cases on ${WORKFLOW}@${FROM.version}, started through the engine in the bench's process before the measurement: all at \`proposal\`, ${fmt(WITH_TASKS)} of them submitted (their documents recorded first where the version has document rules), so each holds an open administrative-check task and its reminder and escalation timers. ` +
        `Measured: \`node ${CLI} migrate --from ${FROM.version} --to ${TO.version}\` (what \`npm run onegate -- migrate …\` runs, without Node flags) as its own process, timed from spawn to exit (Node's start, the app's boot and close included). RSS is VmRSS of that process sampled every ${SAMPLE_MS} ms; the peak is its VmHWM. ` +
        `Each case is one engine step (a MIGRATED event on its chain, the case's version and snapshot rewritten), cases read ${250} at a time. Then the cases were counted per version, MIGRATED events per case, the open tasks (their ids) and pending timers compared, every chain verified, and the same command run again: its time is the fixed cost of a run (Node, boot, close) with nothing to move.`,
    );
    for (const s of sections) {
      log('');
      for (const line of s) log(line);
    }
    log('');
    log(failures.length ? `FAILURES (${failures.length}):\n\n${failures.map((f) => `- ${f}`).join('\n')}` : `Checks: on both backends all ${fmt(CASES)} cases moved (none left on version ${FROM.version}, none lost), each with exactly one MIGRATED event; the open tasks kept their ids and the pending timers their number; every chain verified; the second run moved nothing.`);
    report.write();
    if (failures.length) process.exitCode = 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
