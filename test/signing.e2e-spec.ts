import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { canonicalJson, sha256Hex } from '../src/common/canonical-json.js';
import type { SigningSettings } from '../src/config/app-config.js';
import { SIGNING_ATTEMPT } from '../src/database/entities.js';
import type { SigningAttemptRow } from '../src/database/rows.js';
import { DirectoryService } from '../src/directory/directory.service.js';
import { demoSignerFiles, makePkcs12 } from '../src/signing/pkcs12.js';
import { BsreStandIn } from './support/bsre-stand-in.js';
import { sampleDocx } from './support/sample-files.js';
import { TestApp, USERS, samplePdf, type Response, type TestUser } from './support/test-app.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const backend = onPostgres ? 'PostgreSQL' : 'embedded SQLite';
const NIK = '1571010101800001';

/** What the suites share: an app whose every log line, response and table row can be searched for a secret. */
class Harness {
  t!: TestApp;
  raw = '';
  readonly responses: string[] = [];

  async start(signing: SigningSettings): Promise<void> {
    const destination = new Writable({
      write: (chunk: Buffer, _e, done) => {
        this.raw += chunk.toString();
        done();
      },
    });
    this.t = await TestApp.start({ signing }, { log: { level: 'debug', destination } });
    await this.t.app.get(DirectoryService).put(USERS.mayor.id, { name: USERS.mayor.name, email: 'walikota@jambikota.go.id', roles: ['mayor'], nik: NIK });
  }

  async post(url: string, as: TestUser, body: unknown): Promise<Response> {
    const res = await this.t.post(url, as, body);
    this.responses.push(res.text);
    return res;
  }

  async get(url: string, as: TestUser): Promise<Response> {
    const res = await this.t.get(url, as);
    this.responses.push(res.text);
    return res;
  }

  /** A case at mayor_signature, its draft KB a PDF (`draft` to give other bytes). */
  async atSignature(draft?: { bytes: Buffer; name: string; contentType?: string }): Promise<{ id: string; taskId: string; version: number }> {
    const t = this.t;
    const c = await t.createCase({ validFrom: '2027-01-01', validUntil: '2031-12-31' });
    if (draft) expect((await t.upload(c.id, USERS.proposer, 'draft_kb', draft)).status).toBe(201);
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    for (const u of [USERS.secretariat, USERS.reviewerA, USERS.chair, USERS.legal]) expect((await t.decide(c.id, u, 'approve')).status).toBe(200);
    const now = (await t.get(`/api/cases/${c.id}`, USERS.mayor)).body;
    expect(now.stage).toBe('mayor_signature');
    return { id: c.id, taskId: now.openTasks[0].id, version: now.version };
  }

  sign(taskId: string, passphrase: string | undefined): Promise<Response> {
    return this.post(`/api/tasks/${taskId}/complete`, USERS.mayor, { decision: 'sign', ...(passphrase !== undefined ? { passphrase } : {}) });
  }

  /** The failure wrote nothing: same version and stage, the task open, no signed copy; and one attempt recorded. */
  async expectNothingWritten(c: { id: string; taskId: string; version: number }, reason: string): Promise<void> {
    const now = (await this.t.get(`/api/cases/${c.id}`, USERS.auditor)).body;
    expect(now).toMatchObject({ stage: 'mayor_signature', version: c.version });
    expect(now.openTasks.map((x: { id: string }) => x.id)).toEqual([c.taskId]);
    const docs = (await this.t.get(`/api/cases/${c.id}/documents`, USERS.auditor)).body as { kind: string }[];
    expect(docs.filter((d) => d.kind === 'signed')).toEqual([]);
    const attempts = await this.attempts(c.id);
    expect(attempts.at(-1)).toMatchObject({ taskId: c.taskId, userId: USERS.mayor.id, outcome: expect.stringMatching(/^(failed|refused)$/), reason, documentId: null });
  }

  attempts(caseId: string): Promise<SigningAttemptRow[]> {
    return this.t.db.read((em) => em.find<SigningAttemptRow>(SIGNING_ATTEMPT, { where: { caseId }, order: { attemptedAt: 'ASC' } }));
  }

