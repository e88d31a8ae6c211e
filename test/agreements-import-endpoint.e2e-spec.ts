import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SettableClock } from '../src/common/clock.js';
import { expectError } from './support/expectations.js';
import { legacyCsv, legacyRows, legacyXlsx } from './support/legacy-register.js';
import { TestApp, USERS, type Response, type TestUser } from './support/test-app.js';
import { buildZip, deflatedZeros } from './support/zip-builder.js';

const SAMPLE = readFileSync(join(__dirname, '..', 'docs', 'contoh-impor-perjanjian.csv'));

/** POST /api/agreements/import as multipart with `file` (and any `extra` parts). */
async function importFile(
  t: TestApp,
  as: TestUser | undefined,
  bytes: Buffer | null,
  options: { name?: string; query?: string; field?: string; extra?: Record<string, string>; contentType?: string } = {},
): Promise<Response> {
  const boundary = `----onegate${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(options.extra ?? {})) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (bytes) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${options.field ?? 'file'}"; filename="${options.name ?? 'register.csv'}"\r\nContent-Type: text/csv\r\n\r\n`), bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const headers: Record<string, string> = { 'content-type': options.contentType ?? `multipart/form-data; boundary=${boundary}` };
  if (as) headers.authorization = `Bearer ${await t.token(as)}`;
  const res = await t.app.inject({ method: 'POST', url: `/api/agreements/import${options.query ?? ''}`, headers, payload: Buffer.concat(parts) });
  let body: any = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    /* not JSON */
  }
  return { status: res.statusCode, body, headers: res.headers, text: res.body };
}

