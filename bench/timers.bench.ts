/**
 * Issue 7, item 4: reminder lateness (the reminder e-mail's arrival at an SMTP server minus its
 * timer's due time) with 100,000 pending timers on Redis, divided by the lateness of plain BullMQ
 * delayed jobs in the same setup (same Redis, same number of jobs, same due times, a plain worker
 * process with the product worker's concurrency). Bar: p99 ratio ≤ 1.5, nothing lost.
 *
 * Product side: open cases simulated by the dataset helpers (checked against the product's use cases
 * in this run) with their tasks' pending reminder and escalation timers; a sample of reminders is made
 * due over a window starting shortly after the worker is up, the rest days away. All are scheduled on
 * Redis by the product's own BullMqScheduler, then a real `ONEGATE_ROLE=worker` process fires them
 * and mails an SMTP sink in this process. Plain side: the same due times as plain delayed jobs.
 * On both sides a few warm-up timers come due just before the sample (reported apart), so the sample
 * measures a running worker rather than a fresh process's first connections.
 * Development: BENCH_TIMERS=10000 (sizes below); BENCH_TIMER_DUMP=<dir> keeps per-timer figures and the
 * worker's log, BENCH_PROFILE=<dir> a CPU profile of the worker.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { SMTPServer } from 'smtp-server';
import { createApp } from '../src/app.js';
import { Database } from '../src/database/database.js';
import { BullMqScheduler, WORKER_CONCURRENCY } from '../src/deadlines/bullmq.scheduler.js';
import {
  benchConfig,
  benchEnv,
  createBenchDatabase,
  deleteRedisKeys,
  envInt,
  fmt,
  freePort,
  machineLine,
  percentile,
  processMemory,
  readCpuMs,
  redisUrl,
  Report,
  spawnOnegate,
  stopProcess,
} from './support/bench-env.js';
import { checkAgainstServices, readCounters, seedCases } from './support/dataset.js';
import { CaseNumbers, prng, putBenchUsers } from './support/journeys.js';

const TIMERS = envInt('BENCH_TIMERS', 100_000);
const SAMPLE = envInt('BENCH_TIMER_SAMPLE', 2_000);
/** The sample's due times are spread evenly over this window … */
const WINDOW_S = envInt('BENCH_TIMER_WINDOW_SECONDS', 45);
/** … which starts this long after the timers are handed to Redis (scheduling and the worker's start must fit in it). */
const LEAD_S = envInt('BENCH_TIMER_LEAD_SECONDS', Math.ceil(15 + TIMERS / 2500));
/**
 * Warm-up: this many reminders (not in the sample) due over the 5 s that end 2 s before the window, on
 * both sides, so the sample measures a worker that is already sending (its SMTP and database
 * connections open, its code compiled), not a fresh process's first mails; their lateness is reported too.
 */
const WARMUP = envInt('BENCH_TIMER_WARMUP', Math.max(20, Math.round(SAMPLE / 20)));
const WARMUP_LEAD_MS = 7000;
const WARMUP_SPAN_MS = 5000;
/** A sample timer not done this long after the window's end counts as lost. */
const GRACE_S = envInt('BENCH_TIMER_GRACE_SECONDS', 60);
const CHECK_CASES = envInt('BENCH_CHECK_CASES', 20);
const SEED = envInt('BENCH_SEED', 7);
/** The product's default (`ONEGATE_QUEUE_LOCK_MS`); the plain worker gets the same. */
const LOCK_MS = 30_000;
/** BENCH_PROFILE=<dir>: the product worker runs with --cpu-prof into that folder. */
const PROFILE_DIR = process.env.BENCH_PROFILE || null;
/** BENCH_TIMER_DUMP=<dir>: per-timer raw figures (due, lateness, mails) as JSON, for looking at the tail. */
const DUMP_DIR = process.env.BENCH_TIMER_DUMP || null;
const DAY = 86_400_000;
const PLAIN_QUEUE = 'plain-timers';

/** The measured reminders: the sample, and the warm-up ones due just before it. */
interface Groups {
  sample: string[];
  warmup: string[];
}

