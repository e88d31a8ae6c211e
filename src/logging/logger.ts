import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { AppConfig, LogLevel } from '../config/app-config.js';
import { currentContext } from '../common/request-context.js';

export interface LogOptions {
  level?: LogLevel;
  /** Where the JSON lines go (stdout when absent); tests pass a stream to read them. */
  destination?: DestinationStream;
  /** Values never to print (the JWT secret, passwords in URLs), replaced wherever they appear in a message. */
  secrets?: string[];
}

/** Structured fields that may hold credentials; pino replaces their values before the line is written. */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'headers["proxy-authorization"]',
  'authorization',
  'token',
  'password',
  'secret',
  'jwtSecret',
  '*.authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.jwtSecret',
];

/**
 * Credentials inside message text: bearer tokens, the password of any `scheme://user:pass@host`
 * URL (SMTP, PostgreSQL, Redis) and the given secret values. Bare tokens are left alone on purpose:
 * the demo users' tokens are printed on a first embedded start for the newcomer to use.
 */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/\b(bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, '$1[REDACTED]')
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]+@/gi, '$1:[REDACTED]@');
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join('[REDACTED]');
  return out;
}

/** Strings, errors and the top-level fields of a logged object, scrubbed; nested fields are left to `redact`. */
function scrubValue(value: unknown, secrets: readonly string[], descend: boolean): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (value instanceof Error) {
    return { type: value.name, message: scrubSecrets(value.message, secrets), ...(value.stack ? { stack: scrubSecrets(value.stack, secrets) } : {}) };
  }
  if (descend && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, secrets, false)]));
  }
  return value;
}

/** The secrets of a configuration that must never reach a log line. */
export function secretsOf(config: AppConfig): string[] {
  const fromUrl = (url: string | null) => {
    if (!url) return null;
    try {
      return decodeURIComponent(new URL(url).password) || null;
    } catch {
      return null;
    }
  };
  const database = config.database.kind === 'postgres' ? config.database.url : null;
  return [config.jwtSecret, config.metricsToken ?? null, fromUrl(config.smtpUrl), fromUrl(database), fromUrl(config.redisUrl)].filter((s): s is string => !!s);
}

/**
 * One JSON line per entry: `level`, `time`, `msg`, `context`, and the `requestId` (or `jobId`) of the
 * request or job being served, from the async context, so callers never pass it by hand.
 */
export function createLogger(options: LogOptions = {}): Logger {
  const secrets = options.secrets ?? [];
  return pino(
    {
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => ({ ...currentContext() }),
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => scrubValue(a, secrets, true));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    // Asynchronous: while one write to stdout is under way, the lines that follow gather and go in the
    // next, so a busy server makes a write per burst, not per line, and a quiet one writes each at once.
    // pino flushes what is left when the process exits.
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Nest's start-up chatter (modules loaded, every route mapped): useful when debugging, noise otherwise. */
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Routes Nest's `Logger` into pino, so `new Logger('Timers').log(…)` keeps working everywhere and
 * writes a structured line. Nest passes the context as the last argument, and for `error` a stack before it.
 */
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    if (level === 'info' && context && BOOT_CONTEXTS.has(context)) level = 'debug';
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = context ? { context } : {};
    let msg: string | undefined;
    if (message instanceof Error) {
      fields.err = message;
      msg = message.message;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
    } else {
      msg = String(message);
    }
    for (const p of rest) {
      if (p instanceof Error) fields.err = p;
      else if (typeof p === 'string') fields.stack = p;
      else if (typeof p === 'object' && p !== null) Object.assign(fields, p);
    }
    if (msg === undefined) this.pino[level](fields);
    else this.pino[level](fields, msg);
  }
}
