import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { runInContext } from '../common/request-context.js';

/** Scrapes and probes: one line each would drown the log, so they are written at debug. */
const PROBES = new Set(['/metrics', '/api/health']);

/** A path or address with any offer's tracking code (`/offers/<code>`, `/public/offers/<code>/…`) masked: the code is a secret (contract §11). */
export function redactTrackingCodes(url: string): string {
  return url.replace(/(\/offers\/)[^/?#\s]+/g, '$1[REDACTED]');
}

/**
 * Every request runs in a context holding its id (fastify's `request.id`, from a sane `X-Request-Id`
 * or a new UUID, see `requestIdFrom`), which is echoed in the response and carried by every log line
 * written while serving it (also when the body arrives in several packets: test/logging.e2e-spec.ts);
 * one line is written per completed request.
 */
export function registerRequestLogging(instance: FastifyInstance, logger: Logger): void {
  instance.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    runInContext({ requestId: request.id }, () => {
      const headers = request.headers.referer ? { ...request.headers, referer: redactTrackingCodes(request.headers.referer) } : request.headers;
      logger.debug({ context: 'HTTP', method: request.method, url: redactTrackingCodes(request.url), headers }, 'request received');
      done();
    });
  });
  instance.addHook('onResponse', (request, reply, done) => {
    const path = redactTrackingCodes(request.url.split('?')[0]!);
    const level = PROBES.has(path) ? 'debug' : reply.statusCode >= 500 ? 'error' : 'info';
    runInContext({ requestId: request.id }, () =>
      logger[level]({ context: 'HTTP', method: request.method, path, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed'),
    );
    done();
  });
}
