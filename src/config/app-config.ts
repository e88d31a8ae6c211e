/**
 * The only place that reads process.env. Everything is validated once at boot; a bad value stops
 * the process with a message that names the variable.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DurationError, parseDuration } from '../deadlines/working-calendar.js';
import { PARTNER_CATEGORIES, type PartnerCategory } from '../../workflows/domain.js';

/** `cli` is internal: a command-line run that does no background work. */
export type ProcessRole = 'api' | 'worker' | 'all' | 'cli';

/**
 * The validated configuration. An abstract class rather than an interface so that it is also the Nest
 * injection token (`@Inject(AppConfig)`, provided by ConfigModule); it is never instantiated: the value
 * is the plain object `loadConfig()` (or a test) builds.
 */
export abstract class AppConfig {
  /** HTTP port (`PORT`, default 3000). */
  abstract port: number;
  /** `production` makes a missing `AUTH_JWT_SECRET` fatal. */
  abstract production: boolean;
  /** Folder of the embedded database, the generated secret and mail files (`ONEGATE_DATA_DIR`, default ./data). */
  abstract dataDir: string;
  /** `DATABASE_URL`: PostgreSQL when set, otherwise the embedded SQLite file `dataDir/onegate.sqlite`. */
  abstract database: { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string };
  /** `REDIS_URL`: BullMQ on Redis when set, otherwise in-process timers and queues. */
  abstract redisUrl: string | null;
  /** `SMTP_URL`: mail through that server, otherwise `.eml` files in `dataDir/mail`. */
  abstract smtpUrl: string | null;
  /** `MAIL_FROM`, default onegate@localhost. */
  abstract mailFrom: string;
  /** HS256 secret (`AUTH_JWT_SECRET`); generated once into `dataDir/jwt-secret` in the embedded default. */
  abstract jwtSecret: string | null;
  /** `AUTH_JWKS_URL`: verify RS256/ES256 tokens of an identity provider. */
  abstract jwksUrl: string | null;
  /**
   * `AUTH_TOKEN_MAX_TTL` (ISO 8601 duration, default `P1D`), in seconds: the longest lifetime a bearer
   * token may have (exp − iat, or exp − now without iat); a token without `exp`, or living longer, is
   * refused, and onegate mints none longer. Absent here means the default.
   */
  abstract tokenMaxTtlSeconds?: number;
  /**
   * `AUTH_OIDC_ISSUER` + `AUTH_OIDC_CLIENT_ID` (+ `AUTH_OIDC_SCOPE`): the web app signs in through that
   * OpenID Connect provider (authorization code with PKCE, a public client). Tokens must then carry this issuer.
   */
  abstract oidc: { issuer: string; clientId: string; scope: string } | null;
  /** `ONEGATE_DIRECTORY`: JSON file of users loaded at start. */
  abstract directoryFile: string | null;
  /** `ONEGATE_SLA`: JSON file overriding stage SLAs (deadlines, next issue). */
  abstract slaFile: string | null;
  /** `ONEGATE_TIMEZONE`, default Asia/Jakarta. */
  abstract timezone: string;
  /** `ONEGATE_HOLIDAYS`: JSON file of extra non-working dates. */
  abstract holidaysFile: string | null;
  /**
   * `ONEGATE_MONEV` (contract §10): JSON, any of `endOfTerm` (working days before validUntil the end-of-term
   * evaluation opens) and `report`, `review`, `conclusion` (the `due` of the evaluation's three stages).
   * Absent in a test's config: DEFAULT_MONEV.
   */
  abstract monev?: MonevSettings;
  /**
   * `ONEGATE_LETTERHEAD`: the city's letterhead on the half-yearly report (contract §9), lines split by
   * `|` or a newline, e.g. `PEMERINTAH KOTA JAMBI|SEKRETARIAT DAERAH|BAGIAN KERJA SAMA` (the default: DEFAULT_LETTERHEAD).
   */
  abstract letterhead?: string[];
  /** `ONEGATE_ROLE`: api, worker or all (default). */
  abstract role: ProcessRole;
  /**
   * `PUBLIC_URL`: the address users reach the web app at, without a trailing slash; every link in a
   * message starts with it (default http://localhost:PORT; production requires it).
   */
  abstract publicUrl: string;
  /** `ONEGATE_RECONCILE_SECONDS`: how often pending timers and mails are re-queued (default 30). */
  abstract reconcileSeconds: number;
  /** `ONEGATE_QUEUE_LOCK_MS`: how long a worker holds a job before another may take it back (default 30000). */
  abstract queueLockMs: number;
  /** `ONEGATE_SMTP_TIMEOUT_MS`: how long to wait on a silent SMTP server before the attempt fails and retries (default 20000). */
  abstract smtpTimeoutMs: number;
  /** `ONEGATE_CHECKPOINT_HOURS`: a Merkle checkpoint is taken when the last is older than this (default 24; 0 = off). */
  abstract checkpointHours: number;
  /** `ONEGATE_QUEUE_PREFIX`: prefix of onegate's Redis keys (default onegate), to share one Redis. */
  abstract queuePrefix: string;
  /** `ONEGATE_DEMO_USERS`: create one demo user per role on first start (default: on for the embedded default; never in production). */
  abstract demoUsers: boolean;
  /**
   * `ONEGATE_METRICS_TOKEN`: when set, `GET /metrics` wants `Authorization: Bearer <it>`; unset (and
   * absent here), /metrics is open, as Prometheus scrapes usually are inside a private network.
   */
  abstract metricsToken?: string | null;
  /**
   * `ONEGATE_SIGN_IN_RATE_LIMIT`: requests per minute one client address may make to each sign-in
   * route (and, once built, each `/public` route); more get 429 with Retry-After. Default 30.
   */
  abstract signInRateLimit?: number;
  /** `ONEGATE_LOG_LEVEL`: fatal, error, warn, info (default), debug, trace or silent. */
  abstract logLevel?: LogLevel;
  /**
   * `ONEGATE_OFFER_ATTACHMENTS` (contract §11): which files a partner's offer through `/public/offers` must
   * carry, by partner category (`profile`: the company profile, `legal`: its legal papers); over
   * DEFAULT_OFFER_ATTACHMENTS.
   */
  abstract offerAttachments?: OfferAttachments;
  /** `ONEGATE_PUBLIC_REGISTRY`: `on` (default) serves the public registry at `/public/…` (contract §9); `off` removes it (404). */
  abstract publicRegistry?: boolean;
  /**
   * `ONEGATE_SIGNING` (contract §12): `upload` (default: the mayor's office uploads the scanned signed
   * copy), `local` (PAdES with the PKCS#12 `SIGNING_P12`; without it, outside production, a demo
   * certificate made on first start under `dataDir/signing/`) or `bsre` (BSrE API v2 at `BSRE_URL`,
   * Basic auth `BSRE_USER`/`BSRE_PASSWORD`, each call given up after `BSRE_TIMEOUT_MS`, default 30000).
   * Absent in a test's config: upload.
   */
  abstract signing?: SigningSettings;
  /**
   * `WHATSAPP_URL` + `WHATSAPP_TOKEN` (contract §12): messages also go on WhatsApp, by `POST url` with the
   * form fields `target` and `message` and `Authorization: token`, to users whose channels include it.
   * Unset (and absent here): e-mail only.
   */
  abstract whatsapp?: { url: string; token: string } | null;
  /** Variables of contract §2 that are set but that this version does not build yet (told at start, see NOT_YET_BUILT). */
  abstract notYetBuilt?: string[];
}

