/**
 * Generates hostile requests from the served OpenAPI document: for each operation, requests that
 * each carry at least one defect the API must refuse (bad or missing auth, a role that may not,
 * wrong types, missing or unknown fields, values outside an enum, huge strings, NUL characters,
 * bodies that are not JSON objects or not JSON at all, wrong media types, hostile ids in the path),
 * decorated with hostile strings (unicode, RTL, emoji, SQL/NoSQL injection, path traversal,
 * `__proto__`) in the free text and query strings around the defect. Deterministic for a seed.
 */

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
}

export interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  format?: string;
}

export interface Operation {
  method: string;
  path: string;
  body: 'json' | 'multipart' | null;
  schema: Schema | null;
  secured: boolean;
}

export interface Fixture {
  /** Secured in the OpenAPI document but open to anyone (e.g. the published rules). */
  isPublic(op: Operation): boolean;
  /** The methods the API serves on a path, so a wrong-method request never lands on another operation. */
  methodsOn(path: string): string[];
  /** Real ids per path parameter kind, so defects are reached past the 404. */
  ids: { case: string; task: string; document: string; checkpoint: string; user: string; workflow: string; version: string };
  /** The token of a user who could do the operation with a valid request, and one of a user whose role may not. */
  tokenFor(op: Operation): Promise<string>;
  otherRoleToken(op: Operation, random: number): Promise<string | null>;
  badTokens: Record<string, string>;
  /** A request body the operation would accept from `tokenFor(op)` (the defects are added to it). */
  validBody(op: Operation): Record<string, unknown> | undefined;
}

export interface HostileRequest {
  op: Operation;
  defect: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  /** Every defect must be refused (4xx); only a GET with hostile decorations may succeed. */
  mustRefuse: boolean;
  /** The status a defect must get exactly (401 for bad tokens), when it is that precise. */
  expectStatus?: number;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, o] of Object.entries(methods)) {
      const content = o.requestBody?.content ?? {};
      const json = content['application/json'];
      const form = content['multipart/form-data'];
      ops.push({
        method: method.toUpperCase(),
        path,
        body: json ? 'json' : form ? 'multipart' : null,
        schema: json ? resolve(doc, json.schema) : form ? resolve(doc, form.schema) : null,
        secured: (o.security ?? []).length > 0,
      });
    }
  }
  return ops;
}

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  if (schema.$ref) return resolve(doc, doc.components!.schemas![schema.$ref.split('/').pop()!]!);
  if (schema.properties) {
    return { ...schema, properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(doc, v)])) };
  }
  if (schema.items) return { ...schema, items: resolve(doc, schema.items) };
  return schema;
}

export const HOSTILE_STRINGS = [
  `' OR '1'='1`,
  `'; DROP TABLE cases; --`,
  `" OR ""="`,
  `1; SELECT pg_sleep(10); --`,
  `1' UNION SELECT hash FROM case_events --`,
  `%' OR 1=1 --`,
  `\\'; --`,
  `{"$gt": ""}`,
  `{"$where": "sleep(1000)"}`,
  `$ne`,
  `../../../../etc/passwd`,
  `..\\..\\..\\windows\\win.ini`,
  `..%2f..%2f..%2fetc%2fpasswd`,
  `/dev/zero`,
  `file:///etc/shadow`,
  `__proto__`,
  `constructor`,
  `prototype`,
  `__proto__.isAdmin`,
  `constructor.prototype.polluted`,
  `<script>alert(1)</script>`,
  `"><img src=x onerror=alert(1)>`,
  `\${7*7}`,
  `{{7*7}}`,
  `%s%s%s%s%n`,
  `\r\nSet-Cookie: pwned=1`,
  `null`,
  `undefined`,
  `NaN`,
  `-1`,
  `0`,
  `-0`,
  `1e308`,
  `99999999999999999999999999999`,
  `2147483648`,
  `-9223372036854775809`,
  `0x7fffffff`,
  `true`,
  `[]`,
  `{}`,
  ``,
  ` `,
  `\t\n\r`,
  `\u202Egnp.exe`,
  `مرحبا بالعالم`,
  `שלום \u202B עולם`,
  `👩‍👩‍👧‍👦🏳️‍🌈🇮🇩`,
  `Z̷̡̛̮͖̖̥̦̞̾̆̈́͋a̶͕̘̔̓l̵̢̰̓g̴̪̈o`,
  `\uFEFFbom`,
  `\u200B\u200C\u200D\u2060`,
  `İstanbul ß ﬃ`,
  `\uD800`,
  `\uDFFF\uD800`,
  `ＡＤＭＩＮ`,
  `\u0000`,
  `abc\u0000def`,
  `%00`,
  `\\u0000`,
  `\u001b[31mred\u001b[0m`,
];

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', '$where', '$gt', 'isAdmin', 'roles', 'role', 'id', 'version', 'stage', 'snapshot', 'actorId', 'hash', '', ' ', '\u0000', '👀', 'a'.repeat(1000), 'x.y', 'a[b]', '../x'];

