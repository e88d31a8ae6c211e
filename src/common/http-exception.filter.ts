import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, isDependencyUnavailable } from './errors.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  [extra: string]: unknown;
}

/** The largest error body the API sends (contract §7): a message quoting a hostile input is cut to fit. */
export const MAX_ERROR_BODY_BYTES = 16 * 1024;

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/**
 * Cuts an error body to MAX_ERROR_BODY_BYTES, keeping `{statusCode, error, message}` and valid JSON:
 * the message is shortened (ending with how much was left out), the named `field` kept short, the
 * list of failing `fields` cut to those that fit, and any other detail dropped when it does not fit.
 */
export function capErrorBody(body: ErrorBody, limit = MAX_ERROR_BODY_BYTES): ErrorBody {
  if (bytes(body) <= limit) return body;
  const { statusCode, error, message, code, field, fields, ...extra } = body;
  const capped: ErrorBody = { statusCode, error, message: cut(message, 1024), ...(code ? { code } : {}) };
  if (typeof field === 'string') capped.field = cut(field, 256);
  // A quarter of the room for the failing fields, then the other details while they fit, then the message.
  if (Array.isArray(fields)) {
    const kept: unknown[] = [];
    for (const f of fields as { field?: unknown; message?: unknown }[]) {
      const one = { field: cut(String(f?.field ?? ''), 256), message: cut(String(f?.message ?? ''), 256) };
      if (bytes(kept) + bytes(one) > limit / 4) break;
      kept.push(one);
    }
    capped.fields = kept;
    if (kept.length < fields.length) capped.fieldsOmitted = fields.length - kept.length;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (bytes(capped) + bytes({ [key]: value }) <= limit / 2) capped[key] = value;
  }
  // What is left goes to the message; escapes (`\u0000`) take up to 6 bytes a character, so measure.
  for (let budget = limit - bytes({ ...capped, message: '' }); budget > 0; budget = Math.floor(budget / 2)) {
    const candidate = { ...capped, message: cut(message, budget) };
    if (bytes(candidate) <= limit) return candidate;
  }
  return { ...capped, message: cut(message, 0) };
}

/** `s` in at most `max` characters (UTF-16 units, never splitting a surrogate pair), saying how many were left out. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const note = ` … (${s.length - max} more characters)`;
  let end = Math.max(0, max - note.length);
  if (end > 0 && /[\ud800-\udbff]/.test(s[end - 1]!)) end--;
  return s.slice(0, end) + note;
}

/** Seconds a client should wait before retrying a 503 (the database restarting, a failover). */
export const RETRY_AFTER_SECONDS = 2;

/** The one place that turns any error into the contract's `{statusCode, error, message}` (§7). */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof DomainError) {
    return { statusCode: err.status, error: REASONS[err.status] ?? 'Error', message: err.message, code: err.code, ...err.details };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const message =
      typeof res === 'string' ? res : Array.isArray((res as { message?: unknown }).message) ? ((res as { message: string[] }).message).join('; ') : String((res as { message?: unknown }).message ?? err.message);
    return { statusCode: status, error: REASONS[status] ?? 'Error', message };
  }
  const fastifyError = err as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const message =
      fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'body: the JSON body is larger than 1 MiB'
        : fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'content-type: this media type is not accepted here'
          : status === 400 && /JSON/i.test(fastifyError.message ?? '')
            ? `body: malformed JSON (${fastifyError.message})`
            : (fastifyError.message ?? 'bad request');
    return { statusCode: status, error: REASONS[status] ?? 'Error', message, code: fastifyError.code };
  }
  if (isDependencyUnavailable(err)) {
    return { statusCode: 503, error: REASONS[503]!, message: 'the database is unavailable; try again shortly', code: 'DependencyUnavailable' };
  }
  return { statusCode: 500, error: REASONS[500]!, message: 'internal error' };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(err: unknown, host: ArgumentsHost): void {
    const body = capErrorBody(toErrorBody(err));
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (body.statusCode === 503) {
      this.logger.warn(`503: ${err instanceof Error ? err.message : String(err)}`);
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    } else if (body.statusCode >= 500) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    else if (err instanceof DomainError && err.code === 'ConcurrentWriteWon') this.logger.warn(`409: ${err.message} (${err.cause instanceof Error ? err.cause.message : 'conflict'})`);
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}

/**
 * For fastify's `frameworkErrors`: what its router refuses before any route runs (a path that does not
 * decode, a path parameter over `maxParamLength`) answered in the contract's shape, without echoing
 * the whole URL back as fastify's own answer does.
 */
export function answerFrameworkError(err: { code?: string; statusCode?: number; message?: string }, _req: unknown, reply: FastifyReply): void {
  const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : (err.statusCode ?? 400);
  const message =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'path: a path parameter is longer than 256 characters (no id is)'
      : err.code === 'FST_ERR_BAD_URL'
        ? 'path: is not valid percent-encoded UTF-8'
        : (err.message ?? 'bad request');
  void reply
    .status(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(capErrorBody({ statusCode: status, error: REASONS[status] ?? 'Error', message, ...(err.code ? { code: err.code } : {}) }));
}
