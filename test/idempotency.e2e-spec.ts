import { TestApp, USERS } from './support/test-app.js';

describe('Idempotency-Key on mutating calls', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  const body = { title: 'KB beasiswa', instrument: 'kb', partner: { name: 'Politeknik Negeri Sriwijaya', category: 'third_party' } };

  it('gives the same response to the same key and body, and creates one case', async () => {
    const before = (await t.get('/api/cases', USERS.auditor)).body.total;
    const a = await t.post('/api/cases', USERS.proposer, body, { 'idempotency-key': 'create-1' });
    const b = await t.post('/api/cases', USERS.proposer, body, { 'idempotency-key': 'create-1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect((await t.get('/api/cases', USERS.auditor)).body.total).toBe(before + 1);
  });

  it('refuses the same key with a different body (422) and scopes keys per caller', async () => {
    await t.post('/api/cases', USERS.proposer, body, { 'idempotency-key': 'create-2' });
    const other = await t.post('/api/cases', USERS.proposer, { ...body, title: 'lain' }, { 'idempotency-key': 'create-2' });
    expect(other.status).toBe(422);
    expect(other.body.message).toMatch(/Idempotency-Key/);
    const otherUser = await t.post('/api/cases', USERS.proposer2, body, { 'idempotency-key': 'create-2' });
    expect(otherUser.status).toBe(201);
  });

  it('applies a task completion once when retried with its key', async () => {
    const c = await t.createCase();
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' }, { 'idempotency-key': 'submit-1' });
    const retry = await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' }, { 'idempotency-key': 'submit-1' });
    expect(retry.status).toBe(201);
    expect(retry.body.stage).toBe('administrative_check');
    const task = retry.body.openTasks[0];
    const first = await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision: 'approve' }, { 'idempotency-key': 'done-1' });
    const second = await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision: 'approve' }, { 'idempotency-key': 'done-1' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
    expect(history.map((e: any) => e.type)).toEqual(['CASE_CREATED', 'DOCUMENT_UPLOADED', 'DOCUMENT_UPLOADED', 'SUBMIT', 'TASK_COMPLETED']);
  });

  it('keeps nothing of a failed request, so the key may be retried', async () => {
    const bad = await t.post('/api/cases', USERS.proposer, { ...body, instrument: 'nk' }, { 'idempotency-key': 'retry-1' });
    expect(bad.status).toBe(400);
    const good = await t.post('/api/cases', USERS.proposer, { ...body, instrument: 'nk' }, { 'idempotency-key': 'retry-1' });
    expect(good.status).toBe(400);
    const fixed = await t.post('/api/cases', USERS.proposer, body, { 'idempotency-key': 'retry-1' });
    expect(fixed.status).toBe(201);
  });

  it('lets one of several simultaneous requests with one key run; the others replay or wait', async () => {
    const before = (await t.get('/api/cases', USERS.auditor)).body.total;
    const results = await Promise.all(Array.from({ length: 8 }, () => t.post('/api/cases', USERS.proposer, body, { 'idempotency-key': 'race-1' })));
    for (const r of results) expect([201, 409]).toContain(r.status);
    expect((await t.get('/api/cases', USERS.auditor)).body.total).toBe(before + 1);
  });
});
