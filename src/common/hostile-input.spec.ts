import { MAX_JSON_DEPTH, MAX_JSON_KEYS, MAX_JSON_NODES, checkJsonBody, checkUrl } from './hostile-input.js';

const fieldOf = (err: Error | null) => (err as { details?: { field?: string } } | null)?.details?.field;

describe('checkJsonBody', () => {
  it('lets ordinary bodies through, unicode and injection strings included', () => {
    expect(checkJsonBody({ title: "' OR 1=1 -- 👩‍👩‍👧 \u202E مرحبا", partner: { name: 'x', category: 'region' }, reviewers: ['a', 'b'] })).toBeNull();
    expect(checkJsonBody([1, 'a', null, true])).toBeNull();
  });

  it('refuses the NUL character in any string or key, naming where', () => {
    expect(fieldOf(checkJsonBody({ title: 'a\u0000b' }))).toBe('title');
    expect(fieldOf(checkJsonBody({ partner: { name: '\u0000' } }))).toBe('partner.name');
    expect(fieldOf(checkJsonBody({ reviewers: ['ok', 'x\u0000'] }))).toBe('reviewers[1]');
    expect(checkJsonBody({ ['a\u0000']: 1 })?.message).toMatch(/field name/);
  });

  it('refuses prototype names as keys at any depth', () => {
    for (const key of ['prototype', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const body = JSON.parse(`{"partner": {"${key}": {"isAdmin": true}}}`) as unknown;
      expect(fieldOf(checkJsonBody(body))).toBe(`partner.${key}`);
    }
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels without recursing itself`, () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(checkJsonBody(deep)?.message).toMatch(/nested deeper than/);
    let ok: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) ok = { a: ok };
    expect(checkJsonBody(ok)).toBeNull();
  });
});

describe('checkJsonBody: sizes and lone surrogates', () => {
  it(`refuses an object of more than ${MAX_JSON_KEYS} fields, naming it, and takes one of ${MAX_JSON_KEYS}`, () => {
    const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, 1]));
    expect(checkJsonBody(wide(MAX_JSON_KEYS))).toBeNull();
    expect(fieldOf(checkJsonBody(wide(60_000)))).toBe('body');
    expect(checkJsonBody({ title: 'x', partner: wide(MAX_JSON_KEYS + 1) })?.message).toMatch(/^partner: has 101 fields/);
  });

  it(`refuses a body of more than ${MAX_JSON_NODES} values in all`, () => {
    expect(checkJsonBody(Array.from({ length: MAX_JSON_NODES - 1 }, () => 0))).toBeNull();
    expect(checkJsonBody({ reviewers: Array.from({ length: 500_000 }, () => 0) })?.message).toMatch(/more than 10000 values/);
    // Spread over many small objects, too.
    const many = Array.from({ length: 2_000 }, () => ({ a: 1, b: 2, c: 3, d: 4, e: 5 }));
    expect(checkJsonBody(many)?.message).toMatch(/more than 10000 values/);
  });

  it('refuses a lone UTF-16 surrogate in a value or a key, naming where, and takes paired ones (emoji)', () => {
    expect(checkJsonBody({ title: 'KB 👩‍👩‍👧 \ud83d\ude00' })).toBeNull();
    expect(fieldOf(checkJsonBody(JSON.parse('{"title": "KB \\ud800"}')))).toBe('title');
    expect(fieldOf(checkJsonBody(JSON.parse('{"partner": {"name": "\\udfff x"}}')))).toBe('partner.name');
    expect(fieldOf(checkJsonBody(JSON.parse('{"reviewers": ["a", "\\ud83d"]}')))).toBe('reviewers[1]');
    const key = checkJsonBody(JSON.parse('{"partner": {"\\ud800": 1}}'));
    expect(fieldOf(key)).toBe('partner.\\ud800');
    expect(key?.message).toMatch(/field name must not contain a lone UTF-16 surrogate/);
    // The refusal itself is well-formed text, so it can be sent and logged.
    expect(/[\ud800-\udfff]/u.test(key!.message)).toBe(false);
  });
});

describe('checkUrl', () => {
  it('refuses a query value whose percent-encoding is not UTF-8 (an encoded surrogate, a stray byte), naming it', () => {
    expect(fieldOf(checkUrl('/api/cases?q=%ED%A0%80'))).toBe('q');
    expect(fieldOf(checkUrl('/api/cases?stage=proposal&q=%FF'))).toBe('q');
    expect(fieldOf(checkUrl('/api/cases?q=a=b%FF'))).toBe('q');
    expect(checkUrl('/api/cases?q=%F0%9F%98%80%20kota')).toBeNull();
    expect(checkUrl('/api/cases?q=caf%C3%A9')).toBeNull();
  });

  it('refuses %00 in the path or a query parameter, naming it', () => {
    expect(fieldOf(checkUrl('/api/cases/%00/history'))).toBe('path');
    expect(fieldOf(checkUrl('/api/cases?q=abc%00def'))).toBe('q');
    expect(checkUrl('/api/cases?q=100%25%2500')).toBeNull();
    expect(checkUrl('/api/cases/abc?q=%27%20OR%201%3D1')).toBeNull();
  });
});