/**
 * Variables the contract (§2) names for capabilities this version does not have yet. Set, they would
 * silently do nothing, so the start says so, naming each (the log's warning, main.ts).
 */
export const NOT_YET_BUILT: Readonly<Record<string, string>> = {
  ONEGATE_MONEV: 'monitoring and evaluation of agreements is not built yet',
};

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = resolve(env.ONEGATE_DATA_DIR ?? 'data');
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got "${env.PORT}"`);
  const databaseUrl = blankToNull(env.DATABASE_URL);
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL (leave it unset for the embedded database)');
  }
  const redisUrl = blankToNull(env.REDIS_URL);
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL');
  const smtpUrl = blankToNull(env.SMTP_URL);
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL');
  const role = (env.ONEGATE_ROLE ?? 'all') as ProcessRole;
  if (!['api', 'worker', 'all'].includes(role)) throw new ConfigError('ONEGATE_ROLE must be api, worker or all');
  const timezone = env.ONEGATE_TIMEZONE ?? 'Asia/Jakarta';
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new ConfigError(`ONEGATE_TIMEZONE is not a known time zone: "${timezone}"`);
  }
  const logLevel = (blankToNull(env.ONEGATE_LOG_LEVEL) ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`ONEGATE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.ONEGATE_LOG_LEVEL}"`);
  const production = env.NODE_ENV === 'production';
  const jwksUrl = blankToNull(env.AUTH_JWKS_URL);
  let jwtSecret = blankToNull(env.AUTH_JWT_SECRET);
  if (!jwtSecret && !jwksUrl) {
    if (production) throw new ConfigError('NODE_ENV=production needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
    jwtSecret = readOrCreateSecret(dataDir);
  }
  if (production && jwtSecret && Buffer.byteLength(jwtSecret) < 32) throw new ConfigError('AUTH_JWT_SECRET must be at least 32 bytes in production');
  const publicUrl = publicUrlOf(env, port, production);
  const oidc = oidcConfig(env, jwksUrl);
  return {
    port,
    production,
    dataDir,
    database: databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'sqlite', file: join(dataDir, 'onegate.sqlite') },
    redisUrl,
    smtpUrl,
    mailFrom: env.MAIL_FROM ?? 'onegate@localhost',
    jwtSecret,
    jwksUrl,
    tokenMaxTtlSeconds: isoDurationSeconds(env.AUTH_TOKEN_MAX_TTL, 'AUTH_TOKEN_MAX_TTL', 'P1D'),
    oidc,
    directoryFile: fileOrNull(env.ONEGATE_DIRECTORY, 'ONEGATE_DIRECTORY'),
    slaFile: fileOrNull(env.ONEGATE_SLA, 'ONEGATE_SLA'),
    timezone,
    holidaysFile: fileOrNull(env.ONEGATE_HOLIDAYS, 'ONEGATE_HOLIDAYS'),
    monev: monevOf(env.ONEGATE_MONEV),
    letterhead: letterheadOf(env.ONEGATE_LETTERHEAD),
    role,
    publicUrl,
    reconcileSeconds: positiveNumber(env.ONEGATE_RECONCILE_SECONDS, 'ONEGATE_RECONCILE_SECONDS', 30),
    queueLockMs: positiveNumber(env.ONEGATE_QUEUE_LOCK_MS, 'ONEGATE_QUEUE_LOCK_MS', 30_000),
    smtpTimeoutMs: positiveNumber(env.ONEGATE_SMTP_TIMEOUT_MS, 'ONEGATE_SMTP_TIMEOUT_MS', 20_000),
    checkpointHours: env.ONEGATE_CHECKPOINT_HOURS === '0' ? 0 : positiveNumber(env.ONEGATE_CHECKPOINT_HOURS, 'ONEGATE_CHECKPOINT_HOURS', 24),
    queuePrefix: blankToNull(env.ONEGATE_QUEUE_PREFIX) ?? 'onegate',
    // Production never creates demo users (nor logs their tokens), whatever ONEGATE_DEMO_USERS says.
    demoUsers: !production && (env.ONEGATE_DEMO_USERS ? env.ONEGATE_DEMO_USERS === 'true' : !databaseUrl),
    metricsToken: blankToNull(env.ONEGATE_METRICS_TOKEN),
    signInRateLimit: positiveNumber(env.ONEGATE_SIGN_IN_RATE_LIMIT, 'ONEGATE_SIGN_IN_RATE_LIMIT', 30),
    logLevel,
    offerAttachments: offerAttachmentsOf(env.ONEGATE_OFFER_ATTACHMENTS),
    whatsapp: whatsappOf(env),
    publicRegistry: onOff(env.ONEGATE_PUBLIC_REGISTRY, 'ONEGATE_PUBLIC_REGISTRY', true),
    signing: signingOf(env, dataDir, production),
    notYetBuilt: Object.keys(NOT_YET_BUILT).filter((name) => blankToNull(env[name]) !== null),
  };
}

