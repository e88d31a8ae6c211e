import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { TestApp, USERS } from './support/test-app.js';

/** AUTH_JWKS_URL: tokens of an identity provider (RS256) are verified against its published keys. */
describe('tokens from an identity provider (AUTH_JWKS_URL)', () => {
  let t: TestApp;
  let server: Server;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    t = await TestApp.start({ jwksUrl: `http://127.0.0.1:${port}/realms/jambi/protocol/openid-connect/certs` });
  });
  afterAll(async () => {
    await t.stop();
    await new Promise((resolve) => server.close(resolve));
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