  /** Every row of every table, as text (blobs as latin1). */
  async everyRow(): Promise<string> {
    const db = this.t.db;
    return db.read(async (em) => {
      const tables: { name: string }[] = onPostgres
        ? await em.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`)
        : await em.query(`SELECT name FROM sqlite_master WHERE type = 'table'`);
      const out: string[] = [];
      for (const { name } of tables) {
        const rows: Record<string, unknown>[] = await em.query(`SELECT * FROM "${name}"`);
        for (const r of rows) out.push(JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : v)));
      }
      return out.join('\n');
    });
  }

  /** The passphrase appears in no log line, no response and no table row. */
  async expectSecretNowhere(secret: string): Promise<void> {
    expect(this.raw.length).toBeGreaterThan(0);
    expect(this.raw).not.toContain(secret);
    for (const r of this.responses) expect(r).not.toContain(secret);
    const rows = await this.everyRow();
    expect(rows).toContain(USERS.mayor.id);
    expect(rows).not.toContain(secret);
  }

  async download(documentId: string): Promise<Buffer> {
    const res = await this.t.app.inject({ method: 'GET', url: `/api/documents/${documentId}/content`, headers: { authorization: `Bearer ${await this.t.token(USERS.auditor)}` } });
    expect(res.statusCode).toBe(200);
    return res.rawPayload;
  }
}

/** pdfsig (poppler), an independent verifier: exit 0 and the signature valid. */
function pdfsig(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'pdfsig-'));
  writeFileSync(join(dir, 'signed.pdf'), bytes);
  return execFileSync('pdfsig', [join(dir, 'signed.pdf')], { encoding: 'utf8' });
}

async function expectSigned(h: Harness, c: { id: string; taskId: string; version: number }, res: Response, signer: string): Promise<Buffer> {
  expect(res.status).toBe(200);
  expect(res.body.task).toMatchObject({ status: 'completed', decision: 'sign' });
  expect(res.body.case).toMatchObject({ stage: 'signed' });
  const docs = (await h.get(`/api/cases/${c.id}/documents`, USERS.auditor)).body as { id: string; kind: string; sha256: string; mediaType: string; uploadedBy: string }[];
  const signed = docs.filter((d) => d.kind === 'signed');
  expect(signed).toEqual([expect.objectContaining({ mediaType: 'application/pdf', uploadedBy: USERS.mayor.id })]);
  // Its hash is on the chain: the upload's event, then the decision that took it.
  const history = (await h.get(`/api/cases/${c.id}/history`, USERS.auditor)).body as { type: string; data: { document?: { sha256: string } } }[];
  expect(history.slice(-2).map((e) => e.type)).toEqual(['DOCUMENT_UPLOADED', 'TASK_COMPLETED']);
  expect(history.at(-2)!.data.document!.sha256).toBe(signed[0]!.sha256);
  const bytes = await h.download(signed[0]!.id);
  const out = pdfsig(bytes);
  expect(out).toMatch(/Signature Validation: Signature is Valid\./);
  expect(out).toMatch(/Total document signed/);
  const check = await h.get(`/api/documents/${signed[0]!.id}/verification`, USERS.auditor);
  expect(check.status).toBe(200);
  expect(check.body).toEqual({ valid: true, signer, signedAt: expect.any(String), issuer: expect.any(String) });
  expect((await h.attempts(c.id)).at(-1)).toMatchObject({ outcome: 'signed', reason: null, documentId: signed[0]!.id });
  return bytes;
}

describe(`electronic signature, local PAdES with the demo certificate (${backend})`, () => {
  const h = new Harness();
  const dataDir = mkdtempSync(join(tmpdir(), 'onegate-signing-'));
  let passphrase = '';
  beforeAll(async () => {
    await h.start({ mode: 'local', p12File: null, dataDir });
    passphrase = readFileSync(demoSignerFiles(dataDir).passphrase, 'utf8').trim();
  });
  afterAll(async () => {
    await h.t.stop();
  });

  it('makes a demo certificate on first start, and the mayor signs the latest draft with its passphrase: pdfsig validates the stored PDF', async () => {
    expect(passphrase.length).toBeGreaterThanOrEqual(10);
    const c = await h.atSignature();
    await expectSigned(h, c, await h.sign(c.taskId, passphrase), 'Wali Kota (demo onegate)');
  });

  it('refuses a wrong passphrase with 502 and the reason in both languages, writing nothing but the attempt', async () => {
    const c = await h.atSignature();
    const res = await h.sign(c.taskId, 'bukan-passphrase-nya');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'SigningFailed', reason: 'wrong_passphrase', reasonText: { id: expect.stringMatching(/^Passphrase salah/), en: expect.stringMatching(/^Wrong passphrase/) } });
    await h.expectNothingWritten(c, 'wrong_passphrase');
    const seen = await h.get(`/api/cases/${c.id}/signing-attempts`, USERS.auditor);
    expect(seen.body.items).toEqual([expect.objectContaining({ taskId: c.taskId, userId: USERS.mayor.id, backend: 'local', outcome: 'failed', reason: 'wrong_passphrase', attemptedAt: expect.any(String) })]);
    expect((await h.get(`/api/cases/${c.id}/signing-attempts`, USERS.proposer)).status).toBe(403);
    // An unknown case is no case, not an empty record (the hostile-request fault suite asks with odd ids).
    for (const id of [randomUUID(), 'İstanbul ß ﬃ', '-0']) expect((await h.get(`/api/cases/${encodeURIComponent(id)}/signing-attempts`, USERS.auditor)).status).toBe(404);
    await h.expectSecretNowhere('bukan-passphrase-nya');
  });

  it('asks for the passphrase (400 naming it) and refuses a draft that is not a PDF (409), signing nothing', async () => {
    const c = await h.atSignature();
    const none = await h.sign(c.taskId, undefined);
    expect(none.status).toBe(400);
    expect(none.body.field).toBe('passphrase');
    const docx = await h.atSignature({ bytes: sampleDocx(), name: 'draf.docx', contentType: 'application/octet-stream' });
    const refused = await h.sign(docx.taskId, passphrase);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'InvalidTransition', missingDocuments: ['draft_kb'] });
    expect((await h.t.get(`/api/cases/${docx.id}`, USERS.auditor)).body).toMatchObject({ stage: 'mayor_signature', version: docx.version });
  });

  it('refuses an expired certificate with 409 and its status, the task still open', async () => {
    const expiredFile = join(dataDir, 'expired.p12');
    const now = Date.now();
    writeFileSync(expiredFile, makePkcs12({ commonName: 'Wali Kota lama', passphrase: 'lama-sekali', notBefore: new Date(now - 800 * 86_400_000), notAfter: new Date(now - 86_400_000) }));
    await h.t.restart({ signing: { mode: 'local', p12File: expiredFile, dataDir } });
    try {
      const c = await h.atSignature();
      const res = await h.sign(c.taskId, 'lama-sekali');
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'SigningRefused', reason: 'certificate_expired', certificateStatus: 'EXPIRED', reasonText: { id: expect.stringContaining('kedaluwarsa') } });
      await h.expectNothingWritten(c, 'certificate_expired');
      await h.expectSecretNowhere('lama-sekali');
    } finally {
      await h.t.restart({ signing: { mode: 'local', p12File: null, dataDir } });
    }
  });

  it('never stores, logs or echoes the passphrase of a signature that went through', async () => {
    const c = await h.atSignature();
    expect((await h.sign(c.taskId, passphrase)).status).toBe(200);
    await h.expectSecretNowhere(passphrase);
  });

  it('with an Idempotency-Key: a failed attempt leaves the key free to retry, and the passphrase is not even hashed into its record', async () => {
    const c = await h.atSignature();
    const key = `sign-${c.id}`;
    const wrong = await h.t.post(`/api/tasks/${c.taskId}/complete`, USERS.mayor, { decision: 'sign', passphrase: 'keliru-lagi' }, { 'idempotency-key': key });
    expect(wrong.status).toBe(502);
    const right = await h.t.post(`/api/tasks/${c.taskId}/complete`, USERS.mayor, { decision: 'sign', passphrase }, { 'idempotency-key': key });
    expect(right.status).toBe(200);
    const replay = await h.t.post(`/api/tasks/${c.taskId}/complete`, USERS.mayor, { decision: 'sign', passphrase }, { 'idempotency-key': key });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const url = `/api/tasks/${c.taskId}/complete`;
    const hashedWith = sha256Hex(`POST ${url}\n${canonicalJson({ decision: 'sign', passphrase })}`);
    const rows = await h.everyRow();
    expect(rows).toContain(sha256Hex(`POST ${url}\n${canonicalJson({ decision: 'sign' })}`));
    expect(rows).not.toContain(hashedWith);
    await h.expectSecretNowhere(passphrase);
    await h.expectSecretNowhere('keliru-lagi');
  });

  it('says a scanned copy without a signature is not valid', async () => {
    const c = await h.t.createCase({}, USERS.proposer, { documents: false });
    const up = await h.t.upload(c.id, USERS.proposer, 'kak', { bytes: samplePdf('tanpa tanda tangan') });
    expect((await h.get(`/api/documents/${up.body.id}/verification`, USERS.auditor)).body).toEqual({ valid: false, signer: null, signedAt: null, issuer: null });
    expect((await h.get(`/api/documents/${up.body.id}/verification`, USERS.proposer2)).status).toBe(404);
  });
});

describe(`electronic signature through BSrE API v2 (stand-in; ${backend})`, () => {
  const h = new Harness();
  let bsre: BsreStandIn;
  const PASS = 'Rahasia#Walikota-2026';
  beforeAll(async () => {
    bsre = await BsreStandIn.start([{ nik: NIK, passphrase: PASS, status: 'ISSUE', name: 'Wali Kota Jambi' }]);
    await h.start({ mode: 'bsre', url: bsre.url, user: bsre.user, password: bsre.password, timeoutMs: 2500 });
  });
  afterAll(async () => {
    await h.t.stop();
    await bsre.stop();
  });
  beforeEach(() => {
    bsre.misbehave = null;
    bsre.signers[0]!.status = 'ISSUE';
  });

  it('checks the certificate is ISSUE, signs the draft at BSrE and stores what it returns; BSrE verifies it', async () => {
    const c = await h.atSignature();
    bsre.requests.length = 0;
    const res = await h.sign(c.taskId, PASS);
    expect(bsre.requests.map((r) => r.path)).toEqual(['/api/v2/user/check/status', '/api/v2/sign/pdf']);
    expect(bsre.requests[1]!.body).toMatchObject({ nik: NIK, passphrase: PASS, file: [expect.any(String)], signatureProperties: [expect.any(Object)] });
    await expectSigned(h, c, res, 'BSrE stand-in');
    expect(bsre.requests.at(-1)!.path).toBe('/api/v2/verify/pdf');
    await h.expectSecretNowhere(PASS);
  });

  it.each([
    ['EXPIRED', 'certificate_expired'],
    ['REVOKED', 'certificate_not_issued'],
  ])('refuses with 409 and the status when the certificate is %s', async (status, reason) => {
    const c = await h.atSignature();
    bsre.signers[0]!.status = status;
    bsre.requests.length = 0;
    const res = await h.sign(c.taskId, PASS);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'SigningRefused', reason, certificateStatus: status });
    expect(bsre.requests.map((r) => r.path)).toEqual(['/api/v2/user/check/status']);
    await h.expectNothingWritten(c, reason);
  });

  it('reads a wrong passphrase from BSrE\'s HTTP 200 {error} answer: 502, nothing written, the passphrase nowhere', async () => {
    const c = await h.atSignature();
    const res = await h.sign(c.taskId, 'Rahasia#Salah');
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'SigningFailed', reason: 'wrong_passphrase' });
    await h.expectNothingWritten(c, 'wrong_passphrase');
    expect((await h.attempts(c.id)).at(-1)!.detail).toBe('Passphrase anda salah');
    await h.expectSecretNowhere('Rahasia#Salah');
  });

  it.each([
    ['timeout', 'timeout'],
    ['http500', 'unavailable'],
    ['html', 'bad_answer'],
    ['not_pdf', 'not_pdf'],
  ] as const)('answers BSrE misbehaving (%s) with 502 %s, writing nothing but the attempt', async (misbehave, reason) => {
    const c = await h.atSignature();
    bsre.misbehave = misbehave;
    const res = await h.sign(c.taskId, PASS);
    bsre.misbehave = null;
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'SigningFailed', reason, reasonText: { id: expect.any(String), en: expect.any(String) } });
    await h.expectNothingWritten(c, reason);
    await h.expectSecretNowhere(PASS);
    // The task is still open: the same signature goes through once BSrE is back.
    expect((await h.sign(c.taskId, PASS)).status).toBe(200);
  });

  it('refuses a mayor without a NIK in the directory (409), asking BSrE nothing', async () => {
    const c = await h.atSignature();
    // The NIK is the directory's: set, refused when not 16 digits, and removed with null through the users API.
    const put = (nik: unknown) => h.t.request('PUT', `/api/users/${USERS.mayor.id}`, { as: USERS.admin, body: { name: USERS.mayor.name, email: 'walikota@jambikota.go.id', roles: ['mayor'], nik } });
    expect((await put('12345')).status).toBe(400);
    expect((await put(null)).body).toMatchObject({ id: USERS.mayor.id, nik: null });
    try {
      bsre.requests.length = 0;
      const res = await h.sign(c.taskId, PASS);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'SigningRefused', reason: 'no_nik' });
      expect(bsre.requests).toEqual([]);
      await h.expectNothingWritten(c, 'no_nik');
    } finally {
      await h.t.app.get(DirectoryService).put(USERS.mayor.id, { name: USERS.mayor.name, email: 'walikota@jambikota.go.id', roles: ['mayor'], nik: NIK });
    }
  });
});
