import type { EntityManager } from 'typeorm';
import { Database } from '../src/database/database.js';
import { IDEMPOTENCY } from '../src/database/entities.js';
import type { IdempotencyRow } from '../src/database/rows.js';
import { TestApp, USERS } from './support/test-app.js';

/**
 * A process that dies after a request's writes committed and before its Idempotency-Key kept the
 * response (found by the fault suite's kill -9): the key must still say the request was carried out,
 * so a retry, even after the key counts as abandoned, is never carried out a second time.
 */
describe('Idempotency-Key across a crash between commit and response', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t.stop();
  });

  const body = { title: 'KB pasca-crash', instrument: 'kb', partner: { name: 'Kabupaten Sarolangun', category: 'region' } };
  const total = async () => (await t.get('/api/cases', USERS.auditor)).body.total as number;
  const keyRow = () => t.db.read((em) => em.findOneBy<IdempotencyRow>(IDEMPOTENCY, { key: 'crash-1', userId: USERS.proposer.id }));

  /** The write that keeps the response fails as if the process died there; everything before it committed. */
  function dieBeforeKeepingResponses(): void {
    const original = Database.prototype.transaction;
    jest.spyOn(Database.prototype, 'transaction').mockImplementation(function (this: Database, fn: (em: EntityManager) => Promise<unknown>) {
      return original.call(this, (em: EntityManager) =>
        fn(
          new Proxy(em, {
            get(target, prop) {
              if (prop === 'update') {
                return (entity: unknown, where: unknown, values: Record<string, unknown>) => {
                  if (entity === IDEMPOTENCY && 'response' in values) throw new Error('simulated crash');
                  return target.update(entity as never, where as never, values as never);
                };
              }
              const value = Reflect.get(target, prop, target) as unknown;
              return typeof value === 'function' ? value.bind(target) : value;
            },
          }),
        ),
      );
    } as never);
  }

  it('records the request as carried out with its writes, and refuses to carry it out again', async () => {
    const before = await total();
    dieBeforeKeepingResponses();
    const first = await t.post('/api/cases', USERS.proposer, body, { 'idempotency-key': 'crash-1' });
    jest.restoreAllMocks();
    expect(first.status).toBe(500);
    expect(await total()).toBe(before + 1);
    expect((await keyRow())?.statusCode).toBe(0);

    // Soon after: as if the first request were still running.
    const retry = await t.post('/api/cases', USERS.proposer, body, { 'idempotency-key': 'crash-1' });
    expect(retry.status).toBe(409);
    expect(retry.body.code).toBe('IdempotencyInProgress');

    // Long after, when a key still pending would be taken over: carried out, response lost, not done again.
    await t.db.transaction((em) => em.update(IDEMPOTENCY, { key: 'crash-1', userId: USERS.proposer.id }, { createdAt: new Date(Date.now() - 3_600_000) }));
    const late = await t.post('/api/cases', USERS.proposer, body, { 'idempotency-key': 'crash-1' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('IdempotencyResponseLost');
    expect(await total()).toBe(before + 1);
  });

  it('records a task completion as carried out in the step that completes it (also on PostgreSQL, whose steps are one statement)', async () => {
    const c = await t.createCase();
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    const task = (await t.get(`/api/tasks?caseId=${c.id}`, USERS.secretariat)).body.items[0];
    dieBeforeKeepingResponses();
    const first = await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision: 'approve' }, { 'idempotency-key': 'crash-task' });
    jest.restoreAllMocks();
    expect(first.status).toBe(500);
    expect((await t.get(`/api/cases/${c.id}`, USERS.secretariat)).body.stage).toBe('technical_review');
    const key = await t.db.read((em) => em.findOneBy<IdempotencyRow>(IDEMPOTENCY, { key: 'crash-task', userId: USERS.secretariat.id }));
    expect(key?.statusCode).toBe(0);
  });

  it('still lets a request that failed before writing anything be retried with its key', async () => {
    const bad = await t.post('/api/cases', USERS.proposer, { ...body, instrument: 'loi' }, { 'idempotency-key': 'crash-2' });
    expect(bad.status).toBe(400);
    expect((await t.post('/api/cases', USERS.proposer, body, { 'idempotency-key': 'crash-2' })).status).toBe(201);
  });
});