async function main(): Promise<void> {
  const report = new Report('timers');
  const bench = await createBenchDatabase('timers');
  const prefix = `onegate-bench-timers-${Date.now()}`;
  const plainPrefix = `${prefix}-plain`;
  const dataDir = mkdtempSync(join(tmpdir(), 'onegate-bench-timers-'));
  const sink = await MailSink.start();
  const children: ChildProcess[] = [];
  const cleanup = async () => {
    for (const c of children) await stopProcess(c).catch(() => undefined);
    await sink.stop();
    await deleteRedisKeys(prefix);
    await deleteRedisKeys(plainPrefix);
    await bench.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // ---- the product's state: open cases, their tasks' pending timers ----
    const app = await createApp(benchConfig({ database: { kind: 'postgres', url: bench.url }, dataDir, role: 'cli' }), { logger: false });
    const db = app.get(Database);
    let seeded: Awaited<ReturnType<typeof seedProduct>>;
    try {
      seeded = await seedProduct(app, db);
    } finally {
      await app.close();
    }
    const { pending, groups, checked, seedSeconds, cases } = seeded;

    // Due times: the sample evenly over the window (in random order), the warm-up just before it, every
    // other timer 1–30 days away. Offsets from the window's start, the same on both sides.
    const rng = prng(SEED + 1);
    const offsets = new Map<string, number>();
    shuffle([...groups.sample], rng).forEach((id, i) => offsets.set(id, Math.floor((i * WINDOW_S * 1000) / SAMPLE)));
    groups.warmup.forEach((id, i) => offsets.set(id, -WARMUP_LEAD_MS + Math.floor((i * WARMUP_SPAN_MS) / WARMUP)));
    for (const id of pending) if (!offsets.has(id)) offsets.set(id, DAY + Math.floor(rng() * 29 * DAY));

    const product = await runProduct(bench.url, prefix, sink, offsets, groups, children);
    await deleteRedisKeys(prefix);
    const plain = await runPlain(plainPrefix, offsets, groups, children);

    // ---- report ----
    const p = summarize(product.sample.values);
    const q = summarize(plain.sample.values);
    const pw = summarize(product.warmup.values);
    const qw = summarize(plain.warmup.values);
    report.log(`# onegate bench: timers — ${new Date().toISOString()}`);
    report.log('');
    report.log(machineLine());
    report.log(
      `Command: \`npm run bench -- timers\` (BENCH_TIMERS=${TIMERS}, BENCH_TIMER_SAMPLE=${SAMPLE}, BENCH_TIMER_WINDOW_SECONDS=${WINDOW_S}, BENCH_TIMER_WARMUP=${WARMUP}, BENCH_TIMER_LEAD_SECONDS=${LEAD_S}, BENCH_TIMER_GRACE_SECONDS=${GRACE_S}, BENCH_SEED=${SEED}); every figure below was measured in this run.`,
    );
    report.log('');
    report.log(`## 4. Timers: reminder lateness with ${fmt(pending.length)} pending timers on Redis ÷ plain BullMQ delayed jobs, same setup`);
    report.log('');
    report.log(`| what | measured | p50 ms | p99 ms | max ms | lost | duplicates |`);
    report.log('|---|---:|---:|---:|---:|---:|---:|');
    report.log(`| onegate reminders: SMTP arrival − timer due | ${fmt(product.sample.values.length)} of ${fmt(SAMPLE)} | ${fmt(p.p50)} | ${fmt(p.p99)} | ${fmt(p.max)} | ${product.sample.lost} | ${product.sample.duplicates} |`);
    report.log(`| plain BullMQ delayed jobs: processed − due (the limit) | ${fmt(plain.sample.values.length)} of ${fmt(SAMPLE)} | ${fmt(q.p50)} | ${fmt(q.p99)} | ${fmt(q.max)} | ${plain.sample.lost} | ${plain.sample.duplicates} |`);
    report.log(`| **ratio onegate ÷ plain** | | ${ratio(p.p50, q.p50)} | **${ratio(p.p99, q.p99)}** | ${ratio(p.max, q.max)} | | |`);
    report.log('');
    const met = p.p99 / q.p99 <= 1.5 && product.sample.lost === 0;
    report.log(
      `**p99 ratio ${ratio(p.p99, q.p99)}** (bar ≤ 1.5) and ${product.sample.lost} lost (bar 0): ${met ? 'met' : 'MISSED'}. ` +
        `Unexpected work (a far timer fired, a mail or job of no measured timer): onegate ${product.unexpected}, plain ${plain.unexpected}.`,
    );
    report.log('');
    report.log(`Warm-up, not in the figures above: ${WARMUP} reminders due over the ${WARMUP_SPAN_MS / 1000} s ending ${(WARMUP_LEAD_MS - WARMUP_SPAN_MS) / 1000} s before the window, the first work of each fresh worker process:`);
    report.log('');
    report.log(`| warm-up | measured | p50 ms | p99 ms | max ms | lost | duplicates |`);
    report.log('|---|---:|---:|---:|---:|---:|---:|');
    report.log(`| onegate | ${fmt(product.warmup.values.length)} of ${fmt(WARMUP)} | ${fmt(pw.p50)} | ${fmt(pw.p99)} | ${fmt(pw.max)} | ${product.warmup.lost} | ${product.warmup.duplicates} |`);
    report.log(`| plain BullMQ | ${fmt(plain.warmup.values.length)} of ${fmt(WARMUP)} | ${fmt(qw.p50)} | ${fmt(qw.p99)} | ${fmt(qw.max)} | ${plain.warmup.lost} | ${plain.warmup.duplicates} |`);
    report.log('');
    report.log('| worker process | up before the first warm-up due time | CPU over its run | peak RSS |');
    report.log('|---|---:|---:|---:|');
    report.log(`| onegate (\`ONEGATE_ROLE=worker\`, concurrency ${WORKER_CONCURRENCY}, SMTP) | ${(product.readyBeforeDueMs / 1000).toFixed(1)} s | ${fmt(product.workerCpuMs)} ms | ${fmt(product.workerPeakMiB)} MiB |`);
    report.log(`| plain BullMQ \`Worker\` (concurrency ${WORKER_CONCURRENCY}) | ${(plain.readyBeforeDueMs / 1000).toFixed(1)} s | ${fmt(plain.workerCpuMs)} ms | ${fmt(plain.workerPeakMiB)} MiB |`);
    report.log('');
    report.log('### How it was measured');
    report.log('');
    report.log(
      `**Data.** ${fmt(cases)} open cases simulated by the bench's CaseSim and bulk-inserted in ${seedSeconds.toFixed(0)} s, each with its open task and that task's pending reminder and escalation timers as DeadlinePlanner plans them; ` +
        `${checked} journeys went through the product's use cases and the simulator gave identical rows (checked in this run). ${fmt(pending.length)} timers pending in all. ` +
        `${fmt(SAMPLE)} \`remind\` timers (random) were given due times evenly over ${WINDOW_S} s starting ${LEAD_S} s after scheduling began, ${WARMUP} others the warm-up times; every other pending timer was moved 1–30 days ahead (due times are the only change to the simulated rows). ` +
        `All ${fmt(pending.length)} were handed to Redis by the product's \`BullMqScheduler.scheduleTimers\` (what \`engine.onCommitted\` calls after each step), Redis db ${new URL(redisUrl()).pathname.slice(1)}, own key prefix.`,
    );
    report.log('');
    report.log(
      `**onegate.** A real worker process (\`node dist-bench/src/main.js\`, \`ONEGATE_ROLE=worker\`, PostgreSQL, Redis, \`SMTP_URL\` → an smtp-server sink in the bench process, defaults otherwise: reconciliation every 30 s). ` +
        `A reminder counts as sent when the SMTP sink has received the whole message (end of DATA), matched by its Message-ID (\`<delivery id@onegate>\`); ` +
        `a timer's lateness is its last recipient's arrival minus its due time (${fmt(product.sample.mailsPerTimer.mean, 2)} mails per reminder on average, at most ${product.sample.mailsPerTimer.max}: the assignee, or every holder of the task's role). ` +
        `Lost: a measured timer not fired, or a delivery of it not received, within ${GRACE_S} s after the window. Duplicates: a Message-ID received twice, or a timer with two deliveries to one address. ` +
        `For comparison, the product's own record (\`deliveries.sent_at\`, set after the SMTP server accepted) gives p50 ${fmt(product.sample.sentAt.p50)} / p99 ${fmt(product.sample.sentAt.p99)} / max ${fmt(product.sample.sentAt.max)} ms, ` +
        `and the first recipient's arrival p50 ${fmt(product.sample.firstMail.p50)} / p99 ${fmt(product.sample.firstMail.p99)} / max ${fmt(product.sample.firstMail.max)} ms.`,
    );
    report.log('');
    report.log(
      `**Plain BullMQ (the limit).** The same ${fmt(pending.length)} due times as delayed jobs (\`queue.addBulk\`, \`delay\` = due − now, deterministic job ids, the product's job options), same Redis, own key prefix, after onegate's keys were deleted; ` +
        `a plain \`Worker\` in its own process (bench/support/plain-worker.ts) with concurrency ${WORKER_CONCURRENCY} and a ${LOCK_MS / 1000} s lock like the product's, whose processor only notes \`Date.now() − dueAt\`. ` +
        `Lost: a measured job not processed within ${GRACE_S} s after the window; duplicates: a job id processed twice.`,
    );
    report.write();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!stopping) await cleanup();
  }
}

