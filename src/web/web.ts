import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LABELS } from '../i18n/labels.js';

/** The browser modules the web app imports by bare name (its import map points here). */
const VENDOR: Record<string, string> = {
  'preact.mjs': 'preact/dist/preact.module.js',
  'preact-hooks.mjs': 'preact/hooks/dist/hooks.module.js',
  'htm.mjs': 'htm/dist/htm.module.js',
  'htm-preact.mjs': 'htm/preact/index.module.js',
};

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
 * Serves the web app at `/` from `web/` (plain ES modules, no build step) and the few vendor modules
 * it needs from node_modules at `/vendor/`. Hash routing (`/#/inbox`) means no server-side fallback.
 */
export async function serveWebApp(app: NestFastifyApplication): Promise<void> {
  const root = projectRoot();
  const instance = app.getHttpAdapter().getInstance();
  await app.register(fastifyStatic as never, { root: join(root, 'web'), prefix: '/', index: ['index.html'], decorateReply: false, wildcard: false, cacheControl: false });
  // The one catalogue of labels (src/i18n/labels.ts), as the browser module the web app imports.
  const labels = `export const LABELS = ${JSON.stringify(LABELS)};\n`;
  instance.get('/labels.js', (_req, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(labels));
  for (const [name, modulePath] of Object.entries(VENDOR)) {
    // Read once at start: a few small files that do not change while the process runs.
    const body = readFileSync(join(root, 'node_modules', modulePath));
    instance.get(`/vendor/${name}`, (_req, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(body),
    );
  }
}
