import { join } from 'node:path';
import type { Database } from '../../src/database/database.js';
import { USERS } from '../support/test-app.js';
import { FaultEnv } from './support/fault-env.js';
import { call } from './support/http-client.js';
import { checkIntegrity } from './support/integrity.js';
import type { ServerProcess } from './support/server-process.js';
import { Workload, checkLedger } from './support/workload.js';

const COMMANDS = Number(process.env.FAULT_COMMANDS ?? 10_000);
const CLIENTS = 16;
/** The API is killed when the clients have sent these shares of their commands. */
const KILLS_AT = [0.35, 0.7];

/**
 * The API process dies by SIGKILL twice while concurrent clients send 10,000 commands, and is started
 * again at once. Afterwards every command that got a 2xx is in the history exactly once, and every
 * case's rows are whole: no event without its snapshot and task rows (nor a document row without its event).
 */
describe('kill -9 of the API under load', () => {
  let env: FaultEnv;
  let api: ServerProcess;
  let db: Database | null = null;
  let passed = false;

  beforeAll(async () => {
    env = await FaultEnv.create();
    console.log(`[faults] kill -9 on ${env.label}`);
    api = await env.server('api');
    await api.start();
  });
  afterAll(async () => {
    await db?.close();
    await env?.cleanup(!passed);
  });

  it(`keeps every acknowledged command of ${COMMANDS} exactly once across two kills, with whole rows for every case`, async () => {
    const load = new Workload(env, () => api.baseUrl, { clients: CLIENTS, commands: COMMANDS });
    const downtimes: number[] = [];
    const inFlightAtKill: number[] = [];
    for (const share of KILLS_AT) {
      load.at(Math.floor(COMMANDS * share), async () => {
        inFlightAtKill.push(load.ledger.filter((e) => e.outcome === 'pending').length);
        const t0 = Date.now();
        await api.kill9();
        await api.start();
        downtimes.push(Date.now() - t0);
      });
    }
    const started = Date.now();
    await load.run();
    const seconds = (Date.now() - started) / 1000;
    console.log(`[faults] kill -9 (${env.backend}): ${load.summary()}; ${seconds.toFixed(1)} s; killed with ${inFlightAtKill.join(' and ')} commands in flight; down ${downtimes.map((d) => `${d} ms`).join(', ')}`);
    expect(load.errors).toEqual([]);
    expect(api.starts).toBe(1 + KILLS_AT.length);
    expect(load.ledger.length).toBeGreaterThanOrEqual(COMMANDS);
    // The kills must have cut requests off mid-flight, or this proved nothing.
    expect(inFlightAtKill.every((n) => n > 0)).toBe(true);
    expect(load.ledger.some((e) => e.networkErrors > 0)).toBe(true);

    db = await env.openDatabase();
    const ledger = await checkLedger(db, load.ledger, load.runId);
    console.log(`[faults] ${ledger.cutOffButCarriedOut} of the commands cut off by a failure had been carried out`);
    expect(ledger.problems).toEqual([]);
    const integrity = await checkIntegrity(db, { documentsDir: join(env.dataDir, 'documents') });
    console.log(
      `[faults] kill -9 (${env.backend}) rows: ${integrity.cases} cases, ${integrity.events} events, ${integrity.tasks} tasks, ${integrity.documents} documents, ${integrity.timers} timers; ${integrity.orphanBytes} stored files without a document`,
    );
    expect(integrity.problems).toEqual([]);

    // The product's own audit agrees: every chain, replay and document checks out.
    const verify = await call(api.baseUrl, 'GET', '/api/audit/verify', await env.token(USERS.auditor));
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
    expect(verify.body.eventsChecked).toBe(integrity.events);
    passed = true;
  });
});