/** Seeds open cases until at least TIMERS timers are pending; picks the sample among their reminders. */
async function seedProduct(app: Awaited<ReturnType<typeof createApp>>, db: Database) {
  await putBenchUsers(app);
  const rng = prng(SEED);
  const now = new Date();
  console.log(`checking the simulator against the product's use cases (${CHECK_CASES} journeys)…`);
  const check = await checkAgainstServices(app, CHECK_CASES, rng, new Date(now.getTime() - 400 * DAY));
  const numbers = new CaseNumbers(await readCounters(db));
  const t0 = performance.now();
  let pendingCount = await countPending(db);
  let cases = 0;
  let perCase = 3;
  while (pendingCount < TIMERS) {
    const want = Math.max(50, Math.ceil((TIMERS - pendingCount) / perCase));
    const counts = await seedCases(db, {
      cases: want,
      from: new Date(now.getTime() - 90 * DAY),
      to: new Date(now.getTime() - DAY),
      open: () => true,
      notAfter: now,
      rng,
      numbers,
      progress: (c) => process.stdout.write(`\r  seeding: ${fmt(cases + c.cases)} cases, ${fmt(pendingCount + c.timers)} timers`),
    });
    cases += counts.cases;
    pendingCount = await countPending(db);
    perCase = Math.max(1, counts.timers / Math.max(1, counts.cases));
  }
  await db.dataSource.query('ANALYZE');
  const seedSeconds = (performance.now() - t0) / 1000;
  console.log(`\n  seeded in ${seedSeconds.toFixed(0)} s: ${fmt(cases)} open cases, ${fmt(pendingCount)} pending timers`);
  const pending: string[] = (await db.dataSource.query(`SELECT id FROM timers WHERE status = 'pending' ORDER BY id`)).map((r: { id: string }) => r.id);
  // The measured reminders, of open tasks, chosen by a seeded hash so a run with the same seed picks the same.
  const picked: string[] = (
    await db.dataSource.query(
      `SELECT t.id FROM timers t JOIN tasks k ON k.id = t.task_id WHERE t.status = 'pending' AND t.kind = 'remind' AND k.status = 'open' ORDER BY md5(t.id || $1) LIMIT $2`,
      [String(SEED), SAMPLE + WARMUP],
    )
  ).map((r: { id: string }) => r.id);
  if (picked.length < SAMPLE + WARMUP) throw new Error(`only ${picked.length} pending reminders for a sample of ${SAMPLE} and ${WARMUP} warm-up`);
  const groups: Groups = { warmup: picked.slice(0, WARMUP), sample: picked.slice(WARMUP) };
  return { pending, groups, checked: check.cases, seedSeconds, cases };
}