const QUERY_NAMES = ['stage', 'instrument', 'category', 'q', 'year', 'limit', 'offset', 'status', 'caseId', 'seq', 'at', 'format', 'from', 'to', 'checkpoint', 'id', '__proto__', 'constructor[prototype][x]', 'a[]', '$where'];

/** Percent-encodes `s` as UTF-8 (a lone surrogate becomes U+FFFD, as a browser would send it). */
function enc(s: string): string {
  return encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}

/** mulberry32: a small deterministic generator, so a failing request can be reproduced from the seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class HostileGenerator {
  private readonly random: () => number;
  /** Built once each: the same few huge strings, so making 10,000 requests is not the slow part. */
  private readonly hugeCache = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    private readonly fixture: Fixture,
    seed: number,
  ) {
    this.random = rng(seed);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private hostile(): string {
    return this.pick(HOSTILE_STRINGS);
  }

  /** A string longer, in characters, than any field takes (summary's 10,000), in mixed scripts and sizes. */
  private huge(): string {
    const length = this.pick([10_001, 20_000, 100_000]);
    const unit = this.pick(['A', 'é', '漢', '😀', "' OR 1=1 -- ", '\u202E', '../']);
    const key = `${unit}\u0000${length}`;
    let text = this.hugeCache.get(key);
    if (text === undefined) this.hugeCache.set(key, (text = unit.repeat(Math.ceil(length / Array.from(unit).length))));
    return text;
  }

  /** Defects that make `op` refuse the request whatever else it carries. */
  private defects(op: Operation): string[] {
    const list: string[] = ['method'];
    const secured = op.secured && !this.fixture.isPublic(op);
    if (secured) list.push('auth', 'auth', 'auth');
    if (secured && op.method !== 'GET') list.push('otherRole', 'otherRole');
    if (/\{[^}]+\}/.test(op.path)) list.push('path', 'path');
    if (op.method !== 'GET') list.push('malformed', 'contentType', 'oversize');
    if (op.body === 'json' && Object.keys(op.schema?.properties ?? {}).length) list.push('wrongType', 'wrongType', 'missing', 'enum', 'huge', 'huge', 'unknownField', 'unknownField', 'nul', 'nonObject');
    else if (op.body === 'json') list.push('unknownField', 'nonObject');
    if (op.body === 'multipart') list.push('nonObject', 'badKind', 'notAFile', 'emptyFile', 'missingKind', 'missingFile', 'extraField', 'wrongFileField', 'brokenMultipart', 'nulFilename');
    return list;
  }

  async next(op: Operation): Promise<HostileRequest> {
    // A GET changes nothing, so it may also go out with hostile decorations only (and then may succeed).
    const defect = op.method === 'GET' && this.chance(0.3) ? 'query' : this.pick(this.defects(op));
    const headers: Record<string, string> = {};
    let method = op.method;
    let expectStatus: number | undefined;
    let token: string | null = op.secured ? await this.fixture.tokenFor(op) : null;

    // The path, with real ids unless the defect is in the path.
    const params = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const hostileParam = defect === 'path' ? this.pick(params) : null;
    let path = op.path;
    for (const p of params) path = path.replace(`{${p}}`, p === hostileParam ? this.hostilePathValue(op.path) : enc(this.realId(op.path, p)));
    const query = this.query(defect === 'query' || this.chance(0.3));

    // The body the operation takes, valid but for hostile free text; the defect below may replace it.
    let body: Buffer | string | undefined;
    if (op.body === 'json') {
      body = JSON.stringify(this.decorate(this.fixture.validBody(op) ?? {}));
      headers['content-type'] = 'application/json';
    } else if (op.body === 'multipart') {
      const form = this.multipart('valid');
      body = form.body;
      headers['content-type'] = form.contentType;
    }
    switch (defect) {
      case 'query':
        break;
      case 'method': {
        const taken = this.fixture.methodsOn(op.path);
        method = this.pick(['GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'OPTIONS', 'PROPFIND'].filter((m) => !taken.includes(m)));
        if (method === 'GET') body = undefined;
        break;
      }
      case 'auth': {
        const value = this.pick(Object.values(this.fixture.badTokens));
        token = null;
        if (value !== '') headers.authorization = value;
        // Unless the URL is refused first (too long for the server's header limit).
        if (!query) expectStatus = 401;
        break;
      }
      case 'otherRole':
        token = await this.fixture.otherRoleToken(op, this.random());
        break;
      case 'path':
        break;
      case 'malformed':
        body = this.malformedJson();
        headers['content-type'] = 'application/json';
        break;
      case 'contentType':
        headers['content-type'] = this.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'text/html; charset=utf-7', 'application/json-patch+json', 'application/octet-stream', 'image/png']);
        body = headers['content-type'].includes('urlencoded')
          ? 'title=x&instrument=kb&partner[name]=x&partner[category]=region&type=SUBMIT&decision=approve&kind=kak'
          : typeof body === 'string' ? body : 'hello';
        break;
      case 'oversize':
        body = JSON.stringify({ ...(this.fixture.validBody(op) ?? {}), padding: this.padding(1024 * 1024 + this.pick([1, 1000, 200_000])) });
        headers['content-type'] = 'application/json';
        break;
      case 'nonObject':
        body = this.pick(['[]', '[{}]', '"string"', '42', 'null', 'true', '""', '[' + JSON.stringify(this.fixture.validBody(op) ?? {}) + ']']);
        headers['content-type'] = 'application/json';
        break;
      case 'wrongType':
      case 'missing':
      case 'enum':
      case 'huge':
      case 'unknownField':
      case 'nul':
        body = this.brokenJson(op, defect);
        break;
      default: {
        const form = this.multipart(defect);
        body = form.body;
        headers['content-type'] = form.contentType;
      }
    }
    if (token) headers.authorization = `Bearer ${token}`;
    if (method !== 'GET' && this.chance(0.3)) {
      headers['idempotency-key'] = this.pick(['k', `' OR 1=1 --`, '../../etc/passwd', '__proto__', '%00', 'a'.repeat(255), 'a'.repeat(256), 'x'.repeat(5000)]);
    }
    if (this.chance(0.2)) headers['x-forwarded-for'] = `127.0.0.1, ' OR 1=1 --`;
    if (this.chance(0.2)) headers['accept-language'] = this.pick(['en', 'id', '*;q=0', 'x'.repeat(2000)]);
    return { op, defect, method, url: `${this.baseUrl}${path}${query}`, headers, body: method === 'GET' ? undefined : body, mustRefuse: defect !== 'query', expectStatus };
  }

  private padding(length: number): string {
    const key = `padding\u0000${length}`;
    let text = this.hugeCache.get(key);
    if (text === undefined) this.hugeCache.set(key, (text = 'x'.repeat(length)));
    return text;
  }

  private malformedJson(): string | Buffer {
    const text = this.pick([
      '{"title": "x", ',
      '{title: "x"}',
      "{'a': 1}",
      '{"a": 1,}',
      '{"a": 01}',
      '{"a": NaN}',
      '{"a": undefined}',
      '[1, 2',
      '{"a":"\\x00"}',
      '{"a":"\\uZZZZ"}',
      '\u0000',
      '{"a": "b"}{"c": "d"}',
      '['.repeat(50_000) + ']'.repeat(50_000),
      '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
      'INVALID_UTF8',
    ]);
    // A string value holding bytes that are not UTF-8.
    return text === 'INVALID_UTF8' ? Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]) : text;
  }

  private realId(path: string, param: string): string {
    const ids = this.fixture.ids;
    if (param === 'name') return ids.workflow;
    if (param === 'version') return ids.version;
    if (path.startsWith('/api/tasks')) return ids.task;
    if (path.startsWith('/api/documents')) return ids.document;
    if (path.startsWith('/api/audit/checkpoints')) return ids.checkpoint;
    if (path.startsWith('/api/users')) return ids.user;
    return ids.case;
  }

  /** A hostile path parameter; for a user id, never one the directory would take as a new user's id. */
  private hostilePathValue(path: string): string {
    const value = this.anyHostilePathValue();
    if (!path.startsWith('/api/users/')) return value;
    let decoded: string | null = null;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      /* not decodable: refused as it is */
    }
    return decoded !== null && /^[A-Za-z0-9._@-]{1,128}$/.test(decoded) ? `${value}%27` : value;
  }

  private anyHostilePathValue(): string {
    const choice = this.random();
    if (choice < 0.1) return this.pick(['%E0%A4%A', '%C3%28', '%FF%FE', '%', '%%', '%u0041']); // broken percent-encoding, bytes that are not UTF-8
    if (choice < 0.15) return '%00';
    if (choice < 0.2) return 'a'.repeat(this.pick([257, 1000, 9000]));
    if (choice < 0.3) return enc(this.pick(Object.values(this.fixture.ids)) + this.pick(["'", '%', ' ', '\u0000', '/..']));
    if (choice < 0.35) return '..%2F..%2F..%2Fetc%2Fpasswd';
    return enc(this.hostile() || ' ');
  }

  /** A query value past the server's 16 KiB header limit once encoded. */
  private hugeQueryValue(): string {
    const unit = this.pick(['A', '漢', '😀', "' OR 1=1 -- "]);
    const key = `query\u0000${unit}`;
    let text = this.hugeCache.get(key);
    if (text === undefined) this.hugeCache.set(key, (text = unit.repeat(Math.ceil(20_000 / unit.length)).slice(0, 20_000)));
    return text;
  }

  private query(on: boolean): string {
    if (!on) return '';
    const n = 1 + Math.floor(this.random() * 4);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const name = this.pick(QUERY_NAMES);
      const value = this.chance(0.1) ? this.hugeQueryValue() : this.hostile();
      parts.push(`${enc(name)}=${enc(value)}`);
      if (this.chance(0.1)) parts.push(`${enc(name)}=${enc(this.hostile())}`);
    }
    if (this.chance(0.05)) parts.push('%zz=%E0%A4%A');
    return `?${parts.join('&')}`;
  }

  /** The valid body with hostile text in its free-text fields (still a valid value: kept within limits). */
  private decorate(valid: Record<string, unknown>): Record<string, unknown> {
    const out = structuredClone(valid);
    for (const [k, v] of Object.entries(out)) {
      if (typeof v === 'string' && ['title', 'comment', 'summary', 'name'].includes(k) && this.chance(0.5)) {
        // NUL and lone surrogates are defects of their own (refused by the parser), not decoration.
        const text = this.hostile().replace(/\u0000/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
        out[k] = (text.trim() ? text : 'x').slice(0, 200);
      }
    }
    return out;
  }

  /** The valid body with one schema-level defect, serialised by hand so `__proto__` stays a key. */
  private brokenJson(op: Operation, defect: string): string {
    const body = this.decorate(this.fixture.validBody(op) ?? {});
    const schema = op.schema!;
    const props = Object.entries(schema.properties ?? {});
    const required = schema.required ?? [];
    const pickProp = (filter: (s: Schema, name: string) => boolean) => {
      const candidates = props.filter(([name, s]) => filter(s, name));
      return candidates.length ? this.pick(candidates) : null;
    };
    // An "unknown" key must not repeat a known one: JSON.parse keeps the last of duplicate keys.
    const unknownKey = () => this.pick(HOSTILE_KEYS.filter((k) => !Object.hasOwn(schema.properties ?? {}, k)));
    let extra: [string, unknown] | null = null;
    switch (defect) {
      case 'wrongType': {
        const [name, s] = this.pick(props);
        body[name] = this.wrongValue(s, required.includes(name));
        break;
      }
      case 'missing': {
        const name = required.length ? this.pick(required) : null;
        if (name) delete body[name];
        else extra = [unknownKey(), this.hostile()];
        break;
      }
      case 'enum': {
        const p = pickProp((s) => !!s.enum || !!s.items?.enum || !!s.properties);
        if (!p) {
          extra = [unknownKey(), this.hostile()];
          break;
        }
        const [name, s] = p;
        if (s.enum) body[name] = this.hostile() || 'x';
        else if (s.items?.enum) body[name] = [this.hostile() || 'x'];
        else if (s.properties) {
          const nested = { ...((body[name] as Record<string, unknown>) ?? {}) };
          const inner = Object.entries(s.properties).find(([, x]) => x.enum);
          if (inner) nested[inner[0]] = this.hostile() || 'x';
          else nested[this.pick(HOSTILE_KEYS.filter((k) => !Object.hasOwn(s.properties ?? {}, k)))] = 1;
          body[name] = nested;
        }
        break;
      }
      case 'huge': {
        const p = pickProp((s) => s.type === 'string' && !s.enum);
        if (p) body[p[0]] = this.huge();
        else extra = [unknownKey(), this.huge()];
        break;
      }
      case 'unknownField':
        extra = [unknownKey(), this.chance(0.5) ? this.hostile() : { isAdmin: true, __proto__: { polluted: true } }];
        break;
      case 'nul': {
        // A NUL (PostgreSQL text cannot hold it) or a lone UTF-16 surrogate (no UTF-8 for it): both 400.
        const bad = this.chance(0.5) ? '\u0000' : '\uD800';
        const p = pickProp((s) => s.type === 'string') ?? pickProp((s) => !!s.properties);
        if (!p) {
          extra = [bad, 'x'];
          break;
        }
        const [name, s] = p;
        if (s.properties) {
          const inner = Object.entries(s.properties).find(([, x]) => x.type === 'string')!;
          body[name] = { ...((body[name] as Record<string, unknown>) ?? {}), [inner[0]]: `x${bad}${this.hostile()}` };
        } else {
          const base = typeof body[name] === 'string' ? (body[name] as string) : 'x';
          body[name] = this.chance(0.5) ? `${base}${bad}` : `${bad}${base}`;
        }
        break;
      }
    }
    let text = JSON.stringify(body);
    if (extra) {
      const pair = `${JSON.stringify(extra[0])}:${JSON.stringify(extra[1])}`;
      text = text === '{}' ? `{${pair}}` : `{${pair},${text.slice(1)}`;
    }
    return text;
  }

  /** A value of another type than `s` (null only for a required field: an optional one may be null, i.e. absent). */
  private wrongValue(s: Schema, required: boolean): unknown {
    const all: unknown[] = [123, -1, 0, 1.5, 1e308, -1e308, true, false, ...(required ? [null] : []), [], {}, ['a'], { $gt: '' }, { toString: 'x' }, 'x', '', 2 ** 53 + 1];
    const wrong = all.filter((v) => {
      if (s.type === 'string') return typeof v !== 'string';
      if (s.type === 'boolean') return typeof v !== 'boolean';
      if (s.type === 'number' || s.type === 'integer') return typeof v !== 'number' || !Number.isInteger(v) || (v as number) < 1;
      if (s.type === 'array') return !Array.isArray(v) || (v as unknown[]).some((x) => typeof x !== 'string') || (v as unknown[]).length > 0;
      if (s.type === 'object' || s.properties) return typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v as object).length > 0;
      return true;
    });
    return this.pick(wrong);
  }

  private multipart(defect: string): { body: Buffer; contentType: string } {
    const boundary = `----hostile${Math.floor(this.random() * 1e12)}`;
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
    const parts: { name: string; filename?: string; type?: string; data: Buffer | string }[] = [];
    const kind = defect === 'badKind' ? this.pick([this.hostile() || 'x', 'KAK', 'kak ', 'kak\u0000', 'signed\r\nx', 'x'.repeat(5000)]) : 'other';
    const filename = defect === 'nulFilename' ? `a\u0000b.pdf` : `${this.hostile().replace(/["\r\n]/g, '') || 'x'}.pdf`;
    if (defect !== 'missingKind') parts.push({ name: 'kind', data: kind });
    if (defect === 'extraField') parts.push({ name: this.pick(['title', '__proto__', 'constructor', 'kind2', 'x'.repeat(300)]), data: this.hostile() });
    if (defect !== 'missingFile') {
      const data = defect === 'notAFile' ? this.pick([Buffer.from('hello world'), Buffer.from('<html><script>alert(1)</script></html>'), Buffer.from('MZ\x90\x00\x03'), Buffer.from('#!/bin/sh\nrm -rf /\n')]) : defect === 'emptyFile' ? Buffer.alloc(0) : pdf;
      parts.push({ name: defect === 'wrongFileField' ? this.pick(['document', 'files[]', '__proto__', '']) : 'file', filename, type: this.pick(['application/pdf', 'text/html', 'application/x-msdownload']), data });
    }
    if (defect === 'nulFilename') parts.push({ name: 'kind', data: 'not-a-kind' });
    const chunks: Buffer[] = [];
    for (const p of parts) {
      const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`), Buffer.from(p.data), Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(defect === 'brokenMultipart' ? `--${boundary}` : `--${boundary}--\r\n`));
    let body = Buffer.concat(chunks);
    if (defect === 'brokenMultipart') body = this.chance(0.5) ? body.subarray(0, Math.floor(body.length / 2)) : Buffer.concat([Buffer.from('garbage\r\n'), body]);
    return { body, contentType: defect === 'brokenMultipart' && this.chance(0.3) ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary}` };
  }
}