export type SigningSettings =
  | { mode: 'upload' }
  /** `p12File` null: the demo certificate under `dataDir/signing/` (made on first start). */
  | { mode: 'local'; p12File: string | null; dataDir: string }
  | { mode: 'bsre'; url: string; user: string; password: string; timeoutMs: number };

export const SIGNING_MODES = ['upload', 'local', 'bsre'] as const;

/** ONEGATE_SIGNING and the variables of its backend; a missing one stops the start naming it. */
export function signingOf(env: NodeJS.ProcessEnv, dataDir: string, production: boolean): SigningSettings {
  const mode = (blankToNull(env.ONEGATE_SIGNING) ?? 'upload').toLowerCase();
  if (mode === 'upload') return { mode };
  if (mode === 'local') {
    const p12File = fileOrNull(env.SIGNING_P12, 'SIGNING_P12');
    if (!p12File && production) throw new ConfigError('ONEGATE_SIGNING=local in production needs SIGNING_P12 (the PKCS#12 file of the signer): the demo certificate is for trying onegate out');
    return { mode, p12File, dataDir };
  }
  if (mode === 'bsre') {
    const url = blankToNull(env.BSRE_URL);
    if (!url || !/^https?:\/\//.test(url)) throw new ConfigError(`ONEGATE_SIGNING=bsre needs BSRE_URL, the http(s) address of BSrE's API (without /api/v2), got "${env.BSRE_URL ?? ''}"`);
    const user = blankToNull(env.BSRE_USER);
    const password = blankToNull(env.BSRE_PASSWORD);
    if (!user || !password) throw new ConfigError('ONEGATE_SIGNING=bsre needs BSRE_USER and BSRE_PASSWORD (the Basic auth BSrE gave this application)');
    return { mode, url: url.replace(/\/+$/, ''), user, password, timeoutMs: positiveNumber(env.BSRE_TIMEOUT_MS, 'BSRE_TIMEOUT_MS', 30_000) };
  }
  throw new ConfigError(`ONEGATE_SIGNING must be one of ${SIGNING_MODES.join(', ')}, got "${env.ONEGATE_SIGNING}"`);
}

export interface MonevSettings {
  endOfTerm: string;
  report: string;
  review: string;
  conclusion: string;
}

export const DEFAULT_MONEV: Readonly<MonevSettings> = { endOfTerm: 'P30D', report: 'P10D', review: 'P5D', conclusion: 'P5D' };

/** ONEGATE_MONEV over DEFAULT_MONEV: a JSON object of ISO 8601 durations (a `D` part counts working days). */
export function monevOf(value: string | undefined): MonevSettings {
  const text = blankToNull(value);
  if (text === null) return { ...DEFAULT_MONEV };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`ONEGATE_MONEV is not valid JSON (${(e as Error).message}): "${text.slice(0, 80)}"`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`ONEGATE_MONEV must be a JSON object such as ${JSON.stringify(DEFAULT_MONEV)}`);
  const settings = { ...DEFAULT_MONEV };
  for (const [key, v] of Object.entries(raw)) {
    if (!(key in DEFAULT_MONEV)) throw new ConfigError(`ONEGATE_MONEV.${key} is not a setting (known: ${Object.keys(DEFAULT_MONEV).join(', ')})`);
    if (typeof v !== 'string') throw new ConfigError(`ONEGATE_MONEV.${key} must be an ISO 8601 duration string such as "P10D", got ${JSON.stringify(v)}`);
    try {
      const d = parseDuration(v);
      if (key !== 'endOfTerm' && d.days === 0 && d.ms === 0) throw new DurationError(v, 'is zero: a stage needs a due time after its task opens');
    } catch (e) {
      if (e instanceof DurationError) throw new ConfigError(`ONEGATE_MONEV.${key} = "${v}": ${e.reason}`);
      throw e;
    }
    settings[key as keyof MonevSettings] = v;
  }
  return settings;
}