async function countPending(db: Database): Promise<number> {
  const [{ n }] = (await db.dataSource.query(`SELECT COUNT(*)::int AS n FROM timers WHERE status = 'pending'`)) as { n: number }[];
  return n;
}

/** Writes the due times, schedules every timer as the product does, runs a real worker and waits for the sample. */
async function runProduct(databaseUrl: string, prefix: string, sink: MailSink, offsets: Map<string, number>, groups: Groups, children: ChildProcess[]) {
  const pg = new (await import('pg')).default.Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const base = Date.now() + LEAD_S * 1000;
    const entries = [...offsets];
    for (let i = 0; i < entries.length; i += 20_000) {
      const chunk = entries.slice(i, i + 20_000);
      await pg.query(`UPDATE timers t SET fire_at = to_timestamp(v.at / 1000.0) FROM json_to_recordset($1::json) AS v(id varchar, at bigint) WHERE t.id = v.id`, [
        JSON.stringify(chunk.map(([id, off]) => ({ id, at: base + off }))),
      ]);
    }
    const rows: { id: string; fire_at: Date }[] = (await pg.query(`SELECT id, fire_at FROM timers WHERE status = 'pending'`)).rows;
    const fireAt = new Map(rows.map((r) => [r.id, r.fire_at.getTime()]));
    console.log(`onegate: scheduling ${fmt(rows.length)} timers on Redis (BullMqScheduler.scheduleTimers)…`);
    const s0 = performance.now();
    const scheduler = new BullMqScheduler(redisUrl(), { prefix });
    for (let i = 0; i < rows.length; i += 5000) await scheduler.scheduleTimers(rows.slice(i, i + 5000).map((r) => ({ id: r.id, fireAt: r.fire_at })));
    await scheduler.close();
    console.log(`  scheduled in ${((performance.now() - s0) / 1000).toFixed(1)} s`);

    const env = benchEnv({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl(),
      SMTP_URL: sink.url,
      ONEGATE_ROLE: 'worker',
      ONEGATE_QUEUE_PREFIX: prefix,
      ONEGATE_DATA_DIR: join(tmpdir(), `${prefix}-data`),
      PORT: String(await freePort()),
    });
    const workerLog: string[] = [];
    const worker = await spawnOnegate(
      env,
      /worker started/,
      (line) => {
        if (DUMP_DIR) workerLog.push(line);
        if (/"level":(40|50|60)|\bWARN\b|\bERROR\b/.test(line)) console.log(`  worker: ${line.slice(0, 300)}`);
      },
      PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    );
    children.push(worker);
    const readyBeforeDueMs = base - WARMUP_LEAD_MS - Date.now();
    console.log(`  worker up ${(readyBeforeDueMs / 1000).toFixed(1)} s before the first warm-up reminder; sample due over ${WINDOW_S} s`);
    if (readyBeforeDueMs < 0) console.log('  WARNING: the worker came up after the first due time (raise BENCH_TIMER_LEAD_SECONDS)');

    // Wait until every measured timer has fired and each of its deliveries reached the sink, or the grace ends.
    const all = [...groups.warmup, ...groups.sample];
    const deadline = base + (WINDOW_S + GRACE_S) * 1000;
    let done = false;
    while (Date.now() < deadline) {
      await sleep(1000);
      if (Date.now() < base + WINDOW_S * 1000) continue;
      const r = await pg.query(
        `SELECT (SELECT COUNT(*)::int FROM timers WHERE id = ANY($1) AND status = 'pending') AS pending, (SELECT array_agg(id) FROM deliveries WHERE timer_id = ANY($1)) AS deliveries`,
        [all],
      );
      const { pending, deliveries } = r.rows[0] as { pending: number; deliveries: string[] | null };
      if (pending === 0 && (deliveries ?? []).every((id) => sink.arrivals.has(id))) {
        done = true;
        break;
      }
    }
    // A few seconds more, so a late duplicate would be seen.
    await sleep(3000);
    const mem = processMemory(worker.pid!);
    const cpu = readCpuMs(worker.pid!);
    await stopProcess(worker);
    console.log(`  ${done ? 'every measured reminder arrived' : 'grace period over'}; worker stopped`);

    const deliveries: { id: string; timer_id: string; recipient_email: string; sent_at: Date | null }[] = (await pg.query(`SELECT id, timer_id, recipient_email, sent_at FROM deliveries`)).rows;
    const byTimer = new Map<string, typeof deliveries>();
    for (const d of deliveries) byTimer.set(d.timer_id, [...(byTimer.get(d.timer_id) ?? []), d]);
    const measure = (ids: string[]) => {
      const m = { values: [] as number[], first: [] as number[], sentAt: [] as number[], mails: [] as number[], raw: [] as { due: number; late: number; first: number; mails: number }[], lost: 0, duplicates: 0 };
      for (const id of ids) {
        const ds = byTimer.get(id) ?? [];
        const arrivals = ds.map((d) => sink.arrivals.get(d.id));
        if (!ds.length || arrivals.some((a) => a === undefined)) {
          m.lost++;
          continue;
        }
        const due = fireAt.get(id)!;
        const last = Math.max(...arrivals.map((a) => a![0]!)) - due;
        const first = Math.min(...arrivals.map((a) => a![0]!)) - due;
        m.values.push(last);
        m.first.push(first);
        m.sentAt.push(Math.max(...ds.map((d) => d.sent_at?.getTime() ?? Number.NaN)) - due);
        m.mails.push(ds.length);
        m.raw.push({ due, late: last, first, mails: ds.length });
        m.duplicates += arrivals.reduce((n, a) => n + a!.length - 1, 0);
        if (new Set(ds.map((d) => d.recipient_email)).size !== ds.length) m.duplicates++;
      }
      return {
        values: m.values,
        lost: m.lost,
        duplicates: m.duplicates,
        raw: m.raw,
        firstMail: summarize(m.first),
        sentAt: summarize(m.sentAt.filter((x) => Number.isFinite(x))),
        mailsPerTimer: { mean: m.mails.reduce((a, b) => a + b, 0) / Math.max(1, m.mails.length), max: Math.max(0, ...m.mails) },
      };
    };
    const sample = measure(groups.sample);
    const warmup = measure(groups.warmup);
    if (DUMP_DIR) {
      dump('product', sample.raw);
      dump('product-warmup', warmup.raw);
      writeFileSync(join(DUMP_DIR, 'worker.log'), workerLog.join('\n'));
    }
    const measured = new Set(all);
    const measuredDeliveries = new Set(deliveries.filter((d) => measured.has(d.timer_id)).map((d) => d.id));
    const unexpected = [...byTimer.keys()].filter((t) => !measured.has(t)).length + [...sink.arrivals.keys()].filter((id) => !measuredDeliveries.has(id)).length;
    return { sample, warmup, unexpected, readyBeforeDueMs, workerCpuMs: cpu, workerPeakMiB: mem.peakMiB };
  } finally {
    await pg.end();
  }
}

