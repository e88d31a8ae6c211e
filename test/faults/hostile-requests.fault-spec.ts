import { SignJWT } from 'jose';
import type { Database } from '../../src/database/database.js';
import { USERS, samplePdf, type TestUser } from '../support/test-app.js';
import { digestTables } from './support/db-digest.js';
import { FAULT_SECRET, FaultEnv } from './support/fault-env.js';
import { HostileGenerator, operationsOf, type Fixture, type HostileRequest, type OpenApiDocument, type Operation } from './support/hostile.js';
import { call, isNetworkError, multipart, request } from './support/http-client.js';
import type { ServerProcess } from './support/server-process.js';

const REQUESTS = Number(process.env.FAULT_HOSTILE_REQUESTS ?? 10_000);
const SEED = Number(process.env.FAULT_SEED ?? 20261128);
const CONCURRENCY = 8;
const NO_ROLES: TestUser = { id: 'no-roles', name: 'Tanpa peran', roles: [] };

/**
 * 10,000 requests generated from the served OpenAPI document against the real server: every
 * operation, each request carrying a defect (bad auth, a role that may not, wrong types, hostile
 * strings, unknown fields, bodies that are not JSON …). None may get a 5xx, none of the defects may
 * be accepted, and afterwards every table holds exactly the rows it held before.
 */