/** The files of a partner's offer (contract §11): its company profile and its legal papers. */
export const OFFER_FILES = ['profile', 'legal'] as const;
export type OfferFile = (typeof OFFER_FILES)[number];
export type OfferAttachments = Record<PartnerCategory, OfferFile[]>;

/** What an offer must carry when ONEGATE_OFFER_ATTACHMENTS is unset: a company (third party, foreign) both; a government neither. */
export const DEFAULT_OFFER_ATTACHMENTS: Readonly<OfferAttachments> = { region: [], central_government: [], third_party: ['profile', 'legal'], foreign: ['profile', 'legal'] };

/** ONEGATE_OFFER_ATTACHMENTS over the default: a JSON object `{ "<category>": ["profile", "legal"], … }`. */
export function offerAttachmentsOf(value: string | undefined): OfferAttachments {
  const settings: OfferAttachments = { region: [...DEFAULT_OFFER_ATTACHMENTS.region], central_government: [...DEFAULT_OFFER_ATTACHMENTS.central_government], third_party: [...DEFAULT_OFFER_ATTACHMENTS.third_party], foreign: [...DEFAULT_OFFER_ATTACHMENTS.foreign] };
  const text = blankToNull(value);
  if (text === null) return settings;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`ONEGATE_OFFER_ATTACHMENTS is not valid JSON (${(e as Error).message}): "${text.slice(0, 80)}"`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`ONEGATE_OFFER_ATTACHMENTS must be a JSON object such as ${JSON.stringify(DEFAULT_OFFER_ATTACHMENTS)}`);
  for (const [key, v] of Object.entries(raw)) {
    if (!(PARTNER_CATEGORIES as readonly string[]).includes(key)) throw new ConfigError(`ONEGATE_OFFER_ATTACHMENTS.${key} is not a partner category (known: ${PARTNER_CATEGORIES.join(', ')})`);
    if (!Array.isArray(v) || v.some((f) => !(OFFER_FILES as readonly unknown[]).includes(f))) {
      throw new ConfigError(`ONEGATE_OFFER_ATTACHMENTS.${key} must be a list of ${OFFER_FILES.join(', ')}, got ${JSON.stringify(v)}`);
    }
    settings[key as PartnerCategory] = [...new Set(v as OfferFile[])];
  }
  return settings;
}

