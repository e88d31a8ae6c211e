/**
 * Issue 7, item 3: events per second through `GET /api/audit/verify` over a million events on
 * PostgreSQL, divided by a plain in-memory fold of the same events: xstate's `transition()` on the same
 * machine plus sha256 of each event's canonical form (`hashEvent`), with the events already in memory.
 */
import 'reflect-metadata';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createActor, initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { findWorkflow } from '../workflows/registry.js';
import { createApp } from '../src/app.js';
import { TokenService } from '../src/auth/token.service.js';
import { DirectoryService } from '../src/directory/directory.service.js';
import { Database } from '../src/database/database.js';
import type { CaseEventRow } from '../src/database/rows.js';
import { hashEvent } from '../src/engine/event-hash.js';
import { benchConfig, createBenchDatabase, envInt, fmt, machineLine, Report, startProfile } from './support/bench-env.js';
import { checkAgainstServices, readCounters, seedCases } from './support/dataset.js';
import { CaseNumbers, prng, putBenchUsers } from './support/journeys.js';

const EVENTS = envInt('BENCH_VERIFY_EVENTS', 1_000_000);
const ROUNDS = envInt('BENCH_VERIFY_ROUNDS', 2);
const CHECK_CASES = envInt('BENCH_CHECK_CASES', 40);
const SEED = envInt('BENCH_SEED', 7);
/** BENCH_PROFILE=<dir>: a V8 CPU profile of the server during each verify. */
const PROFILE_DIR = process.env.BENCH_PROFILE || null;
const DAY = 86_400_000;