/** The same due times as plain delayed jobs, and a plain worker process that only notes the lateness. */
async function runPlain(prefix: string, offsets: Map<string, number>, groups: Groups, children: ChildProcess[]) {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queue = new Queue(PLAIN_QUEUE, { connection: connection as unknown as ConnectionOptions, prefix });
  try {
    const base = Date.now() + LEAD_S * 1000;
    const entries = [...offsets];
    console.log(`plain: adding ${fmt(entries.length)} delayed jobs (queue.addBulk)…`);
    const s0 = performance.now();
    for (let i = 0; i < entries.length; i += 5000) {
      const now = Date.now();
      await queue.addBulk(
        entries.slice(i, i + 5000).map(([id, off]) => ({
          name: 'fire',
          data: { dueAt: base + off },
          opts: { jobId: `timer-${id}`, delay: Math.max(0, base + off - now), attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
        })),
      );
    }
    console.log(`  added in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    const worker = fork(join(dirname(fileURLToPath(import.meta.url)), 'support', 'plain-worker.js'), [], {
      env: {
        ...process.env,
        PLAIN_REDIS_URL: redisUrl(),
        PLAIN_PREFIX: prefix,
        PLAIN_QUEUE: PLAIN_QUEUE,
        PLAIN_CONCURRENCY: String(WORKER_CONCURRENCY),
        PLAIN_LOCK_MS: String(LOCK_MS),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(worker);
    const processed: [string, number][] = [];
    let results: ((v: void) => void) | null = null;
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: { type: string; processed?: [string, number][] }) => {
        if (m.type === 'ready') resolve();
        if (m.type === 'results') {
          processed.push(...m.processed!);
          results?.();
        }
      });
      worker.once('exit', (code) => reject(new Error(`plain worker exited with ${code}`)));
    });
    await ready;
    const readyBeforeDueMs = base - WARMUP_LEAD_MS - Date.now();
    console.log(`  plain worker up ${(readyBeforeDueMs / 1000).toFixed(1)} s before the first warm-up job`);
    const deadline = base + (WINDOW_S + GRACE_S) * 1000;
    const jobsOf = (ids: string[]) => ids.map((id) => `timer-${id}`);
    const all = jobsOf([...groups.warmup, ...groups.sample]);
    while (Date.now() < deadline) {
      await sleep(1000);
      if (Date.now() < base + WINDOW_S * 1000) continue;
      // Done when no measured job is left in Redis (removeOnComplete): the queue holds only far jobs.
      if ((await countLeft(queue, all)) === 0) break;
    }
    await sleep(3000);
    const mem = processMemory(worker.pid!);
    const cpu = readCpuMs(worker.pid!);
    const got = new Promise<void>((resolve) => (results = resolve));
    worker.send({ type: 'stop' });
    await got;
    await new Promise<void>((resolve) => (worker.exitCode !== null ? resolve() : worker.once('exit', () => resolve())));
    const seen = new Map<string, number[]>();
    for (const [id, late] of processed) seen.set(id, [...(seen.get(id) ?? []), late]);
    const measure = (jobs: string[]) => {
      const values: number[] = [];
      let lost = 0;
      let duplicates = 0;
      for (const id of jobs) {
        const l = seen.get(id);
        if (!l) lost++;
        else {
          values.push(l[0]!);
          duplicates += l.length - 1;
        }
      }
      return { values, lost, duplicates };
    };
    const sample = measure(jobsOf(groups.sample));
    const warmup = measure(jobsOf(groups.warmup));
    const measured = new Set(all);
    const unexpected = [...seen.keys()].filter((id) => !measured.has(id)).length;
    if (DUMP_DIR) dump('plain', jobsOf(groups.sample).filter((id) => seen.has(id)).map((id) => ({ due: base + offsets.get(id.slice('timer-'.length))!, late: seen.get(id)![0]! })));
    return { sample, warmup, unexpected, readyBeforeDueMs, workerCpuMs: cpu, workerPeakMiB: mem.peakMiB };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

async function countLeft(queue: Queue, ids: string[]): Promise<number> {
  let left = 0;
  for (let i = 0; i < ids.length; i += 500) left += (await Promise.all(ids.slice(i, i + 500).map((id) => queue.getJob(id)))).filter(Boolean).length;
  return left;
}

/** An SMTP server that notes when each message (by its Message-ID) fully arrived. */
class MailSink {
  /** delivery id → arrival times (ms since epoch); more than one is a duplicate. */
  readonly arrivals = new Map<string, number[]>();
  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {}

  static async start(): Promise<MailSink> {
    let sink: MailSink | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      onData(stream, _session, callback) {
        let head = '';
        stream.on('data', (c: Buffer) => {
          if (head.length < 8192) head += c.toString('latin1');
        });
        stream.on('end', () => {
          const at = Date.now();
          const id = /^Message-ID:\s*<([^@>]+)@onegate>/im.exec(head)?.[1] ?? `unknown-${at}-${Math.random()}`;
          const list = sink!.arrivals.get(id);
          if (list) list.push(at);
          else sink!.arrivals.set(id, [at]);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink = new MailSink(server, `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`);
    return sink;
  }

  stop(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function dump(name: string, rows: object[]): void {
  mkdirSync(DUMP_DIR!, { recursive: true });
  writeFileSync(join(DUMP_DIR!, `${name}.json`), JSON.stringify(rows));
}

function summarize(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.length ? sorted[sorted.length - 1]! : NaN };
}

function ratio(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(2) : 'n/a';
}

function shuffle<T>(xs: T[], rng: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
