import { createHash } from 'node:crypto';
import { IDEMPOTENCY } from '../src/database/entities.js';
import { DOCUMENT_STORE, type DocumentStore } from '../src/documents/document-store.js';
import { TestApp, USERS, samplePdf } from './support/test-app.js';

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
  describe('on a multipart upload, the key binds to the file', () => {
    const documentsOf = async (caseId: string) => (await t.get(`/api/cases/${caseId}/documents`, USERS.auditor)).body as { id: string; sha256: string; kind: string }[];
    const historyOf = async (caseId: string) => (await t.get(`/api/cases/${caseId}/history`, USERS.auditor)).body as { type: string }[];
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    /** The parts in the order given (the interceptor must not care about the order). */
    const uploadParts = async (caseId: string, key: string, parts: ({ kind: string } | { file: Buffer; name: string })[]) => {
      const boundary = '----idem';
      const body = Buffer.concat([
        ...parts.map((p) =>
          'kind' in p
            ? Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${p.kind}\r\n`)
            : Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${p.name}"\r\nContent-Type: application/pdf\r\n\r\n`), p.file, Buffer.from('\r\n')]),
        ),
        Buffer.from(`--${boundary}--\r\n`),
      ]);
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/cases/${caseId}/documents`,
        payload: body,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${await t.token(USERS.proposer)}`, 'idempotency-key': key },
      });
      return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers };
    };

    it('refuses the same key with a different file (422), keeping nothing of the second file', async () => {
      const c = await t.createCase({}, USERS.proposer, { documents: false });
      const first = samplePdf('first file');
      const second = samplePdf('second file');
      const a = await t.upload(c.id, USERS.proposer, 'kak', { bytes: first, name: 'kak.pdf' }, { 'idempotency-key': 'upload-1' });
      expect(a.status).toBe(201);
      const b = await t.upload(c.id, USERS.proposer, 'kak', { bytes: second, name: 'kak.pdf' }, { 'idempotency-key': 'upload-1' });
      expect(b.status).toBe(422);
      expect(b.body).toMatchObject({ statusCode: 422, code: 'IdempotencyKeyReused' });
      expect(b.headers['idempotent-replayed']).toBeUndefined();
      const docs = await documentsOf(c.id);
      expect(docs.map((d) => d.sha256)).toEqual([sha(first)]);
      expect((await historyOf(c.id)).filter((e) => e.type === 'DOCUMENT_UPLOADED')).toHaveLength(1);
      expect(await t.app.get<DocumentStore>(DOCUMENT_STORE as never).get(sha(second))).toBeNull();
      // Another kind or another file name with the same bytes is another request too.
      expect((await t.upload(c.id, USERS.proposer, 'other', { bytes: first, name: 'kak.pdf' }, { 'idempotency-key': 'upload-1' })).status).toBe(422);
      expect((await t.upload(c.id, USERS.proposer, 'kak', { bytes: first, name: 'renamed.pdf' }, { 'idempotency-key': 'upload-1' })).status).toBe(422);
      expect(await documentsOf(c.id)).toHaveLength(1);
    });

    it('replays the first answer to the same key and the same file, in whatever part order, writing nothing twice', async () => {
      const c = await t.createCase({}, USERS.proposer, { documents: false });
      const file = samplePdf('replayed file');
      const a = await uploadParts(c.id, 'upload-2', [{ kind: 'kak' }, { file, name: 'kak.pdf' }]);
      expect(a.status).toBe(201);
      const b = await uploadParts(c.id, 'upload-2', [{ file, name: 'kak.pdf' }, { kind: 'kak' }]);
      expect(b.status).toBe(201);
      expect(b.headers['idempotent-replayed']).toBe('true');
      expect(b.body).toEqual(a.body);
      expect(await documentsOf(c.id)).toHaveLength(1);
      expect((await historyOf(c.id)).filter((e) => e.type === 'DOCUMENT_UPLOADED')).toHaveLength(1);
    });

    it('keeps nothing of a refused upload, so its key may be used again with a fixed file', async () => {
      const c = await t.createCase({}, USERS.proposer, { documents: false });
      const bad = await t.upload(c.id, USERS.proposer, 'kak', { bytes: Buffer.from('not a document'), name: 'kak.pdf' }, { 'idempotency-key': 'upload-3' });
      expect(bad.status).toBe(415);
      const good = await t.upload(c.id, USERS.proposer, 'kak', { bytes: samplePdf('fixed'), name: 'kak.pdf' }, { 'idempotency-key': 'upload-3' });
      expect(good.status).toBe(201);
      expect(good.headers['idempotent-replayed']).toBeUndefined();
    });
  });

  it('ignores the key of an anonymous call (sign-in-as): no shared key space, no minted token kept', async () => {
    const signIn = () =>
      t.app.inject({ method: 'POST', url: '/api/auth/sign-in-as', payload: { userId: USERS.admin.id }, headers: { 'idempotency-key': 'anon-1' } });
    const [a, b] = [await signIn(), await signIn()];
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(await t.db.read((em) => em.countBy(IDEMPOTENCY, { key: 'anon-1' }))).toBe(0);
  });
});
