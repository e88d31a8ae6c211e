import { expectError } from './support/expectations.js';
import { signedCase } from './support/agreements.js';
import { TestApp, USERS, type TestUser } from './support/test-app.js';

/** A case's discussion (issue 19): comments per document and on the case, each a COMMENTED event on its chain. */
describe('the discussion of a case', () => {
  let t: TestApp;
  let c: any;
  let docs: any[];

  const comment = (id: string, as: TestUser | undefined, body: unknown) => t.post(`/api/cases/${id}/comments`, as, body);
  const comments = async (id: string, as: TestUser = USERS.auditor) => {
    const res = await t.get(`/api/cases/${id}/comments`, as);
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };

  beforeAll(async () => {
    t = await TestApp.start();
    c = await t.createCase({ title: 'PKS pengelolaan sampah' });
    docs = (await t.get(`/api/cases/${c.id}/documents`, USERS.proposer)).body;
    const submit = await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    expect(submit.status).toBe(201);
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('takes comments of reviewers and the proposer, on a document or on the case, and lists them oldest first', async () => {
    const kak = docs.find((d) => d.kind === 'kak');
    expect(kak).toBeDefined();
    const first = await comment(c.id, USERS.secretariat, { body: '  Pasal 4 KAK perlu menyebut sumber dana.  ', documentId: kak.id });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      author: { id: USERS.secretariat.id, name: USERS.secretariat.name, role: 'secretariat' },
      body: 'Pasal 4 KAK perlu menyebut sumber dana.',
      documentId: kak.id,
      createdAt: expect.any(String),
    });
    const reply = await comment(c.id, USERS.proposer, { body: 'Sudah kami tambahkan: APBD 2027.', documentId: kak.id });
    expect(reply.status).toBe(201);
    expect(reply.body.author).toEqual({ id: USERS.proposer.id, name: USERS.proposer.name, role: 'proposer' });
    const general = await comment(c.id, USERS.reviewerA, { body: 'Secara umum layak.' });
    expect(general.status).toBe(201);
    expect(general.body.documentId).toBeNull();
    for (const u of [USERS.chair, USERS.tkksd, USERS.legal, USERS.dprd, USERS.mayor]) {
      expect([u.id, (await comment(c.id, u, { body: `Catatan dari ${u.name}` })).status]).toEqual([u.id, 201]);
    }

    const items = await comments(c.id, USERS.proposer);
    expect(items.slice(0, 3).map((x) => [x.author.id, x.documentId, x.body])).toEqual([
      [USERS.secretariat.id, kak.id, 'Pasal 4 KAK perlu menyebut sumber dana.'],
      [USERS.proposer.id, kak.id, 'Sudah kami tambahkan: APBD 2027.'],
      [USERS.reviewerA.id, null, 'Secara umum layak.'],
    ]);
    expect(items).toHaveLength(8);
    expect(items[0]).toEqual(first.body);
    expect(items.filter((x) => x.documentId === kak.id)).toHaveLength(2);
  });

  it('records each comment as a COMMENTED event on the chain that does not move the case; replay and verify still pass', async () => {
    const before = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body;
    const res = await comment(c.id, USERS.secretariat, { body: 'Satu lagi.' });
    expect(res.status).toBe(201);
    const after = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body;
    expect(after.stage).toBe(before.stage);
    expect(after.version).toBe(before.version + 1);
    expect(after.openTasks.map((x: any) => x.id)).toEqual(before.openTasks.map((x: any) => x.id));
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body as any[];
    const last = history[history.length - 1];
    expect(last).toEqual(expect.objectContaining({ type: 'COMMENTED', stageBefore: before.stage, stageAfter: before.stage }));
    expect(last.data).toEqual({ id: res.body.id, body: 'Satu lagi.', documentId: null });
    expect(history.filter((e) => e.type === 'COMMENTED')).toHaveLength(9);
    const verify = await t.get(`/api/audit/verify?caseId=${c.id}`, USERS.auditor);
    expect(verify.body).toMatchObject({ ok: true, eventsChecked: history.length });
    const replay = await t.get(`/api/cases/${c.id}/replay?seq=${after.version}`, USERS.auditor);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ seq: after.version, stage: before.stage, matchesStored: true });
  });

  it('refuses the auditor and the admin (403), another proposer (404, as the case is not theirs to see), and no token (401)', async () => {
    expectError(await comment(c.id, USERS.auditor, { body: 'Saya hanya membaca.' }), 403, 'discussion');
    expectError(await comment(c.id, USERS.admin, { body: 'Admin.' }), 403);
    expectError(await comment(c.id, USERS.proposer2, { body: 'Bukan berkas saya.' }), 404);
    expectError(await t.get(`/api/cases/${c.id}/comments`, USERS.proposer2), 404);
    expect((await comment(c.id, undefined, { body: 'Siapa?' })).status).toBe(401);
    expectError(await t.get(`/api/cases/00000000-0000-4000-8000-000000000000/comments`, USERS.auditor), 404);
    // The auditor, a bystanding desk and the admin read it: who may see the case reads its discussion.
    for (const u of [USERS.auditor, USERS.admin, USERS.reviewerB]) expect((await t.get(`/api/cases/${c.id}/comments`, u)).status).toBe(200);
  });

  it('refuses a blank, too long or hostile body with a 400 naming body, and writes nothing', async () => {
    const count = (await comments(c.id)).length;
    const version = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.version;
    for (const body of [{}, { body: '' }, { body: '   ' }, { body: '\u00a0\u200b' }, { body: 42 }, { body: 'x'.repeat(5001) }, { body: 'ada\u0000nul' }, { body: 'lone \ud800' }]) {
      expectError(await comment(c.id, USERS.secretariat, body), 400, 'body');
    }
    expectError(await comment(c.id, USERS.secretariat, { body: 'ok', extra: 1 }), 400, 'extra');
    expect((await comment(c.id, USERS.secretariat, { body: 'y'.repeat(5000) })).status).toBe(201);
    expect(await comments(c.id)).toHaveLength(count + 1);
    expect((await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.version).toBe(version + 1);
    // Markup is kept as text, never taken as HTML.
    const html = await comment(c.id, USERS.secretariat, { body: '<img src=x onerror=alert(1)>' });
    expect(html.status).toBe(201);
    expect(html.body.body).toBe('<img src=x onerror=alert(1)>');
  });

  it("refuses a documentId that is not one of this case's documents (400 naming documentId)", async () => {
    const other = await t.createCase({ title: 'Berkas lain' });
    const foreign = (await t.get(`/api/cases/${other.id}/documents`, USERS.proposer)).body[0];
    expectError(await comment(c.id, USERS.secretariat, { body: 'Dokumen siapa?', documentId: foreign.id }), 400, 'documentId');
    expectError(await comment(c.id, USERS.secretariat, { body: 'Dokumen siapa?', documentId: '00000000-0000-4000-8000-000000000000' }), 400, 'documentId');
    expectError(await comment(c.id, USERS.secretariat, { body: 'Dokumen siapa?', documentId: 'not-an-id' }), 400, 'documentId');
    // The other case's own thread takes it.
    expect((await comment(other.id, USERS.proposer, { body: 'Draf ini masih sementara.', documentId: foreign.id })).status).toBe(201);
    expect((await comments(other.id)).map((x) => x.documentId)).toEqual([foreign.id]);
  });

  it('answers a stale expectedVersion with 409', async () => {
    const version = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.version;
    expectError(await comment(c.id, USERS.secretariat, { body: 'Lama.', expectedVersion: version - 1 }), 409, 'expectedVersion');
    expect((await comment(c.id, USERS.secretariat, { body: 'Baru.', expectedVersion: version })).status).toBe(201);
  });

  it('takes comments sent at once, each its own event on an unbroken chain', async () => {
    const before = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.version;
    const sent = await Promise.all([USERS.secretariat, USERS.reviewerA, USERS.legal, USERS.proposer, USERS.mayor].map((u, i) => comment(c.id, u, { body: `Serentak ${i}` })));
    expect(sent.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect((await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.version).toBe(before + 5);
    expect((await comments(c.id)).filter((x) => x.body.startsWith('Serentak')).map((x) => x.body).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `Serentak ${i}`));
    expect((await t.get(`/api/audit/verify?caseId=${c.id}`, USERS.auditor)).body).toMatchObject({ ok: true });
  });

  it('closes the discussion of an ended case (409) but still shows it; a signed agreement still takes comments', async () => {
    const w = await t.createCase({ title: 'Berkas yang ditarik' });
    expect((await comment(w.id, USERS.proposer, { body: 'Sebelum ditarik.' })).status).toBe(201);
    expect((await t.post(`/api/cases/${w.id}/events`, USERS.proposer, { type: 'WITHDRAW' })).status).toBe(201);
    expectError(await comment(w.id, USERS.proposer, { body: 'Sesudah ditarik.' }), 409, 'ended');
    expectError(await comment(w.id, USERS.secretariat, { body: 'Sesudah ditarik.' }), 409);
    expect((await comments(w.id)).map((x) => x.body)).toEqual(['Sebelum ditarik.']);

    const signed = await signedCase(t, { title: 'PKS yang ditandatangani', instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' } });
    expect((await comment(signed.id, USERS.secretariat, { body: 'Arsip lengkap.' })).status).toBe(201);
    expect((await t.get(`/api/audit/verify?caseId=${signed.id}`, USERS.auditor)).body).toMatchObject({ ok: true });
  });
});
