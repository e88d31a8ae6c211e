import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface OidcUser {
  id: string;
  name: string;
  email?: string;
  /** Put into `realm_access.roles`, as Keycloak does. */
  roles: string[];
}

/**
 * A way the next ID token is spoiled (the access token next to it stays good): another issuer, another
 * audience, expired ten minutes ago, signed by a key that is not the realm's (same `kid`), or carrying
 * the nonce of another sign-in.
 */
export type IdTokenFault = 'issuer' | 'audience' | 'expired' | 'signature' | 'nonce';

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | null;
  user: OidcUser;
}

/**
 * A small OpenID Connect provider for tests, shaped like a Keycloak realm: discovery, an authorization
 * endpoint with a login form, a token endpoint that enforces PKCE (S256) and single-use codes, JWKS,
 * and end-session. Access tokens are RS256 JWTs with Keycloak's `realm_access.roles`.
 */
export class TestOidcProvider {
  readonly issuer: string;
  readonly jwksUrl: string;
  /** What the token endpoint refused, for assertions: e.g. 'invalid_grant: PKCE verifier does not match'. */
  readonly refusals: string[] = [];
  tokenTtl = '10m';
  /** While set, the token endpoint issues ID tokens spoiled this way (see IdTokenFault). */
  idTokenFault: IdTokenFault | null = null;
  /** JWKS downloads made by a browser (a CORS request, with an Origin header), not by the API. */
  jwksFromBrowser = 0;
  private readonly codes = new Map<string, PendingCode>();

  private constructor(
    private readonly server: Server,
    base: string,
    private readonly keys: Awaited<ReturnType<typeof generateKeyPair>>,
    /** A key pair that is not the realm's: what a forger would sign with. */
    private readonly forgerKeys: Awaited<ReturnType<typeof generateKeyPair>>,
    private readonly jwk: Record<string, unknown>,
    readonly clientId: string,
    /** Registered redirect URIs; a test adds the app's once it listens. */
    readonly redirectUris: string[],
    private readonly users: OidcUser[],
  ) {
    this.issuer = `${base}/realms/jambi`;
    this.jwksUrl = `${this.issuer}/protocol/openid-connect/certs`;
  }