/** A report's letterhead when ONEGATE_LETTERHEAD is unset: the section's own lines, the city left for the operator to name. */
export const DEFAULT_LETTERHEAD: readonly string[] = ['PEMERINTAH KOTA', 'SEKRETARIAT DAERAH', 'BAGIAN KERJA SAMA'];

/** Up to six lines of at most 120 characters each; a blank variable is the default. */
function letterheadOf(value: string | undefined): string[] {
  const text = blankToNull(value);
  if (text === null) return [...DEFAULT_LETTERHEAD];
  const lines = text
    .split(/\||\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0 || lines.length > 6) throw new ConfigError(`ONEGATE_LETTERHEAD must have 1 to 6 lines split by "|", got ${lines.length}`);
  const long = lines.find((l) => l.length > 120);
  if (long) throw new ConfigError(`ONEGATE_LETTERHEAD: a line is longer than 120 characters: "${long.slice(0, 40)}…"`);
  return lines;
}

/** `on` or `off` (any case, blank = the default); anything else stops the start naming the variable. */
function onOff(value: string | undefined, name: string, fallback: boolean): boolean {
  const v = blankToNull(value)?.trim().toLowerCase();
  if (v === undefined || v === null) return fallback;
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new ConfigError(`${name} must be on or off, got "${value}"`);
}

/** Both WHATSAPP_URL (http or https) and WHATSAPP_TOKEN, or neither. */
function whatsappOf(env: NodeJS.ProcessEnv): AppConfig['whatsapp'] {
  const url = blankToNull(env.WHATSAPP_URL);
  const token = blankToNull(env.WHATSAPP_TOKEN);
  if (!url && !token) return null;
  if (!url) throw new ConfigError('WHATSAPP_TOKEN needs WHATSAPP_URL (the gateway\'s send address)');
  if (!token) throw new ConfigError('WHATSAPP_URL needs WHATSAPP_TOKEN (sent as the gateway\'s Authorization header)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`WHATSAPP_URL must be an http(s) URL, got "${url}"`);
  }
  if (!/^https?:$/.test(parsed.protocol)) throw new ConfigError(`WHATSAPP_URL must be an http(s) URL, got "${url}"`);
  return { url, token };
}

