import fastifyRateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config.js';

/** The routes anyone may call without a token, where guessing and flooding happen: sign-in and `/public`. */
export function isRateLimited(url: string): boolean {
  const path = url.split('?')[0]!;
  return path.startsWith('/api/auth/sign-in') || path === '/public' || path.startsWith('/public/');
}

/**
 * Limits sign-in and `/public` (the public registry, partners' offers and their tracking pages) per client address with
 * @fastify/rate-limit: `ONEGATE_SIGN_IN_RATE_LIMIT` requests a minute over all those routes together, then 429 with
 * `Retry-After` in the contract's error shape (§7). The count is kept in each API process: behind a
 * load balancer of N processes an address gets at most N times the limit, which still stops guessing.
 * Routes the limit does not cover pass through untouched (the allow list), so the API itself is never slowed.
 */
export async function limitAnonymousRoutes(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(fastifyRateLimit as never, {
    global: true,
    max: config.signInRateLimit ?? 30,
    timeWindow: 60_000,
    allowList: (req: FastifyRequest) => !isRateLimited(req.url),
    errorResponseBuilder: (_req: FastifyRequest, context: { after: string; max: number }) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `too many requests from this address (at most ${context.max} a minute); try again in ${context.after}`,
      code: 'TooManyRequests',
    }),
  });
}
