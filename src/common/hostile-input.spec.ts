import { MAX_JSON_DEPTH, checkJsonBody, checkUrl } from './hostile-input.js';

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

describe('checkUrl', () => {
  it('refuses %00 in the path or a query parameter, naming it', () => {
    expect(fieldOf(checkUrl('/api/cases/%00/history'))).toBe('path');
    expect(fieldOf(checkUrl('/api/cases?q=abc%00def'))).toBe('q');
    expect(checkUrl('/api/cases?q=100%25%2500')).toBeNull();
    expect(checkUrl('/api/cases/abc?q=%27%20OR%201%3D1')).toBeNull();
  });
});