  static async start(options: { clientId: string; redirectUris: string[]; users: OidcUser[] }): Promise<TestOidcProvider> {
    const keys = await generateKeyPair('RS256');
    const forgerKeys = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'realm-key-1', alg: 'RS256', use: 'sig' };
    const holder: { provider?: TestOidcProvider } = {};
    const server = createServer((req, res) => {
      holder.provider!.handle(req, res).catch((err) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.provider = new TestOidcProvider(server, `http://127.0.0.1:${port}`, keys, forgerKeys, jwk, options.clientId, options.redirectUris, options.users);
    return holder.provider;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** An access token as the realm would issue it (for API calls made by the test itself). */
  async accessToken(user: OidcUser, options: { issuer?: string; ttl?: string } = {}): Promise<string> {
    return new SignJWT({ name: user.name, preferred_username: user.id, email: user.email, realm_access: { roles: user.roles }, azp: this.clientId, typ: 'Bearer' })
      .setProtectedHeader({ alg: 'RS256', kid: 'realm-key-1', typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setSubject(user.id)
      .setAudience('account')
      .setIssuedAt()
      .setExpirationTime(options.ttl ?? this.tokenTtl)
      .sign(this.keys.privateKey);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer);
    const path = url.pathname.replace('/realms/jambi', '');
    // A browser app calls discovery and the token endpoint across origins.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/protocol/openid-connect/auth`,
        token_endpoint: `${this.issuer}/protocol/openid-connect/token`,
        jwks_uri: this.jwksUrl,
        end_session_endpoint: `${this.issuer}/protocol/openid-connect/logout`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (req.method === 'GET' && path === '/protocol/openid-connect/certs') {
      if (req.headers.origin) this.jwksFromBrowser++;
      return json(res, 200, { keys: [this.jwk] });
    }
    if (req.method === 'GET' && path === '/protocol/openid-connect/auth') return this.loginForm(url.searchParams, res);
    if (req.method === 'POST' && path === '/protocol/openid-connect/login') return this.login(new URLSearchParams(await body(req)), res);
    if (req.method === 'POST' && path === '/protocol/openid-connect/token') return this.token(new URLSearchParams(await body(req)), res);
    if (req.method === 'GET' && path === '/protocol/openid-connect/logout') {
      const back = url.searchParams.get('post_logout_redirect_uri');
      if (back && this.redirectUris.some((r) => back.startsWith(r))) return void res.writeHead(302, { location: back }).end();
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>You are signed out.</p>');
    }
    res.writeHead(404).end();
  }

  private loginForm(params: URLSearchParams, res: ServerResponse): void {
    const problem =
      params.get('client_id') !== this.clientId
        ? 'unknown client_id'
        : !this.redirectUris.includes(params.get('redirect_uri') ?? '')
          ? 'redirect_uri not registered'
          : params.get('response_type') !== 'code'
            ? 'response_type must be code'
            : params.get('code_challenge_method') !== 'S256' || !params.get('code_challenge')
              ? 'PKCE S256 is required'
              : !params.get('scope')?.split(' ').includes('openid')
                ? 'scope must include openid'
                : null;
    if (problem) return void res.writeHead(400, { 'content-type': 'text/plain' }).end(problem);
    const hidden = ['client_id', 'redirect_uri', 'state', 'code_challenge', 'nonce']
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(params.get(k) ?? '')}">`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Jambi SSO</title>
      <h1>Jambi SSO</h1>
      <form method="post" action="${this.issuer}/protocol/openid-connect/login">${hidden}
        <label for="username">Username</label> <input id="username" name="username">
        <button type="submit" id="kc-login">Sign in</button>
      </form>`);
  }

  private login(form: URLSearchParams, res: ServerResponse): void {
    const user = this.users.find((u) => u.id === form.get('username'));
    if (!user) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid username');
    const code = randomBytes(16).toString('base64url');
    const redirectUri = form.get('redirect_uri') ?? '';
    this.codes.set(code, { clientId: form.get('client_id') ?? '', redirectUri, challenge: form.get('code_challenge') ?? '', nonce: form.get('nonce'), user });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', form.get('state') ?? '');
    back.searchParams.set('session_state', 'test');
    res.writeHead(302, { location: back.toString() }).end();
  }

  private async token(form: URLSearchParams, res: ServerResponse): Promise<void> {
    const refuse = (error: string, description: string) => {
      this.refusals.push(`${error}: ${description}`);
      json(res, 400, { error, error_description: description });
    };
    if (form.get('grant_type') !== 'authorization_code') return refuse('unsupported_grant_type', 'only authorization_code');
    const code = form.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code); // single use, even when the exchange fails
    if (!pending) return refuse('invalid_grant', 'unknown or used code');
    if (form.get('client_id') !== pending.clientId) return refuse('invalid_client', 'client_id differs from the authorization request');
    if (form.get('redirect_uri') !== pending.redirectUri) return refuse('invalid_grant', 'redirect_uri differs from the authorization request');
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) return refuse('invalid_grant', 'PKCE verifier does not match');
    const fault = this.idTokenFault;
    const now = Math.floor(Date.now() / 1000);
    const nonce = fault === 'nonce' ? randomBytes(16).toString('base64url') : pending.nonce;
    const idToken = await new SignJWT({ name: pending.user.name, ...(nonce ? { nonce } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: 'realm-key-1' })
      .setIssuer(fault === 'issuer' ? 'https://sso.elsewhere.example/realms/jambi' : this.issuer)
      .setSubject(pending.user.id)
      .setAudience(fault === 'audience' ? 'another-client' : pending.clientId)
      .setIssuedAt(fault === 'expired' ? now - 20 * 60 : now)
      .setExpirationTime(fault === 'expired' ? now - 10 * 60 : this.tokenTtl)
      .sign(fault === 'signature' ? this.forgerKeys.privateKey : this.keys.privateKey);
    json(res, 200, { access_token: await this.accessToken(pending.user), id_token: idToken, token_type: 'Bearer', expires_in: 600 });
  }
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
