import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLOB, CASE_EVENT, DOCUMENT } from '../src/database/entities.js';
import { caseState, expectError } from './support/expectations.js';
import { DOCX_TYPES, sampleDocx, sampleHtml, sampleJpeg, sampleOdt, samplePng, sampleStreamedDocx, sampleXlsx, sampleZip, zip } from './support/sample-files.js';
import { TestApp, USERS, samplePdf } from './support/test-app.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

/** Contract §6 documents: versions per kind, each upload an event in the hash chain, bytes safe and provable. */
describe(`documents (${onPostgres ? 'bytes in PostgreSQL' : 'bytes under data/documents'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  const documentsOf = async (caseId: string) => (await t.get(`/api/cases/${caseId}/documents`, USERS.auditor)).body;
  const rows = (caseId: string) => t.db.read((em) => em.countBy(DOCUMENT, { caseId }));

  it("names a download by RFC 8187: filename* has only attr-chars (the apostrophe encoded) and decodes to the stored name", async () => {
    const c = await t.createCase({}, USERS.proposer, { documents: false });
    const up = await t.upload(c.id, USERS.proposer, 'kak', { bytes: samplePdf('nama'), name: "Perjanjian (Bank's & Pemkot) – Jambi*.pdf" });
    expect(up.status).toBe(201);
    const download = await t.app.inject({ method: 'GET', url: `/api/documents/${up.body.id}/content`, headers: { authorization: `Bearer ${await t.token(USERS.auditor)}` } });
    const value = /filename\*=UTF-8''([^;]*)$/.exec(String(download.headers['content-disposition']))?.[1];
    expect(value).toBeDefined();
    expect(value).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    expect(value).toContain('%27');
    expect(decodeURIComponent(value!)).toBe(up.body.name);
  });

  it('uploads, versions, lists and downloads the same bytes with a safe name and headers', async () => {
    const c = await t.createCase({}, USERS.proposer, { documents: false });
    const first = samplePdf('KAK versi 1');
    const up = await t.upload(c.id, USERS.proposer, 'kak', { bytes: first, name: '../../KAK <final>.pdf', contentType: 'text/plain' });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ kind: 'kak', version: 1, name: 'KAK final.pdf', mediaType: 'application/pdf', size: first.length, uploadedBy: USERS.proposer.id });
    const second = await t.upload(c.id, USERS.proposer, 'kak', { bytes: sampleDocx(), name: 'KAK v2.docx' });
    expect(second.body).toMatchObject({ kind: 'kak', version: 2, mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    const list = await documentsOf(c.id);
    expect(list.map((d: any) => `${d.kind} v${d.version}`)).toEqual(['kak v1', 'kak v2']);

    const download = await t.app.inject({ method: 'GET', url: `/api/documents/${up.body.id}/content`, headers: { authorization: `Bearer ${await t.token(USERS.auditor)}` } });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(first)).toBe(true);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="KAK final\.pdf"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');

    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
    expect(history.slice(1).map((e: any) => [e.type, e.data.document.kind, e.data.document.version, e.data.document.sha256])).toEqual([
      ['DOCUMENT_UPLOADED', 'kak', 1, up.body.sha256],
      ['DOCUMENT_UPLOADED', 'kak', 2, second.body.sha256],
    ]);
    // Another proposer may not see the case at all (contract §6): 404, as for an unknown case or document.
    expect((await t.get(`/api/cases/${c.id}/documents`, USERS.proposer2)).status).toBe(404);
    expect((await t.get(`/api/documents/${up.body.id}/content`, USERS.proposer2)).status).toBe(404);
    expect((await t.get(`/api/documents/00000000-0000-0000-0000-000000000000/content`, USERS.auditor)).status).toBe(404);
  });

  it.each([
    ['XLSX', sampleXlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['ODT', sampleOdt(), 'application/vnd.oasis.opendocument.text'],
    ['PNG', samplePng(), 'image/png'],
    ['JPEG', sampleJpeg(), 'image/jpeg'],
    ['a DOCX from a streaming zip writer (sizes in data descriptors)', sampleStreamedDocx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ])('accepts %s, typed from its content', async (_, bytes, mediaType) => {
    const c = await t.createCase({}, USERS.proposer, { documents: false });
    const up = await t.upload(c.id, USERS.proposer, 'other', { bytes, name: 'lampiran.bin', contentType: 'application/octet-stream' });
    expect(up.status).toBe(201);
    expect(up.body.mediaType).toBe(mediaType);
  });

  it('refuses SUBMIT until the KAK, the draft and (for a third party) the feasibility study are there', async () => {
    const c = await t.createCase({ instrument: 'pks', partner: { name: 'PT Bank Jambi', category: 'third_party' } }, USERS.proposer, { documents: false });
    const refused = await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    expectError(refused, 409, 'kak', 'feasibility_study', 'draft_pks');
    expect(refused.body.missingDocuments.sort()).toEqual(['draft_pks', 'feasibility_study', 'kak']);
    await t.upload(c.id, USERS.proposer, 'kak');
    await t.upload(c.id, USERS.proposer, 'draft_pks');
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).body.missingDocuments).toEqual(['feasibility_study']);
    await t.upload(c.id, USERS.proposer, 'feasibility_study');
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
  });

  it('signs only with a signed copy uploaded at the signature stage, and records the versions each decision saw', async () => {
    const c = await t.createCase();
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await t.decide(c.id, USERS.secretariat, 'approve');
    await t.decide(c.id, USERS.reviewerA, 'approve');
    await t.decide(c.id, USERS.chair, 'approve');
    // Bagian Hukum revises the draft during legal review: its decision is taken on version 2.
    expect((await t.upload(c.id, USERS.legal, 'draft_kb')).body.version).toBe(2);
    await t.decide(c.id, USERS.legal, 'approve');
    const noCopy = await t.decide(c.id, USERS.mayor, 'sign', {}, { signedCopy: false });
    expectError(noCopy, 409, 'signed');
    expect((await t.decide(c.id, USERS.mayor, 'sign')).status).toBe(200);
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
    const decisions = history.filter((e: any) => e.type === 'TASK_COMPLETED').map((e: any) => [e.data.stage, e.data.documents]);
    expect(decisions).toEqual([
      ['administrative_check', { kak: 1, draft_kb: 1 }],
      ['technical_review', { kak: 1, draft_kb: 1 }],
      ['tkksd_coordination', { kak: 1, draft_kb: 1 }],
      ['legal_review', { kak: 1, draft_kb: 2 }],
      ['mayor_signature', { kak: 1, draft_kb: 2, signed: 1 }],
    ]);
    // Signed: the procedure's uploads are over; an agreement in force takes only the register's papers (contract §10).
    expectError(await t.upload(c.id, USERS.mayor, 'signed'), 409, 'termination_letter, other');
  });

  describe('refusals leave nothing behind', () => {
    let c: any;
    beforeAll(async () => {
      c = await t.createCase({}, USERS.proposer, { documents: false });
    });

    async function refused(status: number, act: () => Promise<any>, ...named: string[]) {
      const before = await caseState(t, c.id);
      const docs = await rows(c.id);
      const res = await act();
      expectError(res, status, ...named);
      expect(await caseState(t, c.id)).toEqual(before);
      expect(await rows(c.id)).toBe(docs);
      return res;
    }

    it('refuses a disguised file (HTML or a plain zip named .pdf) with 415', async () => {
      await refused(415, () => t.upload(c.id, USERS.proposer, 'kak', { bytes: sampleHtml(), name: 'kak.pdf', contentType: 'application/pdf' }), 'file');
      await refused(415, () => t.upload(c.id, USERS.proposer, 'kak', { bytes: sampleZip(), name: 'kak.docx' }), 'file');
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(64)]);
      await refused(415, () => t.upload(c.id, USERS.proposer, 'kak', { bytes: exe, name: 'kak.pdf', contentType: 'application/pdf' }), 'file', 'not a PDF');
    });

    it('refuses polyglots and a zip bomb with 415, read from the whole container, and stores nothing', async () => {
      const polyglot = Buffer.concat([samplePdf('dua format'), zip([{ name: 'evil.html', content: '<script>alert(1)</script>' }])]);
      await refused(415, () => t.upload(c.id, USERS.proposer, 'kak', { bytes: polyglot, name: 'kak.pdf' }), 'file', 'PDF');
      await refused(415, () => t.upload(c.id, USERS.proposer, 'kak', { bytes: Buffer.concat([samplePng(), sampleDocx()]), name: 'kak.png' }), 'file', 'polyglot');
      // 1,700 entries of 64 KiB of zeros each: small on the wire, 106 MiB inflated, beyond the 100 MiB limit.
      const bomb = zip([{ name: '[Content_Types].xml', content: DOCX_TYPES }, ...Array.from({ length: 1_700 }, (_, i) => ({ name: `word/z${i}.xml`, content: '\0'.repeat(64 * 1024) }))]);
      await refused(415, () => t.upload(c.id, USERS.proposer, 'kak', { bytes: bomb, name: 'kak.docx' }), 'file', 'zip bomb');
      // The same bomb as a streaming writer writes it: no sizes in its local headers to trust or to skip by.
      const streamed = zip([{ name: '[Content_Types].xml', content: DOCX_TYPES }, ...Array.from({ length: 1_700 }, (_, i) => ({ name: `word/z${i}.xml`, content: '\0'.repeat(64 * 1024) }))], { streamed: true });
      await refused(415, () => t.upload(c.id, USERS.proposer, 'kak', { bytes: streamed, name: 'kak.docx' }), 'file', 'zip bomb');
      // And one posing as DOCX by its entries only, its [Content_Types].xml naming no document: not a DOCX at all.
      const posing = zip([{ name: '[Content_Types].xml', content: '<Types/>' }, { name: 'word/document.xml', content: '<w:document/>' }]);
      await refused(415, () => t.upload(c.id, USERS.proposer, 'kak', { bytes: posing, name: 'kak.docx' }), 'file', 'not a PDF, DOCX');
    });

    it('refuses a file over 20 MiB with 413', async () => {
      const big = Buffer.concat([samplePdf(), Buffer.alloc(20 * 1024 * 1024 + 10, 0x20)]);
      await refused(413, () => t.upload(c.id, USERS.proposer, 'kak', { bytes: big }), 'file');
    });

    it('refuses an empty file, a missing or unknown kind, a missing file and unknown fields with 400', async () => {
      await refused(400, () => t.upload(c.id, USERS.proposer, 'kak', { bytes: Buffer.alloc(0) }), 'file');
      await refused(400, () => t.upload(c.id, USERS.proposer, undefined), 'kind');
      await refused(400, () => t.upload(c.id, USERS.proposer, 'passport'), 'kind');
      await refused(400, () => t.upload(c.id, USERS.proposer, 'kak', null), 'file');
      await refused(400, () => t.upload(c.id, USERS.proposer, 'kak', { field: 'attachment' }), 'attachment');
    });

    it('refuses a JSON body with 415 and an unknown case with 404', async () => {
      await refused(415, () => t.post(`/api/cases/${c.id}/documents`, USERS.proposer, { kind: 'kak' }), 'multipart');
      expectError(await t.upload('00000000-0000-0000-0000-000000000000', USERS.proposer, 'kak'), 404);
    });

    it('refuses the wrong role (403), another proposer (404, as for an unknown case) and a kind the stage does not take (409)', async () => {
      await refused(403, () => t.upload(c.id, USERS.auditor, 'kak'));
      await refused(403, () => t.upload(c.id, USERS.legal, 'kak'));
      const other = await refused(404, () => t.upload(c.id, USERS.proposer2, 'kak'), c.id);
      expect(other.body.message).not.toContain(USERS.proposer.id);
      await refused(409, () => t.upload(c.id, USERS.proposer, 'signed'), 'signed');
      await refused(409, () => t.upload(c.id, USERS.secretariat, 'dprd_decision'));
    });

    it('refuses uploads to a withdrawn case', async () => {
      const w = await t.createCase({}, USERS.proposer, { documents: false });
      await t.post(`/api/cases/${w.id}/events`, USERS.proposer, { type: 'WITHDRAW' });
      expectError(await t.upload(w.id, USERS.proposer, 'kak'), 409, 'no uploads');
    });

    it('keeps no stray bytes after a refused upload', async () => {
      const blobs = onPostgres ? await t.db.read((em) => em.count(BLOB)) : countFiles(join(t.config.dataDir, 'documents'));
      await refused(403, () => t.upload(c.id, USERS.legal, 'kak', { bytes: samplePdf('never stored') }));
      expect(onPostgres ? await t.db.read((em) => em.count(BLOB)) : countFiles(join(t.config.dataDir, 'documents'))).toBe(blobs);
    });
  });

  it('replays an Idempotency-Key upload once', async () => {
    const c = await t.createCase({}, USERS.proposer, { documents: false });
    const a = await t.upload(c.id, USERS.proposer, 'kak', { bytes: samplePdf('idem') }, { 'idempotency-key': 'upload-1' });
    const b = await t.upload(c.id, USERS.proposer, 'kak', { bytes: samplePdf('idem') }, { 'idempotency-key': 'upload-1' });
    expect(a.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(await rows(c.id)).toBe(1);
  });

  it('lets audit/verify catch a document whose bytes were altered in storage', async () => {
    const c = await t.createCase({}, USERS.proposer, { documents: false });
    const up = await t.upload(c.id, USERS.proposer, 'kak', { bytes: samplePdf('to be tampered') });
    expect((await t.get(`/api/audit/verify?caseId=${c.id}`, USERS.auditor)).body.ok).toBe(true);
    const forged = samplePdf('tampered!');
    if (onPostgres) {
      await t.db.transaction((em) => em.update(BLOB, { sha256: up.body.sha256 }, { content: forged }));
    } else {
      const path = join(t.config.dataDir, 'documents', up.body.sha256.slice(0, 2), up.body.sha256);
      expect(existsSync(path)).toBe(true);
      writeFileSync(path, forged);
    }
    const v = (await t.get(`/api/audit/verify?caseId=${c.id}`, USERS.auditor)).body;
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([expect.objectContaining({ caseId: c.id, seq: up.body.eventSeq, kind: 'hash_mismatch', detail: expect.stringContaining('stored bytes') })]);
    // The event that recorded the upload still holds the original hash.
    const event = await t.db.read((em) => em.findOneByOrFail<{ data: any }>(CASE_EVENT, { caseId: c.id, seq: up.body.eventSeq } as never));
    expect(event.data.document.sha256).toBe(up.body.sha256);
  });

  it('lets audit/verify catch a document whose bytes are gone from storage, and a shared content hashed once stays shared', async () => {
    const shared = samplePdf('same bytes in two cases');
    const a = await t.createCase({}, USERS.proposer, { documents: false });
    const b = await t.createCase({}, USERS.proposer, { documents: false });
    const upA = await t.upload(a.id, USERS.proposer, 'kak', { bytes: shared });
    const upB = await t.upload(b.id, USERS.proposer, 'kak', { bytes: shared });
    const lonely = await t.upload(b.id, USERS.proposer, 'draft_kb', { bytes: samplePdf('only here') });
    expect(upA.body.sha256).toBe(upB.body.sha256);
    if (onPostgres) {
      await t.db.transaction((em) => em.delete(BLOB, { sha256: lonely.body.sha256 }));
    } else {
      rmSync(join(t.config.dataDir, 'documents', lonely.body.sha256.slice(0, 2), lonely.body.sha256));
    }
    const all = (await t.get('/api/audit/verify', USERS.auditor)).body;
    const mine = all.problems.filter((p: any) => p.caseId === a.id || p.caseId === b.id);
    expect(mine).toEqual([expect.objectContaining({ caseId: b.id, seq: lonely.body.eventSeq, kind: 'hash_mismatch', detail: expect.stringContaining('bytes missing from storage') })]);
  });
});

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}
