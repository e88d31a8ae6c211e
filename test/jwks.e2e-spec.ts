import { SignJWT, generateKeyPair } from 'jose';
import { startKeyServer, type KeyServer } from './support/key-server.js';
import { TestOidcProvider } from './support/oidc-provider.js';
import { TestApp, USERS } from './support/test-app.js';

/** AUTH_JWKS_URL: tokens of an identity provider (RS256) are verified against its published keys. */
describe('tokens from an identity provider (AUTH_JWKS_URL)', () => {
  let t: TestApp;
  let idp: KeyServer;
  let keys: KeyServer['keys'];

  beforeAll(async () => {
    idp = await startKeyServer();
    keys = idp.keys;
    t = await TestApp.start({ jwksUrl: idp.url('/realms/jambi/protocol/openid-connect/certs') });
  });
  afterAll(async () => {
    await t.stop();
    await idp.close();
  });

  const idpToken = (privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'], roles: string[]) =>
    new SignJWT({ name: 'Auditor from Keycloak', roles }).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setSubject('kc-auditor').setIssuedAt().setExpirationTime('5m').sign(privateKey);

  it('accepts a token signed by the provider’s key and checks its roles', async () => {
    const ok = await t.request('GET', '/api/audit/verify', { headers: { authorization: `Bearer ${await idpToken(keys.privateKey, ['auditor'])}` } });
    expect(ok.status).toBe(200);
    const wrongRole = await t.request('GET', '/api/audit/verify', { headers: { authorization: `Bearer ${await idpToken(keys.privateKey, ['proposer'])}` } });
    expect(wrongRole.status).toBe(403);
  });

  it('refuses a token signed by another key, and still takes local HS256 tokens', async () => {
    const other = await generateKeyPair('RS256');
    const forged = await t.request('GET', '/api/cases', { headers: { authorization: `Bearer ${await idpToken(other.privateKey, ['auditor'])}` } });
    expect(forged.status).toBe(401);
    expect((await t.get('/api/cases', USERS.auditor)).status).toBe(200);
  });
});

/** AUTH_OIDC_ISSUER: the web app signs in through the provider; its tokens must carry that issuer. */
describe('an OpenID Connect provider for the web sign-in (AUTH_OIDC_ISSUER)', () => {
  let t: TestApp;
  let idp: TestOidcProvider;
  const legal = { id: 'kc-hukum', name: 'Bagian Hukum (SSO)', roles: ['legal', 'default-roles-jambi'] };

  beforeAll(async () => {
    idp = await TestOidcProvider.start({ clientId: 'onegate-web', redirectUris: ['http://onegate.test/'], users: [legal] });
    t = await TestApp.start({ production: true, jwtSecret: null, jwksUrl: idp.jwksUrl, oidc: { issuer: idp.issuer, clientId: 'onegate-web', scope: 'openid' } });
  });
  afterAll(async () => {
    await t.stop();
    await idp.stop();
  });

  it('tells the page where to sign in, and offers no picker', async () => {
    const options = await t.get('/api/auth/sign-in-options');
    expect(options.body).toEqual({ mode: 'bearer', jwks: true, oidc: { issuer: idp.issuer, clientId: 'onegate-web', scope: 'openid' } });
    expect((await t.post('/api/auth/sign-in-as', undefined, { userId: USERS.mayor.id })).status).toBe(403);
  });

  it("takes Keycloak's realm roles and preferred name, ignoring roles onegate does not know", async () => {
    const me = await t.request('GET', '/api/auth/me', { headers: { authorization: `Bearer ${await idp.accessToken(legal)}` } });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: 'kc-hukum', name: 'Bagian Hukum (SSO)', email: null, roles: ['legal'] });
  });

  it('stops taking a token the moment it expires, though verified tokens are kept for a while', async () => {
    const token = await idp.accessToken(legal, { ttl: '2s' });
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.request('GET', '/api/auth/me', { headers })).status).toBe(200);
    expect((await t.request('GET', '/api/auth/me', { headers })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_100));
    const late = await t.request('GET', '/api/auth/me', { headers });
    expect(late.status).toBe(401);
    expect(late.body.message).toMatch(/expired/);
  });

  it('refuses a token of the right key but another issuer, naming the claim', async () => {
    const res = await t.request('GET', '/api/auth/me', { headers: { authorization: `Bearer ${await idp.accessToken(legal, { issuer: 'https://other.example/realms/jambi' })}` } });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/iss/);
  });
});
