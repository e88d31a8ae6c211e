import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { Database } from '../../src/database/database.js';
import { DOCUMENT } from '../../src/database/entities.js';
import type { DocumentRow } from '../../src/database/rows.js';
import { sampleDocx, sampleHtml, zip, zipOfZeros } from '../support/sample-files.js';
import { USERS, samplePdf, type TestUser } from '../support/test-app.js';
import { FAULT_SECRET, FaultEnv } from './support/fault-env.js';
import { call, multipart, request, type HttpResponse, type RequestOptions } from './support/http-client.js';
import { checkIntegrity } from './support/integrity.js';
import type { ServerProcess } from './support/server-process.js';

const MAX_ERROR_BODY = 16 * 1024;

/**
 * The red team's findings of issue 15, each replayed as hostile requests against the real built
 * server in production mode (and, where the finding is about the sign-in picker, a non-production
 * one): identity, hostile input, contention, idempotency, production settings and the lows. Every
 * answer is tallied: requests tried, 5xx seen (goal 0), forbidden requests allowed (goal 0), data
 * lost (goal 0); the README keeps the figures.
 */
describe('the edges: identity, hostile input, contention (issue 15)', () => {
  let env: FaultEnv;
  let prod: ServerProcess;
  let dev: ServerProcess;
  let db: Database | null = null;
  let passed = false;
  const tally = { requests: 0, status5xx: [] as string[], allowed: [] as string[], lost: [] as string[], wrong: [] as string[] };
  /** A user only this scenario changes (roles removed, deactivated). */
  const changing: TestUser = { id: 'edge-auditor', name: 'Auditor berubah', roles: ['auditor'] };

  /** Sends one request and tallies it; `check` returns what is wrong with the answer, or null. */
  async function send(label: string, base: ServerProcess, path: string, options: RequestOptions, check: (res: HttpResponse) => string | null, kind: 'refusal' | 'answer' = 'refusal'): Promise<HttpResponse> {
    tally.requests++;
    const res = await request(base.baseUrl + path, { timeoutMs: 60_000, ...options });
    if (res.status >= 500) tally.status5xx.push(`${label}: ${res.status} ${res.text.slice(0, 200)}`);
    else if (kind === 'refusal' && res.status < 400) tally.allowed.push(`${label}: accepted with ${res.status}`);
    const problem = check(res);
    if (problem) tally.wrong.push(`${label}: ${problem} (got ${res.status} ${res.text.slice(0, 160)})`);
    if (res.status >= 400 && Buffer.byteLength(res.text) > MAX_ERROR_BODY) tally.wrong.push(`${label}: error body of ${Buffer.byteLength(res.text)} bytes (cap ${MAX_ERROR_BODY})`);
    return res;
  }
  const json = (body: unknown, token?: string, headers: Record<string, string> = {}): RequestOptions => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const bearer = (token: string, method = 'GET'): RequestOptions => ({ method, headers: { authorization: `Bearer ${token}` } });
  const status = (...allowed: number[]) => (res: HttpResponse) => (allowed.includes(res.status) ? null : `expected ${allowed.join(' or ')}`);
  const naming = (field: string, code = 400) => (res: HttpResponse) =>
    res.status !== code ? `expected ${code}` : typeof res.body?.message === 'string' && res.body.message.includes(field) ? null : `message does not name ${field}`;
  const token = (user: TestUser, options: { roles?: string[]; expiresIn?: string } = {}) => env.token(user, options);
  const sign = (claims: Record<string, unknown>, sub: string | null, exp: string | number | null) => {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
    if (sub !== null) jwt = jwt.setSubject(sub);
    if (exp !== null) jwt = jwt.setExpirationTime(exp);
    return jwt.sign(new TextEncoder().encode(FAULT_SECRET));
  };
  const upload = (caseId: string, as: string, kind: string, file: { name: string; bytes: Buffer; contentType?: string }, headers: Record<string, string> = {}) => {
    const form = multipart({ kind }, { name: file.name, contentType: file.contentType ?? 'application/pdf', bytes: file.bytes });
    return { method: 'POST', headers: { authorization: `Bearer ${as}`, 'content-type': form.contentType, ...headers }, body: form.body } satisfies RequestOptions;
  };
  const documentsOf = (caseId: string) => db!.read((em) => em.find<DocumentRow>(DOCUMENT, { where: { caseId }, order: { kind: 'ASC', version: 'ASC' } }));

  beforeAll(async () => {
    env = await FaultEnv.create();
    env.extraUsers.push(changing);
    console.log(`[faults] edges on ${env.label}`);
    prod = await env.server('production', { NODE_ENV: 'production', PUBLIC_URL: 'https://kerjasama.jambikota.go.id', ONEGATE_DEMO_USERS: 'true' });
    await prod.start();
    dev = await env.server('development', { ONEGATE_SIGN_IN_RATE_LIMIT: '20' });
    await dev.start();
    db = await env.openDatabase();
  });
  afterAll(async () => {
    await db?.close();
    await env?.cleanup(!passed);
  });

  async function newCase(as: TestUser = USERS.proposer, title = 'Kerja sama uji tepi'): Promise<{ id: string; number: string }> {
    const res = await call(prod.baseUrl, 'POST', '/api/cases', await token(as), { title, instrument: 'kb', partner: { name: 'Kabupaten Tebo', category: 'region' } });
    tally.requests++;
    expect(res.status).toBe(201);
    return res.body;
  }

  it('1. an anonymous body of 60,000 unknown fields is refused at once, in a small answer', async () => {
    const fields = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`f${i}`, i]));
    // Production refuses the picker before reading the body; elsewhere the first unknown field is named.
    await send('sign-in-as, 60,000 fields, production', prod, '/api/auth/sign-in-as', json({ userId: USERS.admin.id, ...fields }), status(403, 404));
    await send('sign-in-as, 60,000 fields, development', dev, '/api/auth/sign-in-as', json({ userId: USERS.admin.id, ...fields }), naming('body'));
    await send('a case with 60,000 unknown fields', prod, '/api/cases', json({ title: 'x', instrument: 'kb', partner: { name: 'x', category: 'region' }, ...fields }, await token(USERS.proposer)), status(400, 413));
    // The server still answers.
    await send('health after', prod, '/api/health', {}, status(200), 'answer');
  });

  it('2. thirty concurrent uploads to one case: 201, 409 or 503 with Retry-After, never a 500, nothing half-written', async () => {
    const c = await newCase();
    const as = await token(USERS.proposer);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        send(`concurrent upload #${i}`, prod, `/api/cases/${c.id}/documents`, upload(c.id, as, 'kak', { name: `kak-${i}.pdf`, bytes: samplePdf(`kak ${i}`) }), (res) =>
          res.status === 201 || res.status === 409 || (res.status === 503 && res.headers['retry-after']) ? null : 'expected 201, 409, or 503 with Retry-After',
          'answer',
        ),
      ),
    );
    const created = answers.filter((r) => r.status === 201).map((r) => r.body.sha256 as string);
    expect(created.length).toBeGreaterThan(0);
    const docs = await documentsOf(c.id);
    // Every 201 is there; every refusal left nothing.
    for (const sha of created) if (!docs.some((d) => d.sha256 === sha)) tally.lost.push(`upload ${sha} answered 201 but is not stored`);
    if (docs.length !== created.length) tally.lost.push(`${docs.length} documents stored for ${created.length} answers of 201`);
    expect(docs.map((d) => d.version)).toEqual(docs.map((_, i) => i + 1));
    // A conflict logged names this case, not another's.
    const conflicts = prod.lines.filter((l) => /conflict|concurrent/i.test(l) && /case/i.test(l));
    for (const line of conflicts) if (!line.includes(c.id) && !line.includes(c.number)) tally.wrong.push(`conflict log names another case: ${line.slice(0, 200)}`);
  });

  it('3. lone surrogates, malformed subjects and blank titles are 4xx naming the field', async () => {
    const as = await token(USERS.proposer);
    const body = (title: string) => `{"title":${title},"instrument":"kb","partner":{"name":"Kabupaten Tebo","category":"region"}}`;
    await send('lone high surrogate in a value', prod, '/api/cases', json(body('"\\ud800"'), as), naming('title'));
    await send('lone low surrogate in a value', prod, '/api/cases', json(body('"ab\\udfffcd"'), as), naming('title'));
    await send('lone surrogate in a key', prod, '/api/cases', json(`{"title":"x","\\ud800":1,"instrument":"kb","partner":{"name":"x","category":"region"}}`, as), status(400));
    for (const [label, title] of [['spaces', '   '], ['zero-width spaces', '\u200b\u200b'], ['word joiner', '\u2060'], ['no-break spaces', '\u00a0\u00a0'], ['empty', '']]) {
      await send(`blank title (${label})`, prod, '/api/cases', json({ title, instrument: 'kb', partner: { name: 'Kabupaten Tebo', category: 'region' } }, as), naming('title'));
    }
    for (const [label, sub] of [['NUL', 'opd-1\u0000'], ['5,000 characters', 'a'.repeat(5_000)], ['a space', 'opd 1'], ['a slash', '../admin-1']]) {
      await send(`token sub with ${label}`, prod, '/api/cases', bearer(await sign({ roles: ['admin'] }, sub, '1h')), status(401));
    }
    await send('an id of 5,000 characters', prod, `/api/cases/${'a'.repeat(5_000)}`, bearer(await token(USERS.auditor)), status(400, 404, 414));
  });

  it('4. Idempotency-Key binds the uploaded file: another file under the same key is 422 and is not stored', async () => {
    const c = await newCase();
    const as = await token(USERS.proposer);
    const key = { 'idempotency-key': `edge-${c.id}` };
    const first = await send('upload A with key', prod, `/api/cases/${c.id}/documents`, upload(c.id, as, 'kak', { name: 'a.pdf', bytes: samplePdf('A') }, key), status(201), 'answer');
    await send('upload B with the same key', prod, `/api/cases/${c.id}/documents`, upload(c.id, as, 'kak', { name: 'b.pdf', bytes: samplePdf('B') }, key), status(422));
    await send('upload A again with the key', prod, `/api/cases/${c.id}/documents`, upload(c.id, as, 'kak', { name: 'a.pdf', bytes: samplePdf('A') }, key), (res) =>
      res.status === 201 && res.headers['idempotent-replayed'] === 'true' && res.body.id === first.body.id ? null : 'expected the first answer replayed',
      'answer',
    );
    await send('JSON: same key, other body', prod, `/api/cases/${c.id}/events`, json({ type: 'WITHDRAW', comment: 'satu' }, as, { 'idempotency-key': `edge-ev-${c.id}` }), status(201), 'answer');
    await send('JSON: same key, other body again', prod, `/api/cases/${c.id}/events`, json({ type: 'WITHDRAW', comment: 'dua' }, as, { 'idempotency-key': `edge-ev-${c.id}` }), status(422));
    const docs = await documentsOf(c.id);
    if (docs.length !== 1) tally.lost.push(`idempotent uploads stored ${docs.length} documents, expected 1`);
  });

  it('5. the directory is the source of truth: its roles, its active flag, its subjects; tokens need exp within AUTH_TOKEN_MAX_TTL', async () => {
    const admin = await token(USERS.admin);
    await send('proposer token claiming admin lists users', prod, '/api/users', bearer(await token(USERS.proposer, { roles: ['proposer', 'admin'] })), status(403));
    await send('proposer token claiming admin puts a user', prod, `/api/users/${USERS.proposer.id}`, { ...json({ name: 'x', email: 'x@jambikota.go.id', roles: ['admin'] }, await token(USERS.proposer, { roles: ['admin'] })), method: 'PUT' }, status(403));
    const auditorToken = await token(changing);
    await send('auditor verifies while an auditor', prod, '/api/audit/verify', bearer(auditorToken), status(200), 'answer');
    const put = (body: Record<string, unknown>) => ({ ...json({ name: changing.name, email: `${changing.id}@jambikota.go.id`, ...body }, admin), method: 'PUT' });
    await send('admin removes the auditor role', prod, `/api/users/${changing.id}`, put({ roles: ['proposer'] }), status(200), 'answer');
    await send('the same token after its role was removed', prod, '/api/audit/verify', bearer(auditorToken), status(403));
    await send('admin gives the role back and deactivates', prod, `/api/users/${changing.id}`, put({ roles: ['auditor'], active: false }), status(200), 'answer');
    await send('the same token after deactivation', prod, '/api/audit/verify', bearer(auditorToken), status(401));
    await send('a subject not in the directory', prod, '/api/cases', bearer(await sign({ roles: ['admin'] }, 'nobody-here', '1h')), status(401));
    await send('the reserved system subject', prod, '/api/cases', bearer(await sign({ roles: ['admin'] }, 'system', '1h')), status(401));
    await send('a token without exp', prod, '/api/cases', bearer(await sign({}, USERS.auditor.id, null)), status(401));
    await send('a token living 30 days (AUTH_TOKEN_MAX_TTL P1D)', prod, '/api/cases', bearer(await sign({}, USERS.auditor.id, '30d')), status(401));
    await send('a token living 2 hours', prod, '/api/cases', bearer(await sign({}, USERS.auditor.id, '2h')), status(200), 'answer');
  });

  it('6. production refuses a short secret and a missing PUBLIC_URL, creates no demo user, logs no token, and guards /metrics and /api/docs', async () => {
    for (const [variable, overrides] of [
      ['AUTH_JWT_SECRET', { NODE_ENV: 'production', PUBLIC_URL: 'https://x.go.id', AUTH_JWT_SECRET: 'x' }],
      ['PUBLIC_URL', { NODE_ENV: 'production' }],
    ] as const) {
      const s = await env.server(`refused-${variable}`, overrides);
      await expect(s.start(30_000)).rejects.toThrow(/exited during start/);
      const named = s.lines.filter((l) => l.includes(variable));
      if (named.length === 0) tally.wrong.push(`production start without a valid ${variable}: no line names it`);
    }
    // A first production start on an empty installation, ONEGATE_DEMO_USERS=true and no directory file:
    // still no demo user, no token in the log.
    const bare = await FaultEnv.create();
    try {
      const first = await bare.server('first-production-start', { NODE_ENV: 'production', PUBLIC_URL: 'https://kerjasama.jambikota.go.id', ONEGATE_DIRECTORY: '', ONEGATE_DEMO_USERS: 'true' });
      await first.start();
      const bareDb = await bare.openDatabase();
      const users = await bareDb.read((em) => em.query('SELECT id FROM users')) as { id: string }[];
      await bareDb.close();
      if (users.length > 0) tally.allowed.push(`production created ${users.length} demo users (${users.map((u) => u.id).join(', ')})`);
      for (const server of [first, prod]) {
        if (server.lines.some((l) => /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/.test(l))) tally.allowed.push(`${server.name} logged a token`);
      }
    } finally {
      await bare.cleanup(false);
    }
    for (const path of ['/metrics', '/api/docs', '/api/docs/openapi.json']) {
      await send(`${path} without a token`, prod, path, {}, status(401));
      await send(`${path} with a token`, prod, path, bearer(await token(USERS.auditor)), status(200), 'answer');
    }
    await send('the sign-in picker in production', prod, '/api/auth/sign-in-as', json({ userId: USERS.admin.id }), status(403, 404));
  });

  it('7. the lows: spreadsheet formulas, security headers, polyglots and zip bombs, filename*, a proposer’s view', async () => {
    // Cells a spreadsheet would read as formulas, with either separator.
    const c = await newCase(USERS.proposer, '=HYPERLINK("http://evil.example";"klik")');
    const withdrawn = await newCase(USERS.proposer, 'Uji;=1+1;@SUM(A1);-2+3;+4\t\r');
    await send('a comment made of formulas', prod, `/api/cases/${withdrawn.id}/events`, json({ type: 'WITHDRAW', comment: 'Ditarik;=1+1;@SUM(A1);-2+3;+cmd|calc' }, await token(USERS.proposer)), status(201), 'answer');
    const csv = await send('CSV export', prod, '/api/audit/export?format=csv', bearer(await token(USERS.auditor)), status(200), 'answer');
    for (const separator of [',', ';', '\t']) {
      for (const cell of parseCsv(csv.text, separator)) {
        if (/^[=+\-@\t\r]/.test(cell)) tally.wrong.push(`CSV read with "${separator === '\t' ? '\\t' : separator}" has a formula cell: ${JSON.stringify(cell.slice(0, 60))}`);
      }
    }
    // Security headers on the web app, its 404s and the API.
    for (const path of ['/', '/inbox', `/cases/${c.id}`, '/nowhere', '/api/health', '/api/cases']) {
      await send(`headers of ${path}`, prod, path, {}, (res) => {
        const csp = String(res.headers['content-security-policy'] ?? '');
        if (res.headers['x-content-type-options'] !== 'nosniff') return 'no nosniff';
        if (res.headers['x-frame-options'] !== 'DENY' && !csp.includes("frame-ancestors 'none'")) return 'no frame protection';
        if (!csp) return 'no Content-Security-Policy';
        if (/script-src[^;]*'unsafe-inline'/.test(csp)) return 'CSP allows inline script';
        return null;
      }, 'answer');
    }
    // Polyglots and bombs are refused whole, and nothing is stored.
    const as = await token(USERS.proposer);
    const before = (await documentsOf(c.id)).length;
    const refused: [string, Buffer][] = [
      ['a PDF with a zip appended', Buffer.concat([samplePdf('polyglot'), zip([{ name: 'evil.html', content: '<script>alert(1)</script>' }])])],
      ['a zip bomb dressed as DOCX', zipOfZeros(10, 64 * 1024 * 1024)],
      ['a DOCX without word/', zip([{ name: '[Content_Types].xml', content: '<Types/>' }, { name: 'evil/x.xml', content: '<x/>' }])],
      ['HTML', sampleHtml()],
      ['a zip with a ../ path', zip([{ name: '[Content_Types].xml', content: '<Types/>' }, { name: 'word/../../etc/passwd', content: 'x' }])],
    ];
    for (const [label, bytes] of refused) {
      await send(`upload of ${label}`, prod, `/api/cases/${c.id}/documents`, upload(c.id, as, 'kak', { name: 'dokumen.docx', bytes, contentType: 'application/octet-stream' }), status(415));
    }
    await send('upload of a real DOCX', prod, `/api/cases/${c.id}/documents`, upload(c.id, as, 'kak', { name: 'kak.docx', bytes: sampleDocx() }), status(201), 'answer');
    if ((await documentsOf(c.id)).length !== before + 1) tally.lost.push('refused uploads left documents behind, or the real one is missing');
    // RFC 8187: every character outside attr-char is percent-encoded, the apostrophe included.
    const name = 'Perjanjian (Bank\u2019s & Pemkot\'s) – Jambi.pdf';
    const doc = await send('upload with an apostrophe in its name', prod, `/api/cases/${c.id}/documents`, upload(c.id, as, 'draft_kb', { name, bytes: samplePdf('nama') }), status(201), 'answer');
    await send('download: filename*', prod, `/api/documents/${doc.body.id}/content`, bearer(await token(USERS.auditor)), (res) => {
      const value = /filename\*=UTF-8''([^;]*)/.exec(String(res.headers['content-disposition']))?.[1];
      if (value === undefined) return 'no filename*';
      if (!/^[A-Za-z0-9!#$&+\-.^_`|~%]*$/.test(value)) return `filename* has characters outside attr-char: ${value}`;
      return decodeURIComponent(value) === doc.body.name ? null : `filename* decodes to ${decodeURIComponent(value)}, not ${doc.body.name}`;
    }, 'answer');
    // A proposer sees only their own cases.
    const other = await token(USERS.proposer2);
    await send('another proposer reads the case', prod, `/api/cases/${c.id}`, bearer(other), status(404));
    await send('another proposer reads its history', prod, `/api/cases/${c.id}/history`, bearer(other), status(403, 404));
    await send('another proposer reads its documents', prod, `/api/cases/${c.id}/documents`, bearer(other), status(403, 404));
    await send('another proposer reads a document', prod, `/api/documents/${doc.body.id}/content`, bearer(other), status(403, 404));
    const list = await send('another proposer lists cases', prod, '/api/cases?q=HYPERLINK', bearer(other), status(200), 'answer');
    if (list.body.items?.some((x: { id: string }) => x.id === c.id)) tally.allowed.push('another proposer lists the case');
    // Sign-in is rate-limited (the development server: production has no picker).
    const statuses: HttpResponse[] = [];
    for (let i = 0; i < 40 && !statuses.some((r) => r.status === 429); i++) {
      statuses.push(await send(`sign-in #${i}`, dev, '/api/auth/sign-in-as', json({ userId: 'nobody-here' }), status(400, 429)));
    }
    const limited = statuses.find((r) => r.status === 429);
    if (!limited) tally.allowed.push('40 sign-ins from one address in a row were never limited');
    else if (!limited.headers['retry-after']) tally.wrong.push('429 without Retry-After');
  });

  it('keeps every case whole, and adds the figures up', async () => {
    const integrity = await checkIntegrity(db!, env.backend === 'sqlite' ? { documentsDir: join(env.dataDir, 'documents') } : {});
    tally.lost.push(...integrity.problems);
    console.log(
      `[faults] edges (${env.backend}): ${tally.requests} requests tried; 5xx seen ${tally.status5xx.length}; forbidden requests allowed ${tally.allowed.length}; data lost ${tally.lost.length}; other answers off the contract ${tally.wrong.length}`,
    );
    expect({ status5xx: tally.status5xx, allowed: tally.allowed, lost: tally.lost, wrong: tally.wrong }).toEqual({ status5xx: [], allowed: [], lost: [], wrong: [] });
    expect(prod.running && dev.running).toBe(true);
    passed = true;
  });
});

/** The cells of `text` as a spreadsheet reads it with `separator`: RFC 4180 quoting, any line ending. */
function parseCsv(text: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && atStart) {
      quoted = true;
      atStart = false;
    } else if (ch === separator || ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      cells.push(cell);
      cell = '';
      atStart = true;
      if (ch === '\r') i++;
    } else {
      cell += ch;
      atStart = false;
    }
  }
  if (cell) cells.push(cell);
  return cells;
}
