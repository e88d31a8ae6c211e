import { createHash } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TestApp, USERS, type Response } from './support/test-app.js';

/**
 * Many writers on one case at once: each request either wins (201) or is refused as contention
 * (409 "a concurrent write to the same case won", or 503 with Retry-After), never a 500, and a
 * refused request leaves nothing behind (no document row, no event, no stored bytes).
 */
describe('concurrent writes to one case', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ((acc[s] = (acc[s] ?? 0) + 1), acc), {});

  const pdf = (i: number, caseId: string) => Buffer.from(`%PDF-1.4\n% upload ${i} ${caseId}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);

  it('30 simultaneous uploads in one process: every one lands, versions 1 to 30', async () => {
    const c = await t.createCase({}, USERS.proposer, { documents: false });
    const files = Array.from({ length: 30 }, (_, i) => pdf(i, c.id));
    const results = await Promise.all(files.map((bytes) => t.upload(c.id, USERS.proposer, 'other', { bytes })));
    console.log(`[contention] 30 uploads to one case, one process, on ${t.config.database.kind}: ${JSON.stringify(tally(results.map((r) => r.status)))}`);
    await expectWhole(c.id, files, results);
  });

  it('30 simultaneous uploads through two processes on one database: 201, 409 or 503, never 500, nothing half-written', async () => {
    const c = await t.createCase({}, USERS.proposer, { documents: false });
    const sibling = await t.sibling();
    try {
      const files = Array.from({ length: 30 }, (_, i) => pdf(i, c.id));
      const results = await Promise.all(files.map((bytes, i) => (i % 2 ? uploadVia(sibling, c.id, bytes) : t.upload(c.id, USERS.proposer, 'other', { bytes }))));
      console.log(`[contention] 30 uploads to one case, two processes, on ${t.config.database.kind}: ${JSON.stringify(tally(results.map((r) => r.status)))}`);
      await expectWhole(c.id, files, results);
    } finally {
      await sibling.close();
    }
  });

  it('uploads and task completions racing on one case through two processes: never a 500, each applied once', async () => {
    const c = await t.createCase();
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    const admin = (await t.get(`/api/cases/${c.id}`, USERS.secretariat)).body.openTasks[0];
    await t.post(`/api/tasks/${admin.id}/complete`, USERS.secretariat, { decision: 'approve', reviewers: [USERS.reviewerA.id, USERS.reviewerB.id] });
    const [ta, tb] = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.openTasks.sort((x: any, y: any) => (x.assigneeId < y.assigneeId ? -1 : 1));
    const before = (await t.get(`/api/cases/${c.id}/documents`, USERS.auditor)).body.length;
    const completedBefore = ((await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body as { type: string }[]).filter((e) => e.type === 'TASK_COMPLETED').length;
    const sibling = await t.sibling();
    try {
      const via = async (i: number, url: string, as: (typeof USERS)[keyof typeof USERS], body: unknown): Promise<Response> => {
        if (i % 2 === 0) return t.post(url, as, body);
        const res = await sibling.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(as)}` } });
        return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers, text: res.body };
      };
      const results = await Promise.all([
        ...Array.from({ length: 8 }, (_, i) => via(i, `/api/tasks/${ta.id}/complete`, USERS.reviewerA, { decision: 'approve' })),
        ...Array.from({ length: 8 }, (_, i) => via(i, `/api/tasks/${tb.id}/complete`, USERS.reviewerB, { decision: 'approve' })),
        ...Array.from({ length: 14 }, (_, i) => (i % 2 ? uploadVia(sibling, c.id, pdf(100 + i, c.id), USERS.secretariat) : t.upload(c.id, USERS.secretariat, 'other', { bytes: pdf(100 + i, c.id) }))),
      ]);
      console.log(`[contention] 30 mixed writes to one case, two processes, on ${t.config.database.kind}: ${JSON.stringify(tally(results.map((r) => r.status)))}`);
      for (const r of results) expect([200, 201, 409, 503]).toContain(r.status);
      const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body as { type: string }[];
      const completions = results.slice(0, 16).filter((r) => r.status === 200);
      const uploads = results.slice(16).filter((r) => r.status === 201);
      expect(history.filter((e) => e.type === 'TASK_COMPLETED')).toHaveLength(completedBefore + completions.length);
      expect(completions.length).toBeLessThanOrEqual(2);
      expect((await t.get(`/api/cases/${c.id}/documents`, USERS.auditor)).body.length - before).toBe(uploads.length);
      expect((await t.get(`/api/audit/verify`, USERS.auditor)).body.ok).toBe(true);
    } finally {
      await sibling.close();
    }
  });

  it('uploads and case events (SUBMIT) racing on one case through two processes: never a 500, SUBMIT once', async () => {
    const c = await t.createCase();
    const sibling = await t.sibling();
    try {
      const submit = async (i: number): Promise<Response> => {
        if (i % 2 === 0) return t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
        const res = await sibling.inject({ method: 'POST', url: `/api/cases/${c.id}/events`, payload: '{"type":"SUBMIT"}', headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(USERS.proposer)}` } });
        return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers, text: res.body };
      };
      const results = await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => (i % 2 ? uploadVia(sibling, c.id, pdf(200 + i, c.id)) : t.upload(c.id, USERS.proposer, 'other', { bytes: pdf(200 + i, c.id) }))),
        ...Array.from({ length: 6 }, (_, i) => submit(i)),
      ]);
      console.log(`[contention] 20 uploads and 6 SUBMITs to one case, two processes, on ${t.config.database.kind}: ${JSON.stringify(tally(results.map((r) => r.status)))}`);
      // An upload that comes after the SUBMIT meets administrative_check, where only the secretariat uploads: 403.
      for (const r of results) expect([201, 403, 409, 503]).toContain(r.status);
      for (const r of results.filter((x) => x.status === 403)) expect(r.body.message).toMatch(/administrative_check/);
      const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body as { type: string }[];
      expect(history.filter((e) => e.type === 'SUBMIT')).toHaveLength(1);
      expect(results.slice(20).filter((r) => r.status === 201)).toHaveLength(1);
      const others = ((await t.get(`/api/cases/${c.id}/documents`, USERS.auditor)).body as { kind: string }[]).filter((d) => d.kind === 'other');
      expect(others).toHaveLength(results.slice(0, 20).filter((r) => r.status === 201).length);
      expect((await t.get(`/api/audit/verify`, USERS.auditor)).body.ok).toBe(true);
    } finally {
      await sibling.close();
    }
  });

  async function uploadVia(app: NestFastifyApplication, caseId: string, bytes: Buffer, as: (typeof USERS)[keyof typeof USERS] = USERS.proposer): Promise<Response> {
    const boundary = `----contention${Math.random().toString(16).slice(2)}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/documents`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${await t.token(as)}` },
      payload,
    });
    return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers, text: res.body };
  }

  /** Each answer is a win or a refusal of contention; each win has its row, event and bytes; each refusal left nothing. */
  async function expectWhole(caseId: string, files: Buffer[], results: Response[]): Promise<void> {
    const c = { id: caseId };
    for (const r of results) {
      expect([201, 409, 503]).toContain(r.status);
      if (r.status === 503) expect(r.headers['retry-after']).toBeDefined();
      if (r.status === 409) expect(r.body.message).toMatch(/concurrent/);
    }
    const docs = (await t.get(`/api/cases/${c.id}/documents`, USERS.auditor)).body as { id: string; sha256: string; version: number; eventSeq: number }[];
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body as { seq: number; type: string; data: { document?: { id: string } } }[];
    const won = results.filter((r) => r.status === 201);
    expect(docs).toHaveLength(won.length);
    expect(history.filter((e) => e.type === 'DOCUMENT_UPLOADED')).toHaveLength(won.length);
    // Versions 1..n without a gap; each document's event is in the chain.
    expect(docs.map((d) => d.version).sort((a, b) => a - b)).toEqual(won.map((_, i) => i + 1));
    for (const r of won) {
      const doc = docs.find((d) => d.id === r.body.id);
      expect(doc).toBeDefined();
      expect(history.find((e) => e.seq === doc!.eventSeq)?.data.document?.id).toBe(doc!.id);
      const content = await t.app.inject({ method: 'GET', url: `/api/documents/${doc!.id}/content`, headers: { authorization: `Bearer ${await t.token(USERS.auditor)}` } });
      expect(content.statusCode).toBe(200);
      expect(createHash('sha256').update(content.rawPayload).digest('hex')).toBe(doc!.sha256);
    }
    // The refused uploads' bytes were not kept (content-addressed: look each one up by its hash).
    const stored = new Set(docs.map((d) => d.sha256));
    for (const [i, bytes] of files.entries()) {
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (!stored.has(sha)) expect(await storedBytes(t, sha)).toBeNull();
      else expect(results[i]!.status).toBe(201);
    }
    expect((await t.get('/api/audit/verify', USERS.auditor)).body.ok).toBe(true);
  }
});

async function storedBytes(t: TestApp, sha256: string): Promise<Buffer | null> {
  const { DOCUMENT_STORE } = await import('../src/documents/document-store.js');
  const store = t.app.get<{ get(sha: string): Promise<Buffer | null> }>(DOCUMENT_STORE as never);
  return store.get(sha256);
}
