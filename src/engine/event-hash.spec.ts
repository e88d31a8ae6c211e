import canonicalizeModule from 'canonicalize';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json.js';
import { CURRENT_HASH_FORMAT, hashEvent, UnknownHashFormat, type HashedEvent } from './event-hash.js';

const canonicalize = canonicalizeModule as unknown as (value: unknown) => string;

/** A double from its IEEE 754 bits, as RFC 8785 Appendix B gives its samples. */
function double(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

// RFC 8785 Appendix B: IEEE 754 bits and the text JCS writes for them.
const NUMBERS: [string, string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'], // minus zero
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af6', '1e+23'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555555', '333333333.3333333'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
];

describe('RFC 8785 (canonicalize), and where our format 1 differs from it', () => {
  it('writes numbers as RFC 8785 Appendix B does, and format 1 writes them the same (both are ECMAScript Number-to-String)', () => {
    for (const [bits, text] of NUMBERS) {
      expect({ bits, jcs: canonicalize(double(bits)) }).toEqual({ bits, jcs: text });
      expect({ bits, format1: canonicalJson(double(bits)) }).toEqual({ bits, format1: text });
    }
  });

  it('refuses NaN and Infinity, which format 1 would have written as null (event data is JSON already, so neither reaches a hash)', () => {
    expect(() => canonicalize({ x: Number.NaN })).toThrow();
    expect(() => canonicalize({ x: Infinity })).toThrow();
    expect(canonicalJson({ x: Number.NaN, y: Infinity })).toBe('{"x":null,"y":null}');
  });

  it('gives the RFC 8785 sample output for values and escaping (§3.2.2), as format 1 does', () => {
    const input = JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}');
    const expected = '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    expect(canonicalize(input)).toBe(expected);
    expect(canonicalJson(input)).toBe(expected);
  });

  it('sorts keys by UTF-16 code units (the sample of §3.2.3); format 1 too, except that it puts the integer-like "1" first', () => {
    const input = { '€': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', ö: 'Latin Small Letter O With Diaeresis' };
    // U+FB33 sorts after U+1F600 by code units (0xD83D < 0xFB33), before it by code points.
    const order = ['\r', '1', '\u0080', 'ö', '€', '\ud83d\ude00', '\ufb33'];
    const keysOf = (json: string) => [...json.matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(keysOf(canonicalize(input))).toEqual(order);
    expect(keysOf(canonicalJson(input))).toEqual(['1', '\r', '\u0080', 'ö', '€', '\ud83d\ude00', '\ufb33']);
  });

  it('differs from format 1 on integer-like keys: format 1 puts them first in numeric order, JavaScript property order', () => {
    const input = { '': 'empty', '1': { f: { f: 'hi', F: 5 }, '\n': 56 }, '10': {}, a: {}, '111': [{ e: 'yes', E: 'no' }], A: { b: '123' }, '9': 9 };
    expect(canonicalize(input)).toBe('{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"9":9,"A":{"b":"123"},"a":{}}');
    expect(canonicalJson(input)).toBe('{"1":{"\\n":56,"f":{"F":5,"f":"hi"}},"9":9,"10":{},"111":[{"E":"no","e":"yes"}],"":"empty","A":{"b":"123"},"a":{}}');
  });
});

describe('hashEvent, by the format each event records', () => {
  const event = (over: Partial<HashedEvent> = {}): HashedEvent => ({
    caseId: 'c-1',
    seq: 2,
    type: 'TASK_COMPLETED',
    actorId: 'sec-1',
    actorRoles: ['secretariat'],
    at: new Date('2026-12-06T01:02:03.004Z'),
    data: { decision: 'approve', comment: null, scores: { '10': 1, '9': 2 } },
    stageBefore: 'secretariat_review',
    stageAfter: 'technical_review',
    workflowName: 'cooperation',
    workflowVersion: 2,
    prevHash: 'ab'.repeat(32),
    hashFormat: 1,
    ...over,
  });
  const body = {
    caseId: 'c-1',
    seq: 2,
    type: 'TASK_COMPLETED',
    actor: { id: 'sec-1', roles: ['secretariat'] },
    at: '2026-12-06T01:02:03.004Z',
    data: { decision: 'approve', comment: null, scores: { '10': 1, '9': 2 } },
    stageBefore: 'secretariat_review',
    stageAfter: 'technical_review',
    workflow: 'cooperation@2',
    prevHash: 'ab'.repeat(32),
  };
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('keeps format 1 byte for byte: the hash every event before issue 16 was stored with', () => {
    // Computed with the hashEvent of commit 5762bea (before hash formats); it must never change.
    expect(hashEvent(event())).toBe('5e2b83a7f7fead3ffac6c370e5e62a1f3ffbe3a1c81ab539bd11f9d4f319e246');
    expect(hashEvent(event())).toBe(sha256(canonicalJson(body)));
  });

  it('hashes format 2 as the RFC 8785 form of the same fields plus the format', () => {
    expect(CURRENT_HASH_FORMAT).toBe(2);
    expect(hashEvent(event({ hashFormat: 2 }))).toBe(sha256(canonicalize({ ...body, hashFormat: 2 })));
    expect(canonicalize({ ...body, hashFormat: 2 })).toContain('"scores":{"10":1,"9":2}');
  });

  it('gives another hash when the format is relabelled, even where both formats write the same JSON', () => {
    const plain = event({ data: { decision: 'approve' } });
    expect(hashEvent({ ...plain, hashFormat: 2 })).not.toBe(hashEvent(plain));
  });

  it('changes with every field it covers, in either format', () => {
    for (const hashFormat of [1, 2]) {
      const base = hashEvent(event({ hashFormat }));
      const changes: Partial<HashedEvent>[] = [
        { caseId: 'c-2' },
        { seq: 3 },
        { type: 'SUBMIT' },
        { actorId: 'sec-2' },
        { actorRoles: ['admin'] },
        { at: new Date('2026-12-06T01:02:03.005Z') },
        { data: { decision: 'reject', comment: null, scores: { '10': 1, '9': 2 } } },
        { stageBefore: null },
        { stageAfter: 'legal_review' },
        { workflowName: 'other' },
        { workflowVersion: 1 },
        { prevHash: 'cd'.repeat(32) },
      ];
      for (const change of changes) expect({ hashFormat, change, same: hashEvent(event({ hashFormat, ...change })) === base }).toEqual({ hashFormat, change, same: false });
    }
  });

  it('refuses a format it does not know with UnknownHashFormat', () => {
    expect(() => hashEvent(event({ hashFormat: 7 }))).toThrow(UnknownHashFormat);
    expect(() => hashEvent(event({ hashFormat: 7 }))).toThrow('hash format 7 is not known (known: 1, 2)');
  });
});
