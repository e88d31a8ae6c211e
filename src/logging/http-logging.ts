import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { runInContext } from '../common/request-context.js';

/** Scrapes and probes: one line each would drown the log, so they are written at debug. */
const PROBES = new Set(['/metrics', '/api/health']);

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
      logger.debug({ context: 'HTTP', method: request.method, url: request.url, headers: request.headers }, 'request received');
      done();
    });
  });
  instance.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?')[0]!;
    const level = PROBES.has(path) ? 'debug' : reply.statusCode >= 500 ? 'error' : 'info';
    runInContext({ requestId: request.id }, () =>
      logger[level]({ context: 'HTTP', method: request.method, path, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed'),
    );
    done();
  });
}
