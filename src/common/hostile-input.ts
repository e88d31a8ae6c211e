import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { invalid } from './errors.js';

/** Deeper than any body the API takes (a checkpoint file is the deepest, at 4); the validators recurse. */
export const MAX_JSON_DEPTH = 32;

/**
 * Fields in one JSON object. The widest object the API takes is a case body, with 14 (its partner 4, a
 * checkpoint file 8): 100 is far above any real body, and far below the 60,000 unknown fields
 * that kept class-validator busy for seconds on an anonymous route (issue 15).
 */
export const MAX_JSON_KEYS = 100;

/**
 * Values in one JSON body, all levels counted. The largest real body is a task completion with its
 * 20 reviewers, under 30 values; a checkpoint file is 9. A 1 MiB body of `[0,0,…]` holds 500,000.
 */
export const MAX_JSON_NODES = 10_000;

/**
 * Names that mean a prototype, not data: class-transformer drops them silently (so an "unknown field"
 * would pass unrefused) and they are the vector of prototype pollution. No field of the API has one.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/** A UTF-16 surrogate without its pair (JSON's `"\ud800"`): with the `u` flag, a paired one is one code point outside the range. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** The string as the error may quote it: a lone surrogate written as its `\uXXXX` escape. */
function quotable(s: string): string {
  return s.replace(/[\ud800-\udfff]/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/**
 * Checks a parsed JSON body for what the validators cannot handle safely: nesting deeper than
 * MAX_JSON_DEPTH (class-transformer and the idempotency hash recurse, and overflow the stack on
 * 10,000 levels), more than MAX_JSON_KEYS fields in an object or MAX_JSON_NODES values in all (the
 * validators' work grows with each), the NUL character (PostgreSQL text cannot hold it), lone UTF-16
 * surrogates (JSON.parse takes `"\ud800"`, UTF-8 cannot encode it and PostgreSQL refuses it), and
 * prototype names as keys. Iterative, so a hostile body cannot overflow the stack here either.
 * Returns the refusal to throw.
 */
export function checkJsonBody(value: unknown): Error | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  let nodes = 1;
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    const field = path || 'body';
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return invalid(field, 'must not contain the NUL character (\\u0000)');
      if (LONE_SURROGATE.test(v)) return invalid(field, 'must not contain a lone UTF-16 surrogate (\\ud800–\\udfff without its pair): it is not text');
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) return invalid(field, `nested deeper than ${MAX_JSON_DEPTH} levels`);
    const isArray = Array.isArray(v);
    const keys = isArray ? null : Object.keys(v);
    const size = isArray ? v.length : keys!.length;
    if (!isArray && size > MAX_JSON_KEYS) return invalid(field, `has ${size} fields; no object of the API has more than ${MAX_JSON_KEYS}`);
    nodes += size;
    if (nodes > MAX_JSON_NODES) return invalid(field, `the body holds more than ${MAX_JSON_NODES} values; no request of the API needs as many`);
    for (let i = 0; i < size; i++) {
      const key = isArray ? String(i) : keys![i]!;
      const child = (v as Record<string, unknown>)[key];
      const childPath = isArray ? `${field}[${key}]` : path ? `${path}.${key}` : key;
      if (!isArray) {
        const where = path ? `${path}.(key)` : '(key)';
        if (key.includes('\u0000')) return invalid(where, 'a field name must not contain the NUL character (\\u0000)');
        if (LONE_SURROGATE.test(key)) return invalid(`${path ? `${path}.` : ''}${quotable(key)}`, 'a field name must not contain a lone UTF-16 surrogate');
        if (PROTOTYPE_KEYS.has(key)) return invalid(childPath, 'unknown field, not allowed');
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * A NUL in the path or query (`%00`): PostgreSQL cannot compare text holding it, so without this an id
 * or filter with `%00` would fail in the database instead of being refused. A query value whose
 * percent-encoding is not UTF-8 (`%ED%A0%80`, an encoded surrogate; `%FF`) would reach the filters
 * as U+FFFD, a value nobody sent: refused too. (A path that does not decode is fastify's 400 already.)
 * Names the parameter.
 */
export function checkUrl(url: string): Error | null {
  if (!url.includes('%')) return null;
  const q = url.indexOf('?');
  const [path, query] = q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
  if (decodeOrNull(path)?.includes('\u0000')) return invalid('path', 'must not contain the NUL character (%00)');
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const [name, value] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const decodedName = decodeOrNull(name.replace(/\+/g, ' '));
    const decodedValue = decodeOrNull(value.replace(/\+/g, ' '));
    const named = decodedName?.replace(/\u0000/g, '\\u0000') || 'query';
    if (decodedName?.includes('\u0000') || decodedValue?.includes('\u0000')) return invalid(named, 'must not contain the NUL character (%00)');
    if (decodedName === null || decodedValue === null) return invalid(named, 'is not valid percent-encoded UTF-8');
  }
  return null;
}

function decodeOrNull(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * What runs before authentication, for any client (issue 15's audit). Fastify runs its onRequest
 * hooks (this URL check, request logging) and the content-type parser (this JSON parser: up to 1 MiB,
 * then checkJsonBody) before Nest's AuthGuard, on every route, public or not; so the checks here are
 * bounded, iterative, and never quote more than the filter's 16 KiB. After the guard come the
 * Idempotency-Key interceptor, the validation pipe and the handler, so class-validator runs for an
 * anonymous caller only on `@Public()` routes with a body: POST /api/auth/sign-in-as is the only one
 * (the other public routes are GETs: health, metrics, sign-in-options, workflow rules). A multipart
 * body is not parsed before the guard: the upload handler streams it, after authentication.
 */
/** Wraps fastify's own JSON parser (which already refuses `__proto__` and `constructor.prototype`) with a UTF-8 check and checkJsonBody, and checks URLs. */
export function refuseHostileInput(instance: FastifyInstance): void {
  const parse = instance.getDefaultJsonParser('error', 'error');
  instance.removeContentTypeParser('application/json');
  instance.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    // JSON is UTF-8 (RFC 8259); other bytes would be turned into U+FFFD and recorded in the log as if sent.
    if (!isUtf8(body as Buffer)) return done(invalid('body', 'is not valid UTF-8'), undefined);
    parse(req, (body as Buffer).toString('utf8'), (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      const refused = checkJsonBody(value);
      if (refused) return done(refused, undefined);
      done(null, value);
    });
  });
  instance.addHook('onRequest', (req, _reply, done) => done(checkUrl(req.url) ?? undefined));
}
