import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'onegate-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to the embedded database, in-process queues and a generated secret kept in the data folder', () => {
    const c = loadConfig({ ONEGATE_DATA_DIR: dir });
    expect(c).toMatchObject({ port: 3000, database: { kind: 'sqlite', file: join(dir, 'onegate.sqlite') }, redisUrl: null, smtpUrl: null, timezone: 'Asia/Jakarta', role: 'all', demoUsers: true, mailFrom: 'onegate@localhost' });
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(c.jwtSecret);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir }).jwtSecret).toBe(c.jwtSecret);
  });

  it('takes PostgreSQL, Redis, SMTP and role from the environment', () => {
    const c = loadConfig({ ONEGATE_DATA_DIR: dir, DATABASE_URL: 'postgres://u:p@db:5432/x', REDIS_URL: 'redis://r:6379', SMTP_URL: 'smtp://m:25', ONEGATE_ROLE: 'worker', PORT: '8080', AUTH_JWT_SECRET: 's3cret' });
    expect(c).toMatchObject({ port: 8080, database: { kind: 'postgres', url: 'postgres://u:p@db:5432/x' }, redisUrl: 'redis://r:6379', smtpUrl: 'smtp://m:25', role: 'worker', jwtSecret: 's3cret', demoUsers: false });
    expect(existsSync(join(dir, 'jwt-secret'))).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL/],
    [{ SMTP_URL: 'mail://x' }, /SMTP_URL/],
    [{ ONEGATE_ROLE: 'both' }, /ONEGATE_ROLE/],
    [{ ONEGATE_TIMEZONE: 'Mars/Olympus' }, /ONEGATE_TIMEZONE/],
    [{ ONEGATE_DIRECTORY: '/nope.json' }, /ONEGATE_DIRECTORY/],
    [{ NODE_ENV: 'production' }, /AUTH_JWT_SECRET/],
    [{ ONEGATE_LOG_LEVEL: 'loud' }, /ONEGATE_LOG_LEVEL/],
    [{ AUTH_TOKEN_MAX_TTL: '1d' }, /^AUTH_TOKEN_MAX_TTL must be an ISO 8601 duration.*got "1d"$/],
    [{ AUTH_TOKEN_MAX_TTL: 'P1M' }, /AUTH_TOKEN_MAX_TTL/],
    [{ AUTH_TOKEN_MAX_TTL: 'P1Y' }, /AUTH_TOKEN_MAX_TTL/],
    [{ AUTH_TOKEN_MAX_TTL: 'PT' }, /AUTH_TOKEN_MAX_TTL/],
    [{ AUTH_TOKEN_MAX_TTL: 'P' }, /AUTH_TOKEN_MAX_TTL/],
    [{ AUTH_TOKEN_MAX_TTL: 'PT0S' }, /AUTH_TOKEN_MAX_TTL/],
    [{ AUTH_TOKEN_MAX_TTL: 'P1.5D' }, /AUTH_TOKEN_MAX_TTL/],
    [{ AUTH_TOKEN_MAX_TTL: 'p1d' }, /AUTH_TOKEN_MAX_TTL/],
    [{ AUTH_TOKEN_MAX_TTL: 'P1H' }, /AUTH_TOKEN_MAX_TTL/],
    [{ AUTH_TOKEN_MAX_TTL: '-P1D' }, /AUTH_TOKEN_MAX_TTL/],
    [{ AUTH_OIDC_ISSUER: 'https://sso.jambikota.go.id/realms/jambi', AUTH_JWKS_URL: 'https://sso/certs' }, /AUTH_OIDC_CLIENT_ID/],
    [{ AUTH_OIDC_CLIENT_ID: 'onegate-web', AUTH_JWKS_URL: 'https://sso/certs' }, /AUTH_OIDC_ISSUER/],
    [{ AUTH_OIDC_ISSUER: 'https://sso.jambikota.go.id/realms/jambi', AUTH_OIDC_CLIENT_ID: 'onegate-web' }, /AUTH_JWKS_URL/],
    [{ AUTH_OIDC_ISSUER: 'sso.jambikota.go.id', AUTH_OIDC_CLIENT_ID: 'onegate-web', AUTH_JWKS_URL: 'https://sso/certs' }, /AUTH_OIDC_ISSUER/],
  ])('refuses %p, naming the variable', (env, pattern) => {
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ...env })).toThrow(pattern);
  });

  it('takes an OpenID Connect provider for the web sign-in, with a default scope', () => {
    const c = loadConfig({
      ONEGATE_DATA_DIR: dir,
      NODE_ENV: 'production',
      AUTH_JWKS_URL: 'https://sso.jambikota.go.id/realms/jambi/protocol/openid-connect/certs',
      AUTH_OIDC_ISSUER: 'https://sso.jambikota.go.id/realms/jambi/',
      AUTH_OIDC_CLIENT_ID: 'onegate-web',
      PUBLIC_URL: 'https://kerjasama.jambikota.go.id',
    });
    expect(c.oidc).toEqual({ issuer: 'https://sso.jambikota.go.id/realms/jambi', clientId: 'onegate-web', scope: 'openid profile email' });
    expect(c.jwtSecret).toBeNull();
    expect(loadConfig({ ONEGATE_DATA_DIR: dir }).oidc).toBeNull();
  });

  it('accepts production with a secret, and a directory file that exists', () => {
    const file = join(dir, 'users.json');
    writeFileSync(file, '[]');
    const secret = 'a'.repeat(32);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, NODE_ENV: 'production', AUTH_JWT_SECRET: secret, PUBLIC_URL: 'https://kerjasama.jambikota.go.id/', ONEGATE_DIRECTORY: file })).toMatchObject({
      production: true,
      directoryFile: file,
      publicUrl: 'https://kerjasama.jambikota.go.id',
    });
  });

  it('takes PUBLIC_URL for the links in messages: localhost:PORT by default, required and checked in production', () => {
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, PORT: '3100' }).publicUrl).toBe('http://localhost:3100');
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, PUBLIC_URL: 'https://onegate.example/kota/' }).publicUrl).toBe('https://onegate.example/kota');
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_PUBLIC_URL: 'https://old.example' }).publicUrl).toBe('https://old.example');
    const prod = { ONEGATE_DATA_DIR: dir, NODE_ENV: 'production', AUTH_JWT_SECRET: 'a'.repeat(32) };
    expect(() => loadConfig(prod)).toThrow(/^PUBLIC_URL must be set in production/);
    expect(() => loadConfig({ ...prod, PUBLIC_URL: 'ftp://x' })).toThrow(/^PUBLIC_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ ...prod, PUBLIC_URL: 'not a url' })).toThrow(/^PUBLIC_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ ...prod, PUBLIC_URL: 'https://x.example', AUTH_JWT_SECRET: 'short' })).toThrow(/^AUTH_JWT_SECRET must be at least 32 bytes/);
  });

  it('names the contract variables that are set but not built yet, so they do not silently do nothing', () => {
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_SIGNING: 'upload' }).notYetBuilt).toEqual([]);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_SIGNING: 'local', AUTH_TOKEN_MAX_TTL: 'PT8H', WHATSAPP_URL: ' ' }).notYetBuilt).toEqual([]);
  });

  it('reads ONEGATE_SIGNING (upload by default) and its backend\'s variables, naming a missing or wrong one', () => {
    expect(loadConfig({ ONEGATE_DATA_DIR: dir }).signing).toEqual({ mode: 'upload' });
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_SIGNING: 'local' }).signing).toEqual({ mode: 'local', p12File: null, dataDir: dir });
    const p12 = join(dir, 'signer.p12');
    writeFileSync(p12, 'x');
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_SIGNING: 'local', SIGNING_P12: p12 }).signing).toMatchObject({ mode: 'local', p12File: p12 });
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_SIGNING: 'local', SIGNING_P12: join(dir, 'nope.p12') })).toThrow(/^SIGNING_P12 names a file that does not exist/);
    const prod = { ONEGATE_DATA_DIR: dir, NODE_ENV: 'production', AUTH_JWT_SECRET: 'a'.repeat(32), PUBLIC_URL: 'https://x.example' };
    expect(() => loadConfig({ ...prod, ONEGATE_SIGNING: 'local' })).toThrow(/^ONEGATE_SIGNING=local in production needs SIGNING_P12/);
    const bsre = { ONEGATE_DATA_DIR: dir, ONEGATE_SIGNING: 'bsre', BSRE_URL: 'https://esign.example/', BSRE_USER: 'app', BSRE_PASSWORD: 'pw' };
    expect(loadConfig(bsre).signing).toEqual({ mode: 'bsre', url: 'https://esign.example', user: 'app', password: 'pw', timeoutMs: 30_000 });
    expect(loadConfig({ ...bsre, BSRE_TIMEOUT_MS: '5000' }).signing).toMatchObject({ timeoutMs: 5000 });
    expect(() => loadConfig({ ...bsre, BSRE_URL: '' })).toThrow(/^ONEGATE_SIGNING=bsre needs BSRE_URL/);
    expect(() => loadConfig({ ...bsre, BSRE_PASSWORD: ' ' })).toThrow(/^ONEGATE_SIGNING=bsre needs BSRE_USER and BSRE_PASSWORD/);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_SIGNING: 'pades' })).toThrow(/^ONEGATE_SIGNING must be one of upload, local, bsre, got "pades"$/);
  });

  it('takes a WhatsApp gateway as WHATSAPP_URL with WHATSAPP_TOKEN, both or neither, naming the one missing or wrong', () => {
    expect(loadConfig({ ONEGATE_DATA_DIR: dir }).whatsapp).toBeNull();
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, WHATSAPP_URL: 'https://api.gateway.example/send', WHATSAPP_TOKEN: ' tok ' }).whatsapp).toEqual({ url: 'https://api.gateway.example/send', token: 'tok' });
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, WHATSAPP_URL: 'https://api.gateway.example/send' })).toThrow(/^WHATSAPP_URL needs WHATSAPP_TOKEN/);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, WHATSAPP_TOKEN: 'tok' })).toThrow(/^WHATSAPP_TOKEN needs WHATSAPP_URL/);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, WHATSAPP_URL: 'ftp://x', WHATSAPP_TOKEN: 'tok' })).toThrow(/^WHATSAPP_URL must be an http\(s\) URL/);
  });

  it('serves the public registry unless ONEGATE_PUBLIC_REGISTRY=off, and refuses any other word naming the variable', () => {
    expect(loadConfig({ ONEGATE_DATA_DIR: dir }).publicRegistry).toBe(true);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_PUBLIC_REGISTRY: ' ' }).publicRegistry).toBe(true);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_PUBLIC_REGISTRY: 'on' }).publicRegistry).toBe(true);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_PUBLIC_REGISTRY: 'OFF' }).publicRegistry).toBe(false);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_PUBLIC_REGISTRY: 'off' }).notYetBuilt).toEqual([]);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_PUBLIC_REGISTRY: 'no' })).toThrow(/^ONEGATE_PUBLIC_REGISTRY must be on or off, got "no"$/);
  });

  it('reads AUTH_TOKEN_MAX_TTL as an ISO 8601 duration, one day by default', () => {
    expect(loadConfig({ ONEGATE_DATA_DIR: dir }).tokenMaxTtlSeconds).toBe(86_400);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, AUTH_TOKEN_MAX_TTL: ' ' }).tokenMaxTtlSeconds).toBe(86_400);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, AUTH_TOKEN_MAX_TTL: 'PT8H' }).tokenMaxTtlSeconds).toBe(8 * 3600);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, AUTH_TOKEN_MAX_TTL: 'P1DT12H' }).tokenMaxTtlSeconds).toBe(36 * 3600);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, AUTH_TOKEN_MAX_TTL: 'P2W' }).tokenMaxTtlSeconds).toBe(14 * 86_400);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, AUTH_TOKEN_MAX_TTL: 'PT90M' }).tokenMaxTtlSeconds).toBe(5400);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, AUTH_TOKEN_MAX_TTL: 'PT30S' }).tokenMaxTtlSeconds).toBe(30);
  });

  it('never creates demo users in production, whatever ONEGATE_DEMO_USERS says', () => {
    const prod = { ONEGATE_DATA_DIR: dir, NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://kerjasama.jambikota.go.id' };
    expect(loadConfig(prod).demoUsers).toBe(false);
    expect(loadConfig({ ...prod, ONEGATE_DEMO_USERS: 'true' }).demoUsers).toBe(false);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_DEMO_USERS: 'true', DATABASE_URL: 'postgres://u:p@db:5432/x' }).demoUsers).toBe(true);
  });

  it('keeps /metrics open and logs at info unless told otherwise', () => {
    expect(loadConfig({ ONEGATE_DATA_DIR: dir })).toMatchObject({ metricsToken: null, logLevel: 'info' });
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_METRICS_TOKEN: ' scrape-me ', ONEGATE_LOG_LEVEL: 'debug' })).toMatchObject({ metricsToken: 'scrape-me', logLevel: 'debug' });
  });

  it('reads the letterhead of the half-yearly report as lines, refusing too many or too long', () => {
    expect(loadConfig({ ONEGATE_DATA_DIR: dir }).letterhead).toEqual(['PEMERINTAH KOTA', 'SEKRETARIAT DAERAH', 'BAGIAN KERJA SAMA']);
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_LETTERHEAD: 'PEMERINTAH KOTA JAMBI | SEKRETARIAT DAERAH\nBAGIAN KERJA SAMA' }).letterhead).toEqual(['PEMERINTAH KOTA JAMBI', 'SEKRETARIAT DAERAH', 'BAGIAN KERJA SAMA']);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_LETTERHEAD: 'a|b|c|d|e|f|g' })).toThrow(/ONEGATE_LETTERHEAD.*got 7/);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_LETTERHEAD: 'x'.repeat(121) })).toThrow(/ONEGATE_LETTERHEAD/);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_LETTERHEAD: ' | ' })).toThrow(/ONEGATE_LETTERHEAD/);
  });

  it('takes which papers an offer needs per partner category from ONEGATE_OFFER_ATTACHMENTS, over the default', () => {
    expect(loadConfig({ ONEGATE_DATA_DIR: dir }).offerAttachments).toEqual({ region: [], central_government: [], third_party: ['profile', 'legal'], foreign: ['profile', 'legal'] });
    expect(loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_OFFER_ATTACHMENTS: '{"region":["profile"],"foreign":[]}' }).offerAttachments).toEqual({ region: ['profile'], central_government: [], third_party: ['profile', 'legal'], foreign: [] });
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_OFFER_ATTACHMENTS: '{"company":["profile"]}' })).toThrow(/ONEGATE_OFFER_ATTACHMENTS\.company is not a partner category/);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_OFFER_ATTACHMENTS: '{"region":["passport"]}' })).toThrow(/ONEGATE_OFFER_ATTACHMENTS\.region must be a list of profile, legal/);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_OFFER_ATTACHMENTS: '[1]' })).toThrow(/ONEGATE_OFFER_ATTACHMENTS must be a JSON object/);
    expect(() => loadConfig({ ONEGATE_DATA_DIR: dir, ONEGATE_OFFER_ATTACHMENTS: '{' })).toThrow(/ONEGATE_OFFER_ATTACHMENTS is not valid JSON/);
  });
});
