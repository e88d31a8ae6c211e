import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT, type JWTPayload } from 'jose';
import { LessThanOrEqual } from 'typeorm';
import { SettableClock } from '../src/common/clock.js';
import { zonedInstant } from '../src/common/time-zone.js';
import type { Database } from '../src/database/database.js';
import { TIMER } from '../src/database/entities.js';
import type { TimerRow } from '../src/database/rows.js';
import { TimerHandler } from '../src/deadlines/timer-handler.js';
import { DirectoryService } from '../src/directory/directory.service.js';
import { expectError } from './support/expectations.js';
import { startKeyServer, type KeyServer } from './support/key-server.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';
import { TEST_SECRET, TestApp, USERS, type Response, type TestUser } from './support/test-app.js';

const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'}, ${process.env.REDIS_URL ? 'BullMQ on Redis' : 'in-process queue'}`;
const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

/** An HS256 token with exactly these claims (no defaults: a test that wants `exp` says so). */
function localToken(claims: JWTPayload, secret = TEST_SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const lifetimeOf = (token: string) => {
  const { iat, exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
  return exp - iat;
};

async function injectJson(app: NestFastifyApplication, method: 'GET' | 'POST', url: string, headers: Record<string, string>): Promise<Response> {
  const res = await app.inject({ method, url, headers });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers, text: res.body };
}

/** Contract §3: the directory is the source of truth for who a local token's subject is, at each request. */
describe(`identity: the directory is the source of truth (${backend})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const me = (token: string) => t.request('GET', '/api/auth/me', { headers: bearer(token) });

  describe('a local (HS256) token acts with the directory’s roles, name and email, not its claims', () => {
    it('a proposer’s token claiming admin cannot administer, and /api/auth/me answers the directory’s roles', async () => {
      const forged = await t.token(USERS.proposer, { roles: ['admin', 'auditor'] });
      expectError(await t.request('GET', '/api/users', { headers: bearer(forged) }), 403, 'you have: proposer');
      expectError(await t.request('PUT', `/api/users/${USERS.proposer.id}`, { headers: bearer(forged), body: { name: 'x', email: 'x@jambikota.go.id', roles: ['admin'] } }), 403);
      expectError(await t.request('GET', '/api/audit/verify', { headers: bearer(forged) }), 403);
      const res = await me(forged);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: USERS.proposer.id, name: USERS.proposer.name, email: `${USERS.proposer.id}@jambikota.go.id`, roles: ['proposer'] });
      // Nothing changed in the directory.
      expect((await t.get('/api/users', USERS.admin)).body.items.find((u: any) => u.id === USERS.proposer.id).roles).toEqual(['proposer']);
    });

    it('takes name and email from the directory, whatever the token says', async () => {
      const token = await localToken({ sub: USERS.legal.id, name: 'Impostor', email: 'impostor@example.com', roles: ['legal'], iat: now(), exp: now() + HOUR });
      expect((await me(token)).body).toEqual({ id: USERS.legal.id, name: USERS.legal.name, email: `${USERS.legal.id}@jambikota.go.id`, roles: ['legal'] });
    });

    it('a role removed in the directory stops working on the next request with the same token, on every API process', async () => {
      const user: TestUser = { id: 'tt-removed', name: 'Tim Teknis (dipindah)', roles: ['technical_reviewer', 'auditor'] };
      await t.addUser(user);
      const token = await t.token(user);
      const sibling = await t.sibling();
      try {
        // Both processes have verified (and cached) the token and seen the role.
        expect((await t.request('GET', '/api/audit/verify', { headers: bearer(token) })).status).toBe(200);
        expect((await injectJson(sibling, 'GET', '/api/audit/verify', bearer(token))).status).toBe(200);
        const put = await t.request('PUT', `/api/users/${user.id}`, { as: USERS.admin, body: { name: user.name, email: `${user.id}@jambikota.go.id`, roles: ['technical_reviewer'] } });
        expect(put.status).toBe(200);
        expectError(await t.request('GET', '/api/audit/verify', { headers: bearer(token) }), 403);
        expectError(await injectJson(sibling, 'GET', '/api/audit/verify', bearer(token)), 403);
        expect((await injectJson(sibling, 'GET', '/api/auth/me', bearer(token))).body.roles).toEqual(['technical_reviewer']);
        // A role given takes effect as soon.
        await t.request('PUT', `/api/users/${user.id}`, { as: USERS.admin, body: { name: user.name, email: `${user.id}@jambikota.go.id`, roles: ['technical_reviewer', 'legal'] } });
        expect((await injectJson(sibling, 'GET', '/api/auth/me', bearer(token))).body.roles).toEqual(['technical_reviewer', 'legal']);
      } finally {
        await sibling.close();
      }
    });
  });

  describe('PUT /api/users/:id {active:false} deactivates', () => {
    const user: TestUser = { id: 'staf-keluar', name: 'Staf yang keluar', roles: ['secretariat'], supervisorId: 'sekda' };
    beforeAll(async () => {
      await t.addUser(user);
    });

    it('refuses the user’s next request with 401 saying so, keeps the rest of the user, and {active:true} lets them back', async () => {
      const token = await t.token(user);
      expect((await t.request('GET', '/api/tasks', { headers: bearer(token) })).status).toBe(200);
      const off = await t.request('PUT', `/api/users/${user.id}`, { as: USERS.admin, body: { active: false } });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ id: user.id, name: user.name, email: `${user.id}@jambikota.go.id`, roles: ['secretariat'], supervisorId: 'sekda', active: false });
      for (const url of ['/api/tasks', '/api/auth/me', '/api/cases']) expectError(await t.request('GET', url, { headers: bearer(token) }), 401, `the account ${user.id} is deactivated`);
      expectError(await t.request('GET', '/api/tasks', { headers: bearer(await t.token(user)) }), 401, 'deactivated');
      const listed = (await t.get('/api/users', USERS.admin)).body.items.find((u: any) => u.id === user.id);
      expect(listed).toMatchObject({ active: false, supervisorId: 'sekda' });
      // A full PUT without `active` keeps them deactivated.
      const renamed = await t.request('PUT', `/api/users/${user.id}`, { as: USERS.admin, body: { name: 'Staf (cuti)', email: `${user.id}@jambikota.go.id`, roles: ['secretariat'] } });
      expect(renamed.body.active).toBe(false);
      expectError(await t.request('GET', '/api/tasks', { headers: bearer(token) }), 401, 'deactivated');

      const on = await t.request('PUT', `/api/users/${user.id}`, { as: USERS.admin, body: { active: true } });
      expect(on.body).toMatchObject({ name: 'Staf (cuti)', active: true });
      expect((await t.request('GET', '/api/tasks', { headers: bearer(token) })).status).toBe(200);
    });

    it('a deactivated user is offered to nobody: not in /api/people or the picker, and not a delegate or a reviewer', async () => {
      const reviewer: TestUser = { id: 'tt-keluar', name: 'Tim Teknis yang keluar', roles: ['technical_reviewer'] };
      await t.addUser(reviewer, { active: false });
      await t.request('PUT', `/api/users/${user.id}`, { as: USERS.admin, body: { active: false } });
      const people = (await t.get('/api/people', USERS.secretariat)).body.items.map((p: any) => p.id);
      expect(people).toContain(USERS.secretariat2.id);
      expect(people).not.toContain(user.id);
      expect(people).not.toContain(reviewer.id);
      const options = (await t.get('/api/auth/sign-in-options')).body;
      expect(options.mode).toBe('picker');
      expect(options.users.map((u: any) => u.id)).not.toContain(user.id);
      expectError(await t.post('/api/auth/sign-in-as', undefined, { userId: user.id }), 400, 'deactivated');

      const c = await t.createCase();
      expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
      const task = (await t.get(`/api/cases/${c.id}`, USERS.secretariat)).body.openTasks[0];
      expectError(await t.post(`/api/tasks/${task.id}/delegate`, USERS.secretariat, { userId: user.id }), 400, 'deactivated');
      expectError(await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision: 'approve', reviewers: [reviewer.id] }), 400, 'deactivated');
      expect(await t.stageOf(c.id)).toBe('administrative_check');
    });

    it('refuses {active} alone for an unknown user (404), a non-boolean active (400 naming it), and the reserved id system', async () => {
      expectError(await t.request('PUT', '/api/users/nobody-here', { as: USERS.admin, body: { active: false } }), 404);
      expect((await t.get('/api/users', USERS.admin)).body.items.some((u: any) => u.id === 'nobody-here')).toBe(false);
      expectError(await t.request('PUT', `/api/users/${user.id}`, { as: USERS.admin, body: { active: 'no' } }), 400, 'active');
      expectError(await t.request('PUT', `/api/users/${user.id}`, { as: USERS.admin, body: { active: false, name: 'x' } }), 400, 'email');
      expectError(await t.request('PUT', '/api/users/system', { as: USERS.admin, body: { name: 'System', email: 'system@jambikota.go.id', roles: ['admin'] } }), 400, 'reserved');
    });
  });

  describe('401 for a token whose subject or lifetime is not acceptable, checked before the directory is asked', () => {
    const refused = async (claims: JWTPayload, ...named: (string | RegExp)[]) => {
      const get = jest.spyOn(t.app.get(DirectoryService), 'get');
      try {
        const res = await t.request('GET', '/api/cases', { headers: bearer(await localToken(claims)) });
        expectError(res, 401, ...named);
        expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
        expect(res.text.length).toBeLessThan(1024);
        return get.mock.calls.length;
      } finally {
        get.mockRestore();
      }
    };
    const valid = () => ({ iat: now(), exp: now() + HOUR });

    it.each([
      ['a NUL character', 'opd-1\u0000'],
      ['5,000 characters', 'a'.repeat(5000)],
      ['129 characters', 'a'.repeat(129)],
      ['a space', 'opd 1'],
      ['a slash', '../admin-1'],
      ['a lone surrogate', 'opd-\ud800'],
      ['an emoji', 'opd-😀'],
    ])('a subject with %s: 401 naming the subject, never a 500, before any directory read', async (_name, sub) => {
      expect(await refused({ sub, ...valid() }, 'subject is not a user id')).toBe(0);
    });

    it('a token without a subject, or with a number for one', async () => {
      expect(await refused({ ...valid() }, 'no subject')).toBe(0);
      expect(await refused({ sub: 42 as unknown as string, ...valid() })).toBe(0);
    });

    it('the reserved subject system', async () => {
      expect(await refused({ sub: 'system', roles: ['admin'], ...valid() }, 'reserved')).toBe(0);
    });

    it('a subject not in the directory', async () => {
      expect(await refused({ sub: 'stranger', roles: ['admin'], ...valid() }, 'user stranger is not in the directory')).toBe(1);
    });

    it('a token without exp, with or without iat', async () => {
      expect(await refused({ sub: USERS.auditor.id, iat: now() }, 'no exp')).toBe(0);
      expect(await refused({ sub: USERS.auditor.id }, 'no exp')).toBe(0);
    });

    it('a token living longer than AUTH_TOKEN_MAX_TTL (P1D by default): exp − iat, or exp − now without iat', async () => {
      expect(await refused({ sub: USERS.auditor.id, iat: now(), exp: now() + 25 * HOUR }, 'AUTH_TOKEN_MAX_TTL', '1 day')).toBe(0);
      expect(await refused({ sub: USERS.auditor.id, iat: now() - HOUR, exp: now() + 24 * HOUR }, 'AUTH_TOKEN_MAX_TTL')).toBe(0);
      expect(await refused({ sub: USERS.auditor.id, exp: now() + 25 * HOUR }, 'AUTH_TOKEN_MAX_TTL')).toBe(0);
      expect(await refused({ sub: USERS.auditor.id, exp: now() + 30 * 24 * HOUR }, 'AUTH_TOKEN_MAX_TTL')).toBe(0);
      // Issued "in the future": it lives from now.
      expect(await refused({ sub: USERS.auditor.id, iat: now() + 10 * HOUR, exp: now() + 30 * HOUR }, 'AUTH_TOKEN_MAX_TTL')).toBe(0);
      // Within the limit, with and without iat.
      const ok = async (claims: JWTPayload) => (await t.request('GET', '/api/cases', { headers: bearer(await localToken(claims)) })).status;
      expect(await ok({ sub: USERS.auditor.id, iat: now(), exp: now() + 24 * HOUR })).toBe(200);
      expect(await ok({ sub: USERS.auditor.id, iat: now() - 3 * 24 * HOUR, exp: now() + HOUR })).toBe(401); // issued long ago, lives 73 hours
      expect(await ok({ sub: USERS.auditor.id, exp: now() + 23 * HOUR })).toBe(200);
    });

    it('a shorter AUTH_TOKEN_MAX_TTL refuses what the default takes, and the picker signs no longer than it', async () => {
      const sibling = await t.sibling({ tokenMaxTtlSeconds: HOUR });
      try {
        const twoHours = await t.token(USERS.auditor, { expiresIn: '2h' });
        expect((await t.request('GET', '/api/cases', { headers: bearer(twoHours) })).status).toBe(200);
        expectError(await injectJson(sibling, 'GET', '/api/cases', bearer(twoHours)), 401, 'AUTH_TOKEN_MAX_TTL', '1 hour');
        expect((await injectJson(sibling, 'GET', '/api/cases', bearer(await t.token(USERS.auditor, { expiresIn: '1h' })))).status).toBe(200);
        const picked = await sibling.inject({ method: 'POST', url: '/api/auth/sign-in-as', payload: { userId: USERS.mayor.id } });
        expect(picked.statusCode).toBe(200);
        expect(lifetimeOf(picked.json().token)).toBe(HOUR);
      } finally {
        await sibling.close();
      }
      const picked = await t.post('/api/auth/sign-in-as', undefined, { userId: USERS.mayor.id });
      expect(lifetimeOf(picked.body.token)).toBe(12 * HOUR);
      expect((await me(picked.body.token)).body.roles).toEqual(['mayor']);
    });
  });
});

/** Contract §3 with AUTH_JWKS_URL: the provider's known roles count; the directory row follows the token. */
describe(`identity with an identity provider (AUTH_JWKS_URL, ${backend})`, () => {
  let t: TestApp;
  let idp: KeyServer;
  let keys: KeyServer['keys'];

  beforeAll(async () => {
    idp = await startKeyServer();
    keys = idp.keys;
    t = await TestApp.start({ jwksUrl: idp.url('/certs') });
  });
  afterAll(async () => {
    await t?.stop();
    await idp?.close();
  });

  const idpToken = (claims: JWTPayload) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).sign(keys.privateKey);
  const valid = () => ({ iat: now(), exp: now() + 5 * 60 });
  const userRow = async (id: string) => (await t.get('/api/users', USERS.admin)).body.items.find((u: any) => u.id === id);

  it('creates the directory row on the first request, then follows the provider’s name, email and known roles; the supervisor stays', async () => {
    expect(await userRow('kc-tkksd')).toBeUndefined();
    const first = await t.request('GET', '/api/auth/me', { headers: bearer(await idpToken({ sub: 'kc-tkksd', name: 'Anggota TKKSD (SSO)', email: 'tkksd@jambikota.go.id', roles: ['tkksd', 'offline_access'], ...valid() })) });
    expect(first.body).toEqual({ id: 'kc-tkksd', name: 'Anggota TKKSD (SSO)', email: 'tkksd@jambikota.go.id', roles: ['tkksd'] });
    expect(await userRow('kc-tkksd')).toMatchObject({ name: 'Anggota TKKSD (SSO)', email: 'tkksd@jambikota.go.id', roles: ['tkksd'], supervisorId: null, active: true });

    // The admin sets a supervisor; the provider later changes the roles and the name.
    expect((await t.request('PUT', '/api/users/kc-tkksd', { as: USERS.admin, body: { name: 'Anggota TKKSD (SSO)', email: 'tkksd@jambikota.go.id', roles: ['tkksd'], supervisorId: 'sekda' } })).status).toBe(200);
    const later = await idpToken({ sub: 'kc-tkksd', name: 'Anggota TKKSD', email: 'tkksd@jambikota.go.id', roles: ['tkksd', 'legal'], ...valid() });
    expect((await t.request('GET', '/api/auth/me', { headers: bearer(later) })).body.roles).toEqual(['tkksd', 'legal']);
    expect(await userRow('kc-tkksd')).toMatchObject({ name: 'Anggota TKKSD', roles: ['tkksd', 'legal'], supervisorId: 'sekda' });
    // A token without name or email keeps the directory's.
    expect((await t.request('GET', '/api/auth/me', { headers: bearer(await idpToken({ sub: 'kc-tkksd', roles: ['tkksd', 'legal'], ...valid() })) })).body).toMatchObject({ name: 'Anggota TKKSD', email: 'tkksd@jambikota.go.id' });
    expect(await userRow('kc-tkksd')).toMatchObject({ name: 'Anggota TKKSD', email: 'tkksd@jambikota.go.id' });
    // The provider's roles count: the admin's directory roles do not widen them.
    await t.request('PUT', '/api/users/kc-tkksd', { as: USERS.admin, body: { name: 'Anggota TKKSD', email: 'tkksd@jambikota.go.id', roles: ['admin'], supervisorId: 'sekda' } });
    expectError(await t.request('GET', '/api/users', { headers: bearer(later) }), 403);
  });

  it('refuses a provider’s user deactivated in the directory', async () => {
    const token = await idpToken({ sub: 'kc-auditor', name: 'Auditor (SSO)', roles: ['auditor'], ...valid() });
    expect((await t.request('GET', '/api/audit/verify', { headers: bearer(token) })).status).toBe(200);
    expect((await t.request('PUT', '/api/users/kc-auditor', { as: USERS.admin, body: { active: false } })).status).toBe(200);
    expectError(await t.request('GET', '/api/audit/verify', { headers: bearer(token) }), 401, 'deactivated');
    // A new token from the provider does not reactivate them.
    expectError(await t.request('GET', '/api/audit/verify', { headers: bearer(await idpToken({ sub: 'kc-auditor', roles: ['auditor'], ...valid() })) }), 401, 'deactivated');
    expect(await userRow('kc-auditor')).toMatchObject({ active: false, roles: ['auditor'] });
  });

  it.each([
    ['a subject with a NUL', { sub: 'kc\u0000x', roles: ['auditor'], ...valid() }, 'subject'],
    ['a subject of 5,000 characters', { sub: 'k'.repeat(5000), roles: ['auditor'], ...valid() }, 'subject'],
    ['the reserved subject system', { sub: 'system', roles: ['admin'], ...valid() }, 'reserved'],
    ['no exp', { sub: 'kc-noexp', roles: ['auditor'], iat: now() }, 'no exp'],
    ['a lifetime over AUTH_TOKEN_MAX_TTL', { sub: 'kc-long', roles: ['auditor'], iat: now(), exp: now() + 2 * 24 * HOUR }, 'AUTH_TOKEN_MAX_TTL'],
  ])('refuses a provider’s token with %s (401) and writes no directory row', async (_name, claims, named) => {
    const users = async () => (await t.get('/api/users', USERS.admin)).body.items;
    const before = await users();
    expectError(await t.request('GET', '/api/audit/verify', { headers: bearer(await idpToken(claims)) }), 401, named);
    expect(await users()).toEqual(before);
  });
});

/** A deactivated user receives no message: the reminders of their role's task go to the others only. */
describe(`identity: no message to a deactivated user (${backend}, moved clock)`, () => {
  let t: TestApp;
  const clock = new SettableClock();
  beforeAll(async () => {
    clock.set(zonedInstant(2030, 9, 2, 'Asia/Jakarta', 9)); // years ahead: no queue fires a timer by itself
    t = await TestApp.start({}, { clock });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('reminds and escalates the secretariat’s task to the active secretariat only', async () => {
    expect((await t.request('PUT', `/api/users/${USERS.secretariat2.id}`, { as: USERS.admin, body: { active: false } })).status).toBe(200);
    const c = await t.createCase();
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    clock.set(new Date(clock.now().getTime() + 30 * 86_400_000));
    for (let round = 0; round < 5; round++) {
      const due = await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { status: 'pending', fireAt: LessThanOrEqual(clock.now()) } }));
      if (!due.length) break;
      await Promise.all(due.map((d) => t.app.get(TimerHandler).fire(d.id)));
    }
    const sent = (await t.get(`/api/cases/${c.id}/notifications`, USERS.auditor)).body.map((n: any) => n.to);
    expect(sent).toContain(`${USERS.secretariat.id}@jambikota.go.id`);
    expect(sent).not.toContain(`${USERS.secretariat2.id}@jambikota.go.id`);
  });
});

/** Contract §1 and §3 in production: no demo user, no token logged, and the picker refused before its body is read. */
describe(`identity in production (${backend})`, () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    t = await TestApp.start({ production: true, demoUsers: true }, { log: { level: 'info', destination } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('creates no demo user and logs no token even when told to', async () => {
    const ids = (await t.get('/api/users', USERS.admin)).body.items.map((u: any) => u.id);
    expect(ids.filter((id: string) => id.startsWith('demo-'))).toEqual([]);
    expect(lines.join('\n')).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(lines.join('\n')).not.toMatch(/demo user/);
  });

  it('lists no users in the sign-in options', async () => {
    const options = await t.get('/api/auth/sign-in-options');
    expect(options.body).toEqual({ mode: 'bearer', jwks: false, oidc: null });
  });

  it.each([
    ['a valid body', JSON.stringify({ userId: USERS.admin.id })],
    ['malformed JSON', '{"userId":'],
    ['60,000 unknown fields', JSON.stringify(Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`f${i}`, 1])))],
    ['a body over 1 MiB', JSON.stringify({ userId: USERS.admin.id, pad: 'x'.repeat(2 * 1024 * 1024) })],
  ])('refuses sign-in-as with %s: 403 in the contract’s shape, whatever the body', async (_name, rawBody) => {
    const res = await t.request('POST', '/api/auth/sign-in-as', { rawBody });
    expectError(res, 403, 'refused in production');
    expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
  });

  it('answers sign-in-as before the body has arrived', async () => {
    const base = await t.listen();
    const req = httpRequest(`${base}/api/auth/sign-in-as`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100000' } });
    try {
      const answer = new Promise<number>((resolve, reject) => {
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.write('{"userId":"admin-1", "pad": "'); // and the rest never comes
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer while the body was incomplete'), 3000)));
      expect(await Promise.race([answer, timeout])).toBe(403);
      clearTimeout(timer);
    } finally {
      req.destroy();
    }
  });
});

/** On a first embedded start the demo users' tokens are logged, each within AUTH_TOKEN_MAX_TTL. */
describe(`identity: the demo users’ tokens (${backend})`, () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    t = await TestApp.start({ demoUsers: true, tokenMaxTtlSeconds: 8 * HOUR }, { log: { level: 'info', destination } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('signs them for the max TTL, says so, and they work', async () => {
    const messages = lines.map((l) => (JSON.parse(l) as { msg?: string }).msg ?? '');
    expect(messages.some((m) => /created one demo user per role; their tokens follow \(valid 8 hours, the AUTH_TOKEN_MAX_TTL/.test(m))).toBe(true);
    const tokens = messages.map((m) => /^demo user (\S+) \(.*\): (\S+)$/.exec(m)).filter((m): m is RegExpExecArray => !!m);
    expect(tokens.length).toBe(10);
    for (const [, , token] of tokens) expect(lifetimeOf(token!)).toBe(8 * HOUR);
    const admin = tokens.find(([, id]) => id === 'demo-admin')![2]!;
    expect((await t.request('GET', '/api/users', { headers: bearer(admin) })).status).toBe(200);
  });
});

/** Migration UserActive1765100000000 on both databases: users already there stay active; the revert drops the column. */
describe(`user active migration (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  const NAME = 'UserActive1765100000000';
  const executed = async () => ((await db.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[]).map((r) => r.name);

  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
  });

  const columns = async (): Promise<string[]> =>
    db.dialect === 'postgres'
      ? ((await db.dataSource.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'users'`)) as { name: string }[]).map((c) => c.name)
      : ((await db.dataSource.query(`PRAGMA table_info(users)`)) as { name: string }[]).map((c) => c.name);

  it('adds active (true for users already there) and the revert removes it, keeping the users', async () => {
    // Back to the database as it was before (and before any later migration).
    while ((await executed()).includes(NAME)) await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await columns()).not.toContain('active');
    const at = db.dialect === 'postgres' ? new Date() : new Date().toISOString().replace('T', ' ').replace('Z', '');
    const p = db.dialect === 'postgres' ? (i: number) => `$${i}` : () => '?';
    await db.dataSource.query(`INSERT INTO users (id, name, email, roles, supervisor_id, locale, created_at, updated_at) VALUES (${[1, 2, 3, 4].map(p).join(', ')}, NULL, 'id', ${p(5)}, ${p(6)})`, [
      'lama-1',
      'Pengguna lama',
      'lama@jambikota.go.id',
      JSON.stringify(['secretariat']),
      at,
      at,
    ]);

    await db.migrate();
    expect(await columns()).toContain('active');
    const [row] = (await db.dataSource.query(`SELECT active FROM users WHERE id = 'lama-1'`)) as { active: unknown }[];
    expect(row!.active === true || row!.active === 1).toBe(true);

    while ((await executed()).includes(NAME)) await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await columns()).not.toContain('active');
    expect(await db.dataSource.query(`SELECT id, name FROM users`)).toEqual([{ id: 'lama-1', name: 'Pengguna lama' }]);
    await db.migrate();
    expect(await columns()).toContain('active');
  });
});
