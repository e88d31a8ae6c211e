import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and no whitespace: the bytes that get hashed. Integer-like
 * keys come first in numeric order (the sorted copy's own property order), Dates are ISO strings at any
 * depth, undefined members are dropped. Events of hash format 1 (src/engine/event-hash.ts; newer events are
 * RFC 8785), checkpoint signatures and idempotency keys depend on these bytes: canonical-json.spec.ts pins them. (Writing the JSON out by hand instead of stringifying the sorted copy measured slower.)
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * Whether two values parsed from JSON (plain objects, arrays, strings, numbers, booleans, null) are the
 * same, key order aside: what comparing their canonicalJson would say, without writing either out.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key) || !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
