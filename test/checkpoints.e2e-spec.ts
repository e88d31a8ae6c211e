import { CASE, CASE_EVENT } from '../src/database/entities.js';
import type { CaseEventRow } from '../src/database/rows.js';
import { GENESIS_HASH, hashEvent } from '../src/engine/event-hash.js';
import { expectError } from './support/expectations.js';
import { TestApp, USERS } from './support/test-app.js';

/** Checkpoints kept outside the database catch even a rewrite that recomputes every hash. */
describe('audit checkpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  async function caseAtTechnicalReview() {
    const c = await t.createCase();
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await t.decide(c.id, USERS.secretariat, 'approve');
    return c;
  }

  it('creates, lists and serves signed checkpoints over every chain head', async () => {
    const a = await caseAtTechnicalReview();
    await caseAtTechnicalReview();
    const created = await t.post('/api/audit/checkpoints', USERS.auditor);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ format: 'onegate-checkpoint/1', cases: 2, events: 10, root: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await t.get('/api/audit/checkpoints', USERS.auditor)).body.map((c: any) => c.id)).toContain(created.body.id);
    expect((await t.get(`/api/audit/checkpoints/${created.body.id}`, USERS.auditor)).body).toEqual(created.body);
    const ok = await t.get(`/api/audit/verify?checkpoint=${created.body.id}`, USERS.auditor);
    expect(ok.body).toMatchObject({ ok: true, checkpoint: { id: created.body.id, ok: true, eventsCovered: 10 } });
    // Later events are fine: the checkpoint covers what existed when it was made.
    await t.decide(a.id, USERS.reviewerA, 'approve');
    expect((await t.post('/api/audit/verify', USERS.auditor, { checkpoint: created.body })).body.ok).toBe(true);
    expect((await t.post('/api/audit/checkpoints', USERS.secretariat)).status).toBe(403);
  });

  it('catches a rewrite of a case’s events with every hash recomputed, which the chains alone cannot', async () => {
    const victim = await caseAtTechnicalReview();
    const kept = (await t.post('/api/audit/checkpoints', USERS.auditor)).body;
    // Someone with write access changes who approved, then recomputes every hash and the head.
    await t.db.transaction(async (em) => {
      const events = await em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: victim.id }, order: { seq: 'ASC' } });
      let prev = GENESIS_HASH;
      for (const e of events) {
        const forged = { ...e, prevHash: prev, actorId: e.type === 'TASK_COMPLETED' ? 'sec-2' : e.actorId };
        forged.hash = hashEvent(forged);
        await em.update(CASE_EVENT, { id: e.id }, { actorId: forged.actorId, prevHash: forged.prevHash, hash: forged.hash });
        prev = forged.hash;
      }
      await em.update(CASE, { id: victim.id }, { headHash: prev });
    });
    const chainsOnly = (await t.get(`/api/audit/verify?caseId=${victim.id}`, USERS.auditor)).body;
    expect(chainsOnly.ok).toBe(true);
    const withKept = (await t.post('/api/audit/verify', USERS.auditor, { checkpoint: kept })).body;
    expect(withKept.ok).toBe(false);
    expect(withKept.problems).toEqual([expect.objectContaining({ caseId: victim.id, seq: 5, kind: 'checkpoint_mismatch' })]);
  });

  it('catches a deleted case and a checkpoint altered in the database', async () => {
    const gone = await caseAtTechnicalReview();
    const kept = (await t.post('/api/audit/checkpoints', USERS.auditor)).body;
    await t.db.transaction(async (em) => {
      await em.delete(CASE_EVENT, { caseId: gone.id });
      await em.delete(CASE, { id: gone.id });
    });
    const v = (await t.post('/api/audit/verify', USERS.auditor, { checkpoint: kept })).body;
    expect(v.problems).toContainEqual(expect.objectContaining({ caseId: gone.id, kind: 'checkpoint_mismatch' }));
    // Covering the tracks by editing the stored checkpoint breaks its root against the kept file.
    await t.db.transaction((em) => em.query(t.db.dialect === 'postgres' ? `UPDATE checkpoints SET leaves = '[]'::jsonb WHERE id = $1` : `UPDATE checkpoints SET leaves = '[]' WHERE id = ?`, [kept.id]));
    const again = (await t.post('/api/audit/verify', USERS.auditor, { checkpoint: kept })).body;
    expect(again.problems).toContainEqual(expect.objectContaining({ caseId: '*', kind: 'checkpoint_mismatch', detail: expect.stringMatching(/kept root/) }));
  });

  it('takes a periodic checkpoint only when the last is older than ONEGATE_CHECKPOINT_HOURS', async () => {
    const { CheckpointsService } = await import('../src/audit/checkpoints.service.js');
    const svc = t.app.get(CheckpointsService);
    (t.config as { checkpointHours: number }).checkpointHours = 24;
    expect(await svc.checkpointIfDue()).toBeNull(); // one was just taken by the tests above
    (t.config as { checkpointHours: number }).checkpointHours = 1 / 3_600_000; // older than a millisecond
    await new Promise((r) => setTimeout(r, 5));
    expect(await svc.checkpointIfDue()).toMatchObject({ format: 'onegate-checkpoint/1' });
    (t.config as { checkpointHours: number }).checkpointHours = 0;
  });

  it('refuses a malformed checkpoint file, one altered, and one from another installation', async () => {
    const kept = (await t.post('/api/audit/checkpoints', USERS.auditor)).body;
    expectError(await t.post('/api/audit/verify', USERS.auditor, { checkpoint: { hello: 1 } }), 400, 'checkpoint');
    expectError(await t.post('/api/audit/verify', USERS.auditor, {}), 400, 'checkpoint');
    expectError(await t.post('/api/audit/verify', USERS.auditor, { checkpoint: { ...kept, root: '0'.repeat(64) } }), 400, 'signature');
    expectError(await t.post('/api/audit/verify', USERS.auditor, { checkpoint: { ...kept, installation: 'elsewhere' } }), 400, 'another installation');
    expectError(await t.get('/api/audit/verify?checkpoint=nope', USERS.auditor), 404);
  });
});
