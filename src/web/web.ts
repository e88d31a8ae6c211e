import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { LABELS } from '../i18n/labels.js';

/** The browser modules the web app imports by bare name (its import map points here). */
const VENDOR: Record<string, string> = {
  'preact.mjs': 'preact/dist/preact.module.js',
  'preact-hooks.mjs': 'preact/hooks/dist/hooks.module.js',
  'htm.mjs': 'htm/dist/htm.module.js',
  'htm-preact.mjs': 'htm/preact/index.module.js',
  // The OpenID Connect client (web/oidc.js): one ES module with no imports of its own.
  'oauth4webapi.mjs': 'oauth4webapi/build/index.js',
};

/**
 * The web app's screens (web/router.js routes the same list): each answers with index.html, so a link
 * in a mail (`PUBLIC_URL/tasks/<id>`, `/cases/<id>`) or a reload opens the app there. Anything else that
 * is not a static file stays a 404; `/api/…` is never the app.
 */
export const APP_ROUTES = ['/inbox', '/cases', '/cases/:id', '/tasks/:id', '/new', '/audit/:id', '/dashboard', '/agreements', '/agreements/:id', '/profile'] as const;

/** A partner's pages (contract §11), no sign-in: the offer form and the tracking page (web/offer.js). */
export const PUBLIC_PAGES = ['/offer', '/offers/:code'] as const;

/** The project folder (with package.json and web/), found from the working directory up. */
export function projectRoot(): string {
  let dir = process.cwd();
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'web', 'index.html'))) return dir;
    dir = dirname(dir);
  }
  return resolve('.');
}

/**
 * The Content-Security-Policy of the web app: scripts only from this origin, plus the one inline
 * script index.html needs (its import map, allowed by hash: an import map cannot be an external
 * file); the browser talks to this origin and, with OpenID Connect, to the provider (discovery and
 * the token exchange). Inline styles stay allowed for the workflow diagram's SVG attributes.
 */
export function contentSecurityPolicy(indexHtml: string, oidcIssuer: string | null): string {
  const hashes = [...indexHtml.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
  const connect = ["'self'", ...(oidcIssuer ? [new URL(oidcIssuer).origin] : [])];
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The headers every response carries (contract §7), set by @fastify/helmet on every request before
 * anything else can answer, so refusals, 404s and errors carry them too: `X-Content-Type-Options:
 * nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: same-origin`, HSTS, and helmet's cross-origin
 * policies. Register before every other hook. The Content-Security-Policy depends on the path and is
 * added by serveWebApp (helmet's own CSP is one policy for all).
 */
export async function registerSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyHelmet as never, {
    global: true,
    contentSecurityPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    noSniff: true,
  });
}

/** The CSP by path: the web app's (scripts of this origin only), the API's deny-all one, Swagger UI's. */
function addContentSecurityPolicy(instance: FastifyInstance, appPolicy: string): void {
  const apiPolicy = "default-src 'none'; frame-ancestors 'none'";
  // The OpenAPI page (Swagger UI): its scripts are files of this origin, its template has inline styles.
  const docsPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
  instance.addHook('onSend', (request, reply, payload, done) => {
    const path = request.url.split('?')[0]!;
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', path.startsWith('/api/docs') ? docsPolicy : path.startsWith('/api/') || path.startsWith('/public/') ? apiPolicy : appPolicy);
    done(null, payload);
  });
}

/**
 * Serves the web app from `web/` (plain ES modules, no build step) at `/` and at every screen's path
 * (APP_ROUTES: the app routes with the History API), the vendor modules it needs from node_modules at
 * `/vendor/`, the labels catalogue and the city's time zone at `/labels.js`, and the public registry's
 * page at `/registry` (web/registry.html, no sign-in; 404 with ONEGATE_PUBLIC_REGISTRY=off).
 */
export async function serveWebApp(app: NestFastifyApplication): Promise<void> {
  const root = projectRoot();
  const instance = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const config = app.get(AppConfig);
  // Read once at start, like the vendor modules: the CSP hash of its import map is computed from these bytes.
  const indexHtml = readFileSync(join(root, 'web', 'index.html'), 'utf8');
  addContentSecurityPolicy(instance, contentSecurityPolicy(indexHtml, config.oidc?.issuer ?? null));
  // The public registry's page (contract §9) has one address, /registry, which ONEGATE_PUBLIC_REGISTRY=off removes.
  const registryHtml = readFileSync(join(root, 'web', 'registry.html'), 'utf8');
  const allowedPath = (pathName: string) => pathName !== '/registry.html';
  await app.register(fastifyStatic as never, { root: join(root, 'web'), prefix: '/', index: ['index.html'], decorateReply: false, wildcard: false, cacheControl: false, allowedPath });
  instance.get('/registry', (_req, reply) => {
    if (config.publicRegistry === false) return reply.callNotFound();
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(registryHtml);
  });
  for (const route of [...APP_ROUTES, ...PUBLIC_PAGES]) {
    instance.get(route, (_req, reply) => reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml));
  }
  // The one catalogue of labels (src/i18n/labels.ts), the city's time zone (ONEGATE_TIMEZONE) and how the mayor signs (ONEGATE_SIGNING), as the
  // browser module the web app imports (typed for `npm run typecheck:web` by src/web/labels-module.d.ts).
  const labels = `export const LABELS = ${JSON.stringify(LABELS)};\nexport const TIME_ZONE = ${JSON.stringify(config.timezone)};\nexport const SIGNING = ${JSON.stringify(config.signing?.mode ?? 'upload')};\n`;
  instance.get('/labels.js', (_req, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(labels));
  for (const [name, modulePath] of Object.entries(VENDOR)) {
    // Read once at start: a few small files that do not change while the process runs.
    const body = readFileSync(join(root, 'node_modules', modulePath));
    instance.get(`/vendor/${name}`, (_req, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(body),
    );
  }
}