describe('hostile requests generated from the OpenAPI document', () => {
  let env: FaultEnv;
  let api: ServerProcess;
  let db: Database | null = null;
  let passed = false;
  const ids = { case: '', task: '', document: '', checkpoint: '', user: USERS.proposer2.id, workflow: 'cooperation', version: '2' };

  beforeAll(async () => {
    env = await FaultEnv.create();
    console.log(`[faults] hostile requests on ${env.label}`);
    api = await env.server('api');
    await api.start();
    // A case in proposal (with its KAK), one at the administrative check, and a checkpoint: real ids to aim at.
    const as = (u: TestUser) => env.token(u);
    const newCase = async () => (await call(api.baseUrl, 'POST', '/api/cases', await as(USERS.proposer), { title: 'Sasaran uji', instrument: 'kb', partner: { name: 'Kabupaten Tebo', category: 'region' } })).body;
    const upload = async (caseId: string, kind: string) => {
      const form = multipart({ kind }, { name: `${kind}.pdf`, contentType: 'application/pdf', bytes: samplePdf(`${caseId} ${kind}`) });
      const res = await request(`${api.baseUrl}/api/cases/${caseId}/documents`, { method: 'POST', headers: { authorization: `Bearer ${await as(USERS.proposer)}`, 'content-type': form.contentType }, body: form.body });
      expect(res.status).toBe(201);
      return res.body;
    };
    const a = await newCase();
    ids.case = a.id;
    ids.document = (await upload(a.id, 'kak')).id;
    const b = await newCase();
    await upload(b.id, 'kak');
    await upload(b.id, 'draft_kb');
    const submitted = await call(api.baseUrl, 'POST', `/api/cases/${b.id}/events`, await as(USERS.proposer), { type: 'SUBMIT' });
    expect(submitted.body.stage).toBe('administrative_check');
    ids.task = submitted.body.openTasks[0].id;
    const checkpoint = await call(api.baseUrl, 'POST', '/api/audit/checkpoints', await as(USERS.auditor));
    expect(checkpoint.status).toBe(201);
    ids.checkpoint = checkpoint.body.id ?? checkpoint.body.checkpoint?.id;
    expect(ids.checkpoint).toEqual(expect.any(String));
    db = await env.openDatabase();
  });
  afterAll(async () => {
    await db?.close();
    await env?.cleanup(!passed);
  });

  it(`answers ${REQUESTS} hostile requests over every operation without a 5xx, refuses every defect, and writes nothing`, async () => {
    const doc = (await request<OpenApiDocument>(`${api.baseUrl}/api/docs/openapi.json`)).body;
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThanOrEqual(30);
    const fixture = await makeFixture(env, ops, api.baseUrl, ids);
    const generator = new HostileGenerator(api.baseUrl, fixture, SEED);
    const before = await digestTables(db!);

    // Generated strictly in order (deterministic for the seed), sent CONCURRENCY at a time.
    let next = 0;
    let generating: Promise<unknown> = Promise.resolve();
    const take = (): Promise<{ i: number; req: HostileRequest } | null> => {
      if (next >= REQUESTS) return Promise.resolve(null);
      const i = next++;
      const p = generating.then(async () => ({ i, req: await generator.next(ops[i % ops.length]!) }));
      generating = p.catch(() => undefined);
      return p;
    };
    const failures: string[] = [];
    const byStatus = new Map<number, number>();
    const byDefect = new Map<string, number>();
    const opsHit = new Set<string>();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let item = await take(); item; item = await take()) {
          const { i, req } = item;
          const sent = typeof req.body === 'string' ? ` body ${JSON.stringify(req.body.slice(0, 120))}` : '';
          const what = () => `#${i} ${req.method} ${req.url.slice(api.baseUrl.length, api.baseUrl.length + 160)} (${req.op.method} ${req.op.path}, defect ${req.defect})${sent}`;
          let status = 0;
          let text = '';
          // A server may close a connection after refusing a request (431, 413 before reading the body); a
          // request that raced that close on a kept-alive connection, or lost its answer while still writing
          // a large body, is sent again on a connection of its own.
          let lastError: unknown = null;
          for (let attempt = 0; attempt < 3 && !status; attempt++) {
            try {
              const res = await request(req.url, { method: req.method, headers: req.headers, body: req.body, timeoutMs: 30_000, fresh: attempt > 0 });
              status = res.status;
              text = res.text;
            } catch (err) {
              if (!isNetworkError(err)) throw err;
              lastError = err;
            }
          }
          if (!status) {
            const large = Buffer.byteLength(req.body ?? '') > 1024 * 1024;
            const alive = (await request(`${api.baseUrl}/api/health`, { fresh: true }).catch(() => null))?.status === 200;
            // Closing the connection on a body over the limit is a refusal too, if the server is still there.
            if (large && alive) {
              byStatus.set(0, (byStatus.get(0) ?? 0) + 1);
              continue;
            }
            failures.push(`${what()}: no answer (${(lastError as { code?: string }).code}; server ${alive ? 'alive' : 'down'})`);
            continue;
          }
          byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
          byDefect.set(req.defect, (byDefect.get(req.defect) ?? 0) + 1);
          opsHit.add(`${req.op.method} ${req.op.path}`);
          if (status >= 500) failures.push(`${what()}: ${status} ${text.slice(0, 200)}`);
          else if (req.mustRefuse && status < 400) failures.push(`${what()}: accepted with ${status}`);
          else if (req.expectStatus && status !== req.expectStatus) failures.push(`${what()}: ${status}, expected ${req.expectStatus}`);
          else if (status >= 400 && !contractShape(text, status)) failures.push(`${what()}: ${status} not in the contract's error shape: ${text.slice(0, 120)}`);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const counts = (m: Map<string | number, number>) => [...m].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([k, n]) => `${k}×${n}`).join(' ');
    console.log(`[faults] hostile (${env.backend}, seed ${SEED}): ${REQUESTS} requests over ${opsHit.size} operations in ${seconds.toFixed(1)} s; statuses ${counts(byStatus)}; defects ${counts(byDefect)}`);
    // Each kind of failure a few times, the rest counted: enough to fix from, short enough to read.
    const kinds = new Map<string, string[]>();
    for (const f of failures) {
      const kind = f.replace(/^#\d+ \S+ \S+ /, '').replace(/\) body .*$|: .*$/s, ')') + ': ' + (f.match(/: (\d{3}|no answer|accepted)/)?.[1] ?? '?');
      kinds.set(kind, [...(kinds.get(kind) ?? []), f]);
    }
    expect([...kinds].map(([kind, list]) => `${list.length}× ${kind}\n    e.g. ${list.slice(0, 2).join('\n    e.g. ')}`)).toEqual([]);
    expect(opsHit.size).toBe(ops.length);

    const after = await digestTables(db!);
    expect(after).toEqual(before);
    // Still serving, and the log and documents still verify.
    // A kept-alive connection the server closed after its last refusal may be handed out again: then once more, as in the loop.
    const auditor = await env.token(USERS.auditor);
    const verify = await call(api.baseUrl, 'GET', '/api/audit/verify', auditor).catch((err: unknown) => {
      if (!isNetworkError(err)) throw err;
      return call(api.baseUrl, 'GET', '/api/audit/verify', auditor);
    });
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
    expect(api.running).toBe(true);
    passed = true;
  });
});

/** `{statusCode, error, message}` with the status of the response (contract §7). */
function contractShape(text: string, status: number): boolean {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return body.statusCode === status && typeof body.error === 'string' && typeof body.message === 'string';
  } catch {
    return false;
  }
}

