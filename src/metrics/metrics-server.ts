import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toErrorBody } from '../common/http-exception.filter.js';
import { DomainError } from '../common/errors.js';
import type { MetricsService } from './metrics.service.js';

/**
 * A worker process (`ONEGATE_ROLE=worker`) serves no API, yet its timers and mail are counted in its own
 * registry: it answers `GET /metrics` on its port, and nothing else.
 */
export async function serveMetrics(metrics: MetricsService, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const fail = (err: unknown) => {
      const body = toErrorBody(err);
      res.writeHead(body.statusCode, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return fail(new DomainError('NotFound', `${req.method} ${req.url} not found: a worker serves only GET /metrics`));
    metrics
      .authorize(req.headers.authorization)
      .then(() => metrics.scrape())
      .then((body) => res.writeHead(200, { 'content-type': metrics.contentType }).end(body), fail);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '0.0.0.0', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
