import type { Database } from '../../src/database/database.js';
import { USERS } from '../support/test-app.js';
import { FaultEnv } from './support/fault-env.js';
import { call, get } from './support/http-client.js';
import { checkIntegrity } from './support/integrity.js';
import { sleep, type ServerProcess } from './support/server-process.js';
import { postgres } from './support/services.js';
import { Workload, checkLedger } from './support/workload.js';

const COMMANDS = Number(process.env.FAULT_PG_COMMANDS ?? 2_000);
/** How long PostgreSQL stays down; short, since the machine's other test runs share it. */
const DOWN_MS = 3_000;

/**
 * PostgreSQL stops (fast shutdown: open transactions rolled back, connections cut) while clients send
 * commands, and comes back a few seconds later. While it is down the API answers 503 with Retry-After
 * (never a 500) and /api/health says the database is down; afterwards the API serves again without
 * being restarted, and every acknowledged command is in the history exactly once.
 */
describe('PostgreSQL restarted under load', () => {
  let env: FaultEnv;
  let api: ServerProcess;
  let db: Database | null = null;
  let passed = false;

  beforeAll(async () => {
    env = await FaultEnv.create({ backend: 'postgres' });
    console.log(`[faults] PostgreSQL restart on ${env.label}`);
    api = await env.server('api');
    await api.start();
  });
  afterAll(async () => {
    // Whatever happened, PostgreSQL is left running as it was found.
    await postgres.start();
    await db?.close();
    await env?.cleanup(!passed);
  });

  it('answers 503 while PostgreSQL is down, recovers by itself and loses no acknowledged command', async () => {
    const load = new Workload(env, () => api.baseUrl, { clients: 8, commands: COMMANDS });
    const whileDown: { status: number; database?: string; retryAfter?: string }[] = [];
    const timeline: Record<string, number> = {};
    load.at(Math.floor(COMMANDS * 0.3), async () => {
      const t0 = Date.now();
      try {
        await postgres.stop();
        timeline.stopped = Date.now() - t0;
        while (Date.now() - t0 < timeline.stopped + DOWN_MS) {
          const res = await get(`${api.baseUrl}/api/health`, { timeoutMs: 5000 }).catch(() => null);
          if (res) whileDown.push({ status: res.status, database: res.body?.database?.status, retryAfter: res.headers['retry-after'] as string | undefined });
          await sleep(200);
        }
      } finally {
        await postgres.start();
      }
      timeline.started = Date.now() - t0;
      for (;;) {
        const res = await get(`${api.baseUrl}/api/health`, { timeoutMs: 5000 }).catch(() => null);
        if (res?.status === 200) break;
        if (Date.now() - t0 > 60_000) throw new Error('the API did not recover within 60 s of PostgreSQL stopping');
        await sleep(100);
      }
      timeline.healthy = Date.now() - t0;
    });
    const started = Date.now();
    await load.run();
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `[faults] PostgreSQL restart: ${load.summary()}; ${seconds.toFixed(1)} s; PostgreSQL stopped after ${timeline.stopped} ms, started at ${timeline.started} ms, API healthy at ${timeline.healthy} ms; health while down: ${whileDown.map((h) => `${h.status}/${h.database}`).join(' ')}`,
    );
    expect(load.errors).toEqual([]);
    expect(timeline.healthy).toEqual(expect.any(Number));
    // The clients met the outage and got 503s, never another 5xx.
    expect(load.statusCounts.get(503) ?? 0).toBeGreaterThan(0);
    expect([...load.statusCounts.keys()].filter((s) => s >= 500 && s !== 503)).toEqual([]);
    // Health said so while it lasted.
    expect(whileDown.length).toBeGreaterThan(3);
    expect(whileDown.every((h) => h.status === 503 && h.database === 'down')).toBe(true);
    // The same process served before and after: the pool reconnected by itself.
    expect(api.starts).toBe(1);
    expect(api.running).toBe(true);

    db = await env.openDatabase();
    const ledger = await checkLedger(db, load.ledger, load.runId);
    console.log(`[faults] ${ledger.cutOffButCarriedOut} of the commands cut off by a failure had been carried out`);
    expect(ledger.problems).toEqual([]);
    const integrity = await checkIntegrity(db);
    expect(integrity.problems).toEqual([]);
    const verify = await call(api.baseUrl, 'GET', '/api/audit/verify', await env.token(USERS.auditor));
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
    passed = true;
  });
});
