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
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  [extra: string]: unknown;
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
    const body = toErrorBody(err);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (body.statusCode === 503) {
      this.logger.warn(`503: ${err instanceof Error ? err.message : String(err)}`);
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    } else if (body.statusCode >= 500) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    else if (err instanceof DomainError && err.code === 'ConcurrentWriteWon') this.logger.warn(`409: ${err.message} (${err.cause instanceof Error ? err.cause.message : 'conflict'})`);
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