function oidcConfig(env: NodeJS.ProcessEnv, jwksUrl: string | null): AppConfig['oidc'] {
  const issuer = blankToNull(env.AUTH_OIDC_ISSUER);
  const clientId = blankToNull(env.AUTH_OIDC_CLIENT_ID);
  if (!issuer && !clientId) return null;
  if (!issuer) throw new ConfigError('AUTH_OIDC_CLIENT_ID needs AUTH_OIDC_ISSUER (the provider\'s issuer URL)');
  if (!clientId) throw new ConfigError('AUTH_OIDC_ISSUER needs AUTH_OIDC_CLIENT_ID (the web app\'s public client id)');
  if (!/^https?:\/\//.test(issuer)) throw new ConfigError(`AUTH_OIDC_ISSUER must be an http(s) URL, got "${issuer}"`);
  if (!jwksUrl) throw new ConfigError('AUTH_OIDC_ISSUER needs AUTH_JWKS_URL, where the API finds the provider\'s signing keys');
  return { issuer: issuer.replace(/\/+$/, ''), clientId, scope: blankToNull(env.AUTH_OIDC_SCOPE) ?? 'openid profile email' };
}

/** `PUBLIC_URL` (the older `ONEGATE_PUBLIC_URL` still read), an http(s) URL without a trailing slash. */
function publicUrlOf(env: NodeJS.ProcessEnv, port: number, production: boolean): string {
  const name = env.PUBLIC_URL !== undefined ? 'PUBLIC_URL' : 'ONEGATE_PUBLIC_URL';
  const value = blankToNull(env[name]);
  if (!value) {
    if (production) throw new ConfigError('PUBLIC_URL must be set in production: the address users reach onegate at, for the links in its messages');
    return `http://localhost:${port}`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
  }
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash) throw new ConfigError(`${name} must be an http(s) URL without query or fragment, got "${value}"`);
  return value.replace(/\/+$/, '');
}

/** The default `AUTH_TOKEN_MAX_TTL`, one day, in seconds. */
export const DEFAULT_TOKEN_MAX_TTL_SECONDS = 86_400;

/** A configuration's longest token lifetime in seconds (`AUTH_TOKEN_MAX_TTL`, default P1D). */
export function tokenMaxTtlOf(config: Pick<AppConfig, 'tokenMaxTtlSeconds'>): number {
  return config.tokenMaxTtlSeconds ?? DEFAULT_TOKEN_MAX_TTL_SECONDS;
}

/** Seconds in words, for messages and the log: `1 day`, `8 hours`, `90 minutes`, `30 seconds`. */
export function describeSeconds(seconds: number): string {
  const [n, unit] = seconds % 86_400 === 0 ? [seconds / 86_400, 'day'] : seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * An ISO 8601 duration of weeks, days, hours, minutes and seconds (`P1D`, `PT8H`, `P1DT12H`) in
 * seconds, a day being 24 hours. Years and months are refused: their length depends on the calendar.
 */
export function parseIsoDuration(text: string): number | null {
  const m = ISO_DURATION.exec(text);
  if (!m || text.endsWith('T') || m.slice(1).every((part) => part === undefined)) return null;
  const [w, d, h, min, s] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number];
  const seconds = (((w * 7 + d) * 24 + h) * 60 + min) * 60 + s;
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : null;
}

function isoDurationSeconds(value: string | undefined, name: string, fallback: string): number {
  const text = blankToNull(value) ?? fallback;
  const seconds = parseIsoDuration(text);
  if (seconds === null) throw new ConfigError(`${name} must be an ISO 8601 duration of weeks, days, hours, minutes or seconds, longer than zero (P1D, PT8H, P1DT12H), got "${value}"`);
  return seconds;
}

function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got "${value}"`);
  return n;
}

function blankToNull(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim();
}

function fileOrNull(value: string | undefined, name: string): string | null {
  const path = blankToNull(value);
  if (path && !existsSync(path)) throw new ConfigError(`${name} names a file that does not exist: ${path}`);
  return path ? resolve(path) : null;
}

/** The embedded default keeps one generated secret, so tokens survive restarts. */
function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
