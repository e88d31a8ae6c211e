import { canonicalJson, sameJson } from './canonical-json.js';

/** The form every stored hash was made with (kept here so a rewrite of canonicalJson must keep its bytes). */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const item = (v as Record<string, unknown>)[key];
        if (item !== undefined) out[key] = sortKeys(item);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['a', 'b', 'B', 'aa', '_x', 'é', '😀', '0', '1', '2', '10', '01', '-1', '1.5', '4294967294', '4294967295', 'constructor', 'toString', '', ' '];
const STRINGS = ['', 'x', 'Kota Jambi', 'quote " and \\ backslash', 'line\nbreak\ttab', '\u0000\u001f', '\u2028\u2029', 'é😀', '\ud800 lone', '<script>'];

function randomValue(rng: () => number, depth: number): unknown {
  const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)]!;
  const r = rng();
  if (depth > 3 || r < 0.35) {
    return pick<unknown>([null, true, false, 0, -0, 1, -17, 3.25, 1e21, 1e-7, Number.NaN, Infinity, undefined, pick(STRINGS), new Date(Math.floor(rng() * 4e12)), () => 1, Symbol('s')]);
  }
  if (r < 0.6) {
    const arr = Array.from({ length: Math.floor(rng() * 5) }, () => randomValue(rng, depth + 1));
    if (rng() < 0.1) arr.length += 2; // holes
    return arr;
  }
  const obj: Record<string, unknown> = {};
  for (let i = Math.floor(rng() * 6); i > 0; i--) obj[pick(KEYS)] = randomValue(rng, depth + 1);
  return obj;
}

describe('canonicalJson', () => {
  it('sorts keys at every level, writes Dates as ISO strings and drops undefined members', () => {
    const at = new Date('2026-11-28T01:02:03.004Z');
    expect(canonicalJson({ b: 1, a: { d: [at, undefined], c: undefined }, z: null })).toBe('{"a":{"d":["2026-11-28T01:02:03.004Z",null]},"b":1,"z":null}');
  });

  it('keeps the order every stored hash was made with for integer-like keys: numeric, before the others', () => {
    expect(canonicalJson({ b: 1, 10: 'x', 2: 'y', a: 0 })).toBe('{"2":"y","10":"x","a":0,"b":1}');
    expect(canonicalJson({ b: 1, 10: 'x', 2: 'y', a: 0 })).toBe(reference({ b: 1, 10: 'x', 2: 'y', a: 0 }));
  });

  it('gives the same bytes as the copy-and-stringify form for 20,000 generated values', () => {
    const rng = prng(20261128);
    for (let i = 0; i < 20_000; i++) {
      const value = randomValue(rng, 0);
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });

  it('refuses a BigInt, as JSON.stringify does', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });
});

describe('sameJson', () => {
  it('says what comparing canonical JSON says, for 20,000 generated pairs of parsed JSON', () => {
    const rng = prng(7);
    let same = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = parsed(randomValue(rng, 0));
      // Half the time the other is a copy with keys in another order and maybe one leaf changed.
      const b = rng() < 0.5 ? parsed(randomValue(rng, 0)) : reshuffle(a, rng);
      const expected = canonicalJson(a) === canonicalJson(b);
      if (expected) same++;
      expect(sameJson(a, b)).toBe(expected);
    }
    expect(same).toBeGreaterThan(5_000);
  });

  it('tells arrays from objects and a missing key from a null one', () => {
    expect(sameJson({ a: null }, { b: null })).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson({ 0: 'x' }, ['x'])).toBe(false);
    expect(sameJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
  });
});

/** A value as it comes back from JSON (a function or symbol at the top becomes null). */
function parsed(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v) ?? 'null');
}

/** A deep copy with each object's keys in reverse order and, one time in five, one leaf changed. */
function reshuffle(value: unknown, rng: () => number): unknown {
  const change = rng() < 0.2;
  let changed = false;
  const copy = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(copy);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).reverse().map((k) => [k, copy((v as Record<string, unknown>)[k])]));
    if (change && !changed && rng() < 0.3) {
      changed = true;
      return typeof v === 'number' ? v + 1 : 'changed';
    }
    return v;
  };
  return copy(value);
}