describe(`POST /api/agreements/import (contract §9) on ${process.env.DATABASE_URL ? 'PostgreSQL + Redis' : 'embedded SQLite'}`, () => {
  let t: TestApp;
  // The city's today, fixed: which sample agreements are still in force depends on it.
  const clock = new SettableClock();
  clock.set(new Date('2026-12-07T03:00:00Z'));
  beforeAll(async () => {
    t = await TestApp.start({}, { clock });
  });
  afterAll(() => t.stop());

  const total = async () => (await t.get('/api/agreements?limit=1', USERS.auditor)).body.total as number;
  const cases = async () => (await t.get('/api/cases?limit=1', USERS.auditor)).body.total as number;

  it('a dry run reports the sample file without creating; the import creates its 10 agreements with one IMPORTED event each; the same file again creates nothing', async () => {
    expect(await total()).toBe(0);
    const dry = await importFile(t, USERS.secretariat, SAMPLE, { name: 'contoh-impor-perjanjian.csv', query: '?dryRun=true' });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ rows: 10, created: 10, skipped: 0, errors: [], errorsOmitted: 0, dryRun: true });
    expect(await total()).toBe(0);
    expect(await cases()).toBe(0);

    const done = await importFile(t, USERS.secretariat, SAMPLE, { name: 'contoh-impor-perjanjian.csv' });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ rows: 10, created: 10, skipped: 0, errors: [], errorsOmitted: 0, dryRun: false });
    expect(await total()).toBe(10);

    const found = (await t.get(`/api/agreements?q=${encodeURIComponent('Beasiswa dan magang')}`, USERS.auditor)).body.items;
    expect(found).toHaveLength(1);
    const agreement = (await t.get(`/api/agreements/${found[0].id}`, USERS.auditor)).body;
    expect(agreement).toMatchObject({
      number: '180/03/KS/2017',
      partnerNumber: 'B-112/KS/2017',
      instrument: 'pks',
      partner: { name: 'Universitas Islam Negeri Sulthan Thaha Saifuddin Jambi', category: 'third_party' },
      signedAt: '2017-03-12',
      validFrom: '2017-03-12',
      validUntil: '2022-03-11',
      fields: ['pendidikan'],
      value: { amount: 450_000_000, currency: 'IDR' },
      source: 'imported',
      status: 'expired',
    });
    const history = await t.get(`/api/cases/${agreement.id}/history`, USERS.auditor);
    expect(history.status).toBe(200);
    expect(history.body).toHaveLength(1);
    expect(history.body[0]).toMatchObject({
      type: 'IMPORTED',
      actor: { id: USERS.secretariat.id },
      data: { file: { name: 'contoh-impor-perjanjian.csv', sha256: createHash('sha256').update(SAMPLE).digest('hex') }, row: { row: 4, number: '180/03/KS/2017' } },
    });
    const inForce = (await t.get('/api/agreements?status=in_force', USERS.auditor)).body.items;
    expect(inForce.map((a: { number: string }) => a.number).sort()).toEqual(['180/04/KS/2019', '180/06/KS/2018', '180/09/KS/2017', '180/11/KS/2017']);
    const terminated = (await t.get('/api/agreements?status=terminated', USERS.auditor)).body.items;
    expect(terminated.map((a: { number: string }) => a.number)).toEqual(['180/02/KS/2018']);

    const again = await importFile(t, USERS.admin, SAMPLE, { name: 'contoh-impor-perjanjian.csv' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ rows: 10, created: 0, skipped: 10, errors: [] });
    expect(await total()).toBe(10);
    const verify = await t.get('/api/audit/verify', USERS.auditor);
    expect(verify.body).toEqual(expect.objectContaining({ ok: true, problems: [] }));
  }, 120_000);

  it('a file with an error: 422 with every error by row and column, nothing created; its dry run reports the same errors and the skips', async () => {
    const before = await total();
    const rows = [...legacyRows(5, 100)];
    rows[1]!.valid_until = '31/02/2021';
    rows[3]!.instrument = 'Surat Edaran';
    const bytes = Buffer.from(legacyCsv(rows));
    const res = await importFile(t, USERS.secretariat, bytes);
    expectError(res, 422, 'file: 2 kesalahan pada berkas; tidak ada perjanjian yang dibuat');
    expect(res.body).toMatchObject({
      code: 'ImportInvalid',
      rows: 5,
      created: 0,
      errors: [
        { row: 3, column: 'valid_until', message: 'tanggal 31 tidak ada pada bulan 2 tahun 2021 ("31/02/2021")' },
        { row: 5, column: 'instrument', message: expect.stringMatching(/^jenis naskah "Surat Edaran" tidak dikenal/) },
      ],
    });
    expect(await total()).toBe(before);
    const dry = await importFile(t, USERS.secretariat, bytes, { query: '?dryRun=1' });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ rows: 5, created: 0, skipped: 0, errors: res.body.errors, dryRun: true });
    expect(await total()).toBe(before);
  });

  it('imports an XLSX (first sheet, date cells) and skips the numbers the register holds', async () => {
    const before = await total();
    const xlsx = await legacyXlsx([...legacyRows(3, 200)].map((r, i) => ({ ...r, signed_at: new Date(Date.UTC(2018, i, 10)) })), { title: 'REGISTER KERJA SAMA 2018' });
    const res = await importFile(t, USERS.secretariat, xlsx, { name: 'register-2018.xlsx' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 3, created: 3, skipped: 0 });
    expect(await total()).toBe(before + 3);
    const both = Buffer.from(legacyCsv(legacyRows(4, 200)));
    expect((await importFile(t, USERS.secretariat, both)).body).toMatchObject({ rows: 4, created: 1, skipped: 3 });
    expect(await total()).toBe(before + 4);
  });

  it('is in the OpenAPI document as a multipart upload with dryRun', async () => {
    const op = (await t.get('/api/docs/openapi.json')).body.paths['/api/agreements/import'].post;
    expect(Object.keys(op.requestBody.content)).toEqual(['multipart/form-data']);
    expect(op.parameters).toEqual([expect.objectContaining({ name: 'dryRun', in: 'query', required: false })]);
  });

  describe('hostile files: a clear 4xx and nothing created', () => {
    let before: { agreements: number; cases: number };
    beforeAll(async () => {
      before = { agreements: await total(), cases: await cases() };
    });
    afterEach(async () => {
      expect({ agreements: await total(), cases: await cases() }).toEqual(before);
    });

    it('a file over 20 MiB: 413', async () => {
      const big = Buffer.concat([Buffer.from(legacyCsv(legacyRows(1))), Buffer.alloc(20 * 2 ** 20, 'x')]);
      expectError(await importFile(t, USERS.secretariat, big), 413, 'larger than 20 MiB');
    });

    it('a million rows: 413 at the row past 50,000', async () => {
      const million = Buffer.concat([Buffer.from('number;title;instrument;partner_name;partner_category\n'), Buffer.from('K;T;pks;P;region\n'.repeat(1_000_000))]);
      const res = await importFile(t, USERS.secretariat, million);
      expectError(res, 413, 'file: berkas memuat lebih dari 50.000 baris data');
      expect(res.body).toMatchObject({ field: 'file', row: 50_002 });
    }, 120_000);

    it('a zip bomb posing as XLSX: 413', async () => {
      const bomb = buildZip([
        { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
        { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
        { name: 'xl/worksheets/sheet1.xml', data: await deflatedZeros(201 * 2 ** 20) },
      ]);
      expectError(await importFile(t, USERS.secretariat, bomb, { name: 'register.xlsx' }), 413, 'zip bomb');
    }, 120_000);

    it('an XLSX that is no zip, a zip that is no XLSX, an old XLS: 422, 415, 415', async () => {
      expectError(await importFile(t, USERS.secretariat, Buffer.from([0x50, 0x4b, 0x03, 0x04, 9, 9, 9]), { name: 'register.xlsx' }), 422, 'file: berkas XLSX rusak');
      expectError(await importFile(t, USERS.secretariat, buildZip([{ name: 'word/document.xml', data: Buffer.from('<w/>') }]), { name: 'register.xlsx' }), 415, 'bukan XLSX');
      expectError(await importFile(t, USERS.secretariat, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), { name: 'register.xls' }), 415, 'XLS lama');
    });

    it('wrong encodings and binary content: 422 naming the line', async () => {
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(legacyCsv(legacyRows(2)), 'utf16le')]);
      expectError(await importFile(t, USERS.secretariat, utf16), 422, 'UTF-16, bukan UTF-8');
      const cp1252 = Buffer.from(legacyCsv(legacyRows(3)).replace('Jambi nomor 2', 'Jambi nomor 2 caf\u00e9'), 'latin1');
      const res = await importFile(t, USERS.secretariat, cp1252);
      expectError(res, 422, 'baris 3: berkas bukan UTF-8');
      expect(res.body.row).toBe(3);
      expectError(await importFile(t, USERS.secretariat, Buffer.concat([Buffer.from('number;title\n'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d])])), 422, 'data biner');
    });

    it('formula cells (XLSX) and formula-like text (CSV): 422 naming the cells', async () => {
      const xlsx = await legacyXlsx([{ ...[...legacyRows(1, 300)][0]!, valid_until: { formula: 'TODAY()+365', result: 46000 } }]);
      const res = await importFile(t, USERS.secretariat, xlsx, { name: 'rumus.xlsx' });
      expectError(res, 422);
      expect(res.body.errors).toEqual([{ row: 2, column: 'valid_until', message: expect.stringMatching(/^sel K2 berisi rumus \(=TODAY\(\)\+365\)/) }]);
      const csv = Buffer.from(legacyCsv([{ ...[...legacyRows(1, 301)][0]!, title: '=HYPERLINK("http://x")' }]));
      expect((await importFile(t, USERS.secretariat, csv)).body.errors).toEqual([{ row: 2, column: 'title', message: expect.stringMatching(/^sel C2 diawali "="/) }]);
    });

    it('a bad request: no file, a stray field, no multipart, dryRun not a boolean, an empty file', async () => {
      expectError(await importFile(t, USERS.secretariat, null), 400, 'file: required');
      expectError(await importFile(t, USERS.secretariat, SAMPLE, { extra: { kind: 'x' } }), 400, 'kind: unknown field');
      expectError(await importFile(t, USERS.secretariat, SAMPLE, { field: 'berkas' }), 400, 'berkas: unknown field');
      expectError(await t.post('/api/agreements/import', USERS.secretariat, { file: 'x' }), 415, 'multipart/form-data');
      expectError(await importFile(t, USERS.secretariat, SAMPLE, { query: '?dryRun=ya' }), 400, 'dryRun: must be true or false');
      expectError(await importFile(t, USERS.secretariat, Buffer.alloc(0)), 422, 'file: berkas kosong');
    });

    it('only the secretariat and the admin may import', async () => {
      expectError(await importFile(t, undefined, SAMPLE), 401);
      for (const user of [USERS.proposer, USERS.auditor, USERS.mayor]) expectError(await importFile(t, user, SAMPLE, { query: '?dryRun=true' }), 403);
      expect((await importFile(t, USERS.admin, SAMPLE, { query: '?dryRun=true' })).status).toBe(200);
    });
  });
});