async function main(): Promise<void> {
  const report = new Report('verify');
  const bench = await createBenchDatabase('verify');
  const dataDir = mkdtempSync(join(tmpdir(), 'onegate-bench-verify-'));
  const app = await createApp(benchConfig({ database: { kind: 'postgres', url: bench.url }, dataDir, role: 'cli' }), { logger: false });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const db = app.get(Database);
    await putBenchUsers(app);
    const rng = prng(SEED);
    const now = new Date();

    console.log(`checking the simulator against the product's use cases (${CHECK_CASES} journeys)…`);
    const check = await checkAgainstServices(app, CHECK_CASES, rng, new Date(now.getTime() - 6 * 365 * DAY));
    console.log(`seeding ${fmt(EVENTS)} events…`);
    const t0 = performance.now();
    const seeded = await seedCases(db, {
      events: EVENTS - check.events,
      from: new Date(now.getTime() - 8 * 365 * DAY),
      to: new Date(now.getTime() - DAY),
      // Recent proposals are mostly still under way; a few old ones are stuck.
      open: (start) => rng() < (start.getTime() > now.getTime() - 120 * DAY ? 0.6 : 0.01),
      notAfter: now,
      rng,
      numbers: new CaseNumbers(await readCounters(db)),
      progress: (c) => process.stdout.write(`\r  ${fmt(c.cases)} cases, ${fmt(c.events)} events`),
    });
    await db.dataSource.query('ANALYZE');
    const seedSeconds = (performance.now() - t0) / 1000;
    const [{ events: totalEvents, cases: totalCases, documents }] = await db.dataSource.query(
      `SELECT (SELECT COUNT(*)::int FROM case_events) AS events, (SELECT COUNT(*)::int FROM cases) AS cases, (SELECT COUNT(*)::int FROM documents) AS documents`,
    );
    console.log(`\n  seeded in ${seedSeconds.toFixed(0)} s: ${fmt(totalCases)} cases, ${fmt(totalEvents)} events, ${fmt(documents)} documents`);

    // The directory says who the token's subject is (contract §3): the auditor must be there.
    const auditor = await app.get(DirectoryService).put('inspektorat-1', { name: 'Inspektorat', email: 'inspektorat-1@bench.onegate.localhost', roles: ['auditor'] });
    const token = await app.get(TokenService).sign(auditor, 6 * 3600);
    const verifyRuns: { seconds: number; body: VerifyBody }[] = [];
    const folds: Fold[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const fold = await foldInMemory(db);
      folds.push(fold);
      console.log(`round ${round}: in-memory fold ${fmt(fold.events / fold.transitionSeconds)} events/s with transition(), ${fmt(fold.events / fold.actorSeconds)} with a live actor`);
      const profile = PROFILE_DIR ? await startProfile() : null;
      const v0 = performance.now();
      const body = await getJson<VerifyBody>(`${base}/api/audit/verify`, token);
      const seconds = (performance.now() - v0) / 1000;
      if (profile) await profile.stop(join(PROFILE_DIR!, `verify-${round}.cpuprofile`));
      verifyRuns.push({ seconds, body });
      console.log(`round ${round}: GET /api/audit/verify ${seconds.toFixed(1)} s → ${fmt(body.eventsChecked / seconds)} events/s, ok=${body.ok}, problems=${body.problems.length}`);
    }

    const best = verifyRuns.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const bestFold = folds.reduce((a, b) => (b.transitionSeconds < a.transitionSeconds ? b : a));
    const bestActor = folds.reduce((a, b) => (b.actorSeconds < a.actorSeconds ? b : a));
    const verifyRate = best.body.eventsChecked / best.seconds;
    const foldRate = bestFold.events / bestFold.transitionSeconds;
    const actorRate = bestActor.events / bestActor.actorSeconds;

    report.log(`# onegate bench: replay and verify — ${new Date().toISOString()}`);
    report.log('');
    report.log(machineLine());
    report.log(`Command: \`npm run bench -- verify\` (BENCH_VERIFY_EVENTS=${EVENTS}, BENCH_VERIFY_ROUNDS=${ROUNDS}, BENCH_SEED=${SEED}); every figure below was measured in this run, best of ${ROUNDS} rounds each.`);
    report.log('');
    report.log('## 3. Replay and verify: `GET /api/audit/verify` on PostgreSQL ÷ in-memory fold of the same events');
    report.log('');
    // The limit is the machine's fastest XState path over the same events: whichever fold ran faster.
    const limitIsActor = actorRate > foldRate;
    const limitRate = Math.max(actorRate, foldRate);
    const limitMark = (isLimit: boolean) => (isLimit ? ' **(the limit: the faster path)**' : '');
    report.log('| what | events | seconds | events/s |');
    report.log('|---|---:|---:|---:|');
    report.log(`| \`GET /api/audit/verify\` (HTTP, every chain, replay, snapshot and document) | ${fmt(best.body.eventsChecked)} | ${best.seconds.toFixed(1)} | ${fmt(verifyRate)} |`);
    report.log(`| in-memory fold through a live actor's \`send()\` + sha256 of \`hashEvent\`'s canonical form${limitMark(limitIsActor)} | ${fmt(bestActor.events)} | ${bestActor.actorSeconds.toFixed(1)} | ${fmt(actorRate)} |`);
    report.log(`| in-memory fold through \`transition()\` + the same sha256${limitMark(!limitIsActor)} | ${fmt(bestFold.events)} | ${bestFold.transitionSeconds.toFixed(1)} | ${fmt(foldRate)} |`);
    report.log('');
    const ratio = verifyRate / limitRate;
    report.log(`**Ratio verify ÷ fastest fold: ${ratio.toFixed(2)}** (bar ≥ 0.5${ratio >= 0.5 ? ', met' : ', MISSED'}). Against the \`transition()\` fold: ${(verifyRate / foldRate).toFixed(2)}; against the live-actor fold: ${(verifyRate / actorRate).toFixed(2)}.`);
    report.log(`Verify said ok=${best.body.ok} with ${best.body.problems.length} problems over ${fmt(best.body.casesChecked)} cases. All rounds: verify ${verifyRuns.map((r) => r.seconds.toFixed(1)).join(' / ')} s; live-actor fold ${folds.map((f) => f.actorSeconds.toFixed(1)).join(' / ')} s; transition() fold ${folds.map((f) => f.transitionSeconds.toFixed(1)).join(' / ')} s.`);
    report.log('');
    report.log('### The data');
    report.log('');
    report.log(
      `${fmt(totalCases)} cases, ${fmt(totalEvents)} events, ${fmt(documents)} documents (each a small PDF with its own bytes and sha256) on cooperation@2, ` +
        `${fmt(seeded.openCases)} cases still open. ${CHECK_CASES} journeys went through the product's use cases (CasesService, DocumentsService, TasksService, TimerHandler) ` +
        `and the same journeys through the bench's simulator gave identical rows (events, payloads, stages, snapshot, tasks, documents; ids, instants and hashes set aside) — checked in this run. ` +
        `The other ${fmt(seeded.cases)} cases were simulated (engine step semantics: \`transition()\`, \`hashEvent\`, \`persist\`, the use cases' payloads) and inserted in bulk in ${seedSeconds.toFixed(0)} s; ` +
        `verify finding no problem over them is the proof that their chains, replays and snapshots are sound. Cancelled timers are not generated: verify does not read them.`,
    );
    report.write();
  } finally {
    await app.close();
    await bench.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface VerifyBody {
  ok: boolean;
  casesChecked: number;
  eventsChecked: number;
  problems: unknown[];
}

interface Fold {
  events: number;
  transitionSeconds: number;
  actorSeconds: number;
}

/**
 * The limit: the same events, read into memory batch by batch (not timed), folded through the machine
 * with `transition()` and each hashed with sha256 over its canonical form (timed). A live actor's
 * `send()` over the same events is timed too, for comparison.
 */
async function foldInMemory(db: Database): Promise<Fold> {
  const ids: string[] = (await db.dataSource.query(`SELECT id FROM cases ORDER BY id`)).map((r: { id: string }) => r.id);
  let events = 0;
  let transitionMs = 0;
  let actorMs = 0;
  let sink = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const rows: RawEvent[] = await db.dataSource.query(
      `SELECT case_id, seq, type, actor_id, actor_roles, at, data, stage_before, stage_after, workflow_name, workflow_version, prev_hash, hash_format FROM case_events WHERE case_id = ANY($1) ORDER BY case_id, seq`,
      [ids.slice(i, i + 500)],
    );
    const byCase: CaseEventRow[][] = [];
    for (const r of rows) {
      const e: CaseEventRow = {
        caseId: r.case_id,
        seq: r.seq,
        type: r.type,
        actorId: r.actor_id,
        actorRoles: r.actor_roles,
        at: r.at,
        data: r.data,
        stageBefore: r.stage_before,
        stageAfter: r.stage_after,
        workflowName: r.workflow_name,
        workflowVersion: r.workflow_version,
        prevHash: r.prev_hash,
        hash: '',
        hashFormat: r.hash_format,
      };
      if (byCase.length && byCase[byCase.length - 1]![0]!.caseId === e.caseId) byCase[byCase.length - 1]!.push(e);
      else byCase.push([e]);
    }
    const t0 = performance.now();
    for (const caseEvents of byCase) {
      const machine = machineOf(caseEvents[0]!);
      let [snapshot] = initialTransition(machine, caseEvents[0]!.data.input as never) as [AnyMachineSnapshot, unknown];
      for (let k = 1; k < caseEvents.length; k++) [snapshot] = transition(machine, snapshot, caseEvents[k]!.data.event as never);
      for (const e of caseEvents) sink += hashEvent(e).charCodeAt(0);
      sink += String(snapshot.value).length;
    }
    const t1 = performance.now();
    for (const caseEvents of byCase) {
      const actor = createActor(machineOf(caseEvents[0]!), { input: caseEvents[0]!.data.input as never }).start();
      for (let k = 1; k < caseEvents.length; k++) actor.send(caseEvents[k]!.data.event as never);
      for (const e of caseEvents) sink += hashEvent(e).charCodeAt(0);
      sink += String(actor.getSnapshot().value).length;
      actor.stop();
    }
    const t2 = performance.now();
    transitionMs += t1 - t0;
    actorMs += t2 - t1;
    events += rows.length;
  }
  if (sink === 0) console.log('(nothing folded)');
  return { events, transitionSeconds: transitionMs / 1000, actorSeconds: actorMs / 1000 };
}

interface RawEvent {
  case_id: string;
  seq: number;
  type: string;
  actor_id: string;
  actor_roles: string[];
  at: Date;
  data: Record<string, unknown>;
  stage_before: string | null;
  stage_after: string;
  workflow_name: string;
  workflow_version: number;
  prev_hash: string;
  hash_format: number;
}

const machines = new Map<string, AnyStateMachine>();
function machineOf(e: CaseEventRow): AnyStateMachine {
  const key = `${e.workflowName}@${e.workflowVersion}`;
  let m = machines.get(key);
  if (!m) {
    m = findWorkflow(e.workflowName, e.workflowVersion)!.machine;
    machines.set(key, m);
  }
  return m;
}

/** A GET with no client-side timeout (verify of a million events takes longer than fetch's 300 s header limit might allow). */
function getJson<T>(url: string, token: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: ${res.statusCode} ${text.slice(0, 500)}`));
        else resolve(JSON.parse(text) as T);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
