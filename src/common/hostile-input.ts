import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { invalid } from './errors.js';

/** Deeper than any body the API takes (a checkpoint file is the deepest, at 4); the validators recurse. */
export const MAX_JSON_DEPTH = 32;

/**
 * Names that mean a prototype, not data: class-transformer drops them silently (so an "unknown field"
 * would pass unrefused) and they are the vector of prototype pollution. No field of the API has one.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/**
 * Checks a parsed JSON body for what the validators cannot handle safely: nesting deeper than
 * MAX_JSON_DEPTH (class-transformer and the idempotency hash recurse, and overflow the stack on
 * 10,000 levels), the NUL character (PostgreSQL text cannot hold it), and prototype names as keys.
 * Iterative, so a hostile body cannot overflow the stack here either. Returns the refusal to throw.
 */
export function checkJsonBody(value: unknown): Error | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    const field = path || 'body';
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return invalid(field, 'must not contain the NUL character (\\u0000)');
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) return invalid(field, `nested deeper than ${MAX_JSON_DEPTH} levels`);
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [key, child] of entries) {
      const childPath = Array.isArray(v) ? `${field}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(v)) {
        if (key.includes('\u0000')) return invalid(path ? `${path}.(key)` : '(key)', 'a field name must not contain the NUL character (\\u0000)');
        if (PROTOTYPE_KEYS.has(key)) return invalid(childPath, 'unknown field, not allowed');
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * A NUL in the path or query (`%00`): PostgreSQL cannot compare text holding it, so without this an id
 * or filter with `%00` would fail in the database instead of being refused. Names the parameter.
 */
export function checkUrl(url: string): Error | null {
  if (!/%00/i.test(url)) return null;
  const [path, query = ''] = url.split('?', 2) as [string, string?];
  if (decodeOrNull(path)?.includes('\u0000')) return invalid('path', 'must not contain the NUL character (%00)');
  for (const pair of query.split('&')) {
    const [name = '', value = ''] = pair.split('=', 2);
    const decodedName = decodeOrNull(name.replace(/\+/g, ' '));
    if (decodedName?.includes('\u0000') || decodeOrNull(value.replace(/\+/g, ' '))?.includes('\u0000')) {
      return invalid(decodedName?.replace(/\u0000/g, '\\u0000') || 'query', 'must not contain the NUL character (%00)');
    }
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