/** Real targets, right and wrong tokens, and a valid body per operation, for the generator. */
async function makeFixture(env: FaultEnv, ops: Operation[], baseUrl: string, ids: Fixture['ids']): Promise<Fixture> {
  // Operations the document marks secured that answer without a token (the published rules).
  const open = new Set<string>();
  for (const op of ops.filter((o) => o.secured && o.method === 'GET')) {
    const path = op.path.replace('{name}', ids.workflow).replace('{version}', ids.version).replace(/\{[^}]+\}/g, ids.case);
    if ((await request(baseUrl + path)).status !== 401) open.add(`${op.method} ${op.path}`);
  }
  const key = (op: Operation) => `${op.method} ${op.path}`;
  const owner = (op: Operation): TestUser => {
    if (op.path.startsWith('/api/users')) return USERS.admin;
    if (op.path.startsWith('/api/audit') || op.path.includes('/replay') || op.path.includes('/history') || op.path.startsWith('/api/documents')) return USERS.auditor;
    if (op.path.startsWith('/api/tasks')) return USERS.secretariat;
    if (op.path.startsWith('/api/cases') && op.method === 'GET' && op.path !== '/api/cases') return USERS.auditor;
    return USERS.proposer;
  };
  const others: Record<string, TestUser[]> = {
    'POST /api/cases': [USERS.auditor, USERS.dprd, USERS.mayor, USERS.legal, USERS.tkksd, NO_ROLES],
    'POST /api/cases/{id}/events': [USERS.auditor, USERS.dprd, USERS.tkksd, USERS.legal, USERS.mayor, USERS.reviewerA, USERS.chair, USERS.proposer2, NO_ROLES],
    'POST /api/cases/{id}/documents': [USERS.auditor, USERS.dprd, USERS.tkksd, USERS.reviewerA, USERS.chair, USERS.proposer2, NO_ROLES],
    'PUT /api/users/{id}': [USERS.auditor, USERS.secretariat, USERS.proposer, USERS.mayor, NO_ROLES],
  };
  const taskOthers = [USERS.auditor, USERS.dprd, USERS.legal, USERS.mayor, USERS.proposer, USERS.reviewerA, NO_ROLES];
  const auditOthers = [USERS.proposer, USERS.secretariat, USERS.mayor, USERS.admin, NO_ROLES];
  const bodies: Record<string, Record<string, unknown>> = {
    'POST /api/cases': { title: 'Kesepakatan uji', instrument: 'kb', partner: { name: 'Kabupaten Batang Hari', category: 'region' } },
    'POST /api/cases/{id}/events': { type: 'WITHDRAW', comment: 'ditarik' },
    'POST /api/tasks/{id}/complete': { decision: 'approve', comment: 'lengkap' },
    'POST /api/tasks/{id}/delegate': { userId: USERS.secretariat2.id },
    'POST /api/audit/verify': {},
    'PUT /api/users/{id}': { name: 'Pengguna uji', email: 'uji@jambikota.go.id', roles: ['proposer'] },
    'POST /api/auth/sign-in-as': { userId: USERS.proposer.id },
  };
  const sign = (claims: Record<string, unknown>, options: { secret?: string; exp?: string | number; alg?: string; sub?: string | null; nbf?: string } = {}) => {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt();
    if (options.sub !== null) jwt = jwt.setSubject(options.sub ?? USERS.admin.id);
    if (options.exp !== undefined) jwt = jwt.setExpirationTime(options.exp);
    if (options.nbf) jwt = jwt.setNotBefore(options.nbf);
    return jwt.sign(new TextEncoder().encode(options.secret ?? FAULT_SECRET));
  };
  const admin = { name: 'x', roles: ['admin', 'auditor', 'proposer', 'secretariat'] };
  const valid = await sign(admin, { exp: '1h' });
  const [header, payload] = valid.split('.');
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const badTokens: Record<string, string> = {
    none: '',
    emptyBearer: 'Bearer ',
    bearerOnly: 'Bearer',
    basic: 'Basic YWRtaW46YWRtaW4=',
    garbage: 'Bearer garbage',
    threeDots: 'Bearer a.b.c',
    wrongSecret: `Bearer ${await sign(admin, { exp: '1h', secret: 'not-the-secret-0123456789abcdef0123' })}`,
    expired: `Bearer ${await sign(admin, { exp: Math.floor(Date.now() / 1000) - 60 })}`,
    notYetValid: `Bearer ${await sign(admin, { exp: '2h', nbf: '1h' })}`,
    hs512: `Bearer ${await sign(admin, { exp: '1h', alg: 'HS512' })}`,
    algNone: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    unsigned: `Bearer ${header}.${payload}.`,
    tamperedPayload: `Bearer ${header}.${b64({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), roles: ['admin'], sub: 'root' })}.${valid.split('.')[2]}`,
    noSubject: `Bearer ${await sign(admin, { exp: '1h', sub: null })}`,
    emptySubject: `Bearer ${await sign(admin, { exp: '1h', sub: '' })}`,
    twoTokens: `Bearer ${valid} ${valid}`,
    otherScheme: `Token ${valid}`,
    huge: `Bearer ${'A'.repeat(4_000)}.${'B'.repeat(4_000)}.${'C'.repeat(100)}`,
    injection: `Bearer ' OR '1'='1`,
    traversal: 'Bearer ../../../../etc/passwd',
  };
  return {
    ids,
    badTokens,
    isPublic: (op) => open.has(key(op)),
    methodsOn: (path) => ops.filter((o) => o.path === path).map((o) => o.method),
    tokenFor: (op) => env.token(owner(op)),
    otherRoleToken: async (op, random) => {
      const list = others[key(op)] ?? (op.path.startsWith('/api/tasks') ? taskOthers : op.path.startsWith('/api/audit') ? auditOthers : [NO_ROLES]);
      return env.token(list[Math.floor(random * list.length)]!);
    },
    validBody: (op) => (bodies[key(op)] ? structuredClone(bodies[key(op)]!) : undefined),
  };
}
