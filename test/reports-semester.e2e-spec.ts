/**
 * The half-yearly report (contract §9): `GET /api/reports/semester` as JSON, XLSX (read back with
 * exceljs) and PDF (read back with pdftotext), and `POST /api/reports/semester` · `GET …/semester/sent`
 * recording that it went out. Agreements are read from the register: cases signed on the app's clock at
 * known dates in 2030–31, their fields recorded by PATCH, and two imported from a legacy spreadsheet.
 * Runs on PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set, embedded otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { AgreementsService } from '../src/agreements/agreements.service.js';
import type { ImportRow } from '../src/agreements/import-row.js';
import { SettableClock } from '../src/common/clock.js';
import { expectError } from './support/expectations.js';
import { TestApp, USERS } from './support/test-app.js';

const at = (local: string) => new Date(`${local}+07:00`);
const LETTERHEAD = ['PEMERINTAH KOTA JAMBI', 'SEKRETARIAT DAERAH', 'BAGIAN KERJA SAMA'];

describe('the half-yearly report', () => {
  const clock = new SettableClock();
  let t: TestApp;
  const numbers: Record<string, string> = {};
  const ids: Record<string, string> = {};

  /** A case signed at `when` (WIB), through every desk. */
  async function signed(key: string, when: string, body: Record<string, unknown>): Promise<void> {
    clock.set(at(when));
    const c = await t.createCase(body);
    numbers[key] = c.number;
    ids[key] = c.id;
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    for (const who of [USERS.secretariat, USERS.reviewerA, USERS.chair, USERS.legal]) expect((await t.decide(c.id, who, 'approve')).status).toBe(200);
    expect((await t.decide(c.id, USERS.mayor, 'sign')).status).toBe(200);
    expect(await t.stageOf(c.id)).toBe('signed');
  }

  beforeAll(async () => {
    clock.set(at('2030-03-10T10:00:00'));
    t = await TestApp.start({ letterhead: LETTERHEAD }, { clock });
    const third = { instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' } };
    // First half: a PKS in force until March 2031.
    await signed('s3', '2030-03-10T10:00:00', { ...third, title: 'PKS jaminan kesehatan', validFrom: '2030-03-10', validUntil: '2031-03-09' });
    // Second half: a KB for two years, and a PKS whose term ends on 30 November.
    await signed('s1', '2030-08-05T10:00:00', { title: 'KB pengelolaan sampah regional', validFrom: '2030-08-01', validUntil: '2032-07-31' });
    await signed('s2', '2030-09-02T10:00:00', { ...third, title: 'PKS layanan parkir', partner: { name: 'PT Parkir Jambi', category: 'third_party' }, validFrom: '2030-09-01', validUntil: '2030-11-30' });
    // Its monev (contract §10), opened by the secretariat and concluded on 12 December: an evaluation done in the second half.
    clock.set(at('2030-12-10T09:00:00'));
    const opened = await t.post(`/api/agreements/${ids.s3}/evaluations`, USERS.secretariat, {});
    expect(opened.status).toBe(201);
    expect((await t.decide(opened.body.id, USERS.proposer, 'submit', { report: { progress: 70, outputs: 'Layanan rujukan berjalan' } })).status).toBe(200);
    expect((await t.decide(opened.body.id, USERS.reviewerA, 'approve')).status).toBe(200);
    clock.set(at('2030-12-12T09:00:00'));
    expect((await t.decide(opened.body.id, USERS.secretariat, 'approve', { rating: 4, recommendation: 'continue' })).status).toBe(200);
    // Next year: outside both halves of 2030. And a case still under way: no agreement.
    await signed('s4', '2031-01-05T10:00:00', { title: 'KB pendidikan vokasi', validFrom: '2031-01-05', validUntil: '2033-01-04' });
    await t.createCase({ title: 'KB belum selesai' });
    clock.set(at('2031-01-10T09:00:00'));
    // The register's own fields: the urusan of each, as the secretariat records them.
    for (const [key, fields] of [['s1', ['lingkungan_hidup', 'pekerjaan_umum']], ['s2', ['perhubungan']], ['s3', ['kesehatan']]] as const) {
      expect((await t.request('PATCH', `/api/agreements/${ids[key]}`, { as: USERS.secretariat, body: { fields } })).status).toBe(200);
    }
    // From a legacy spreadsheet: an NK with a ministry signed in August 2030, and a KB terminated on a day nobody recorded.
    const legacy = (n: number, over: Partial<ImportRow>): ImportRow => ({
      row: n,
      number: `180/${n}/KS/2030`,
      partnerNumber: `NK/${n}/2030`,
      title: `Kerja sama lama ${n}`,
      instrument: 'nk',
      partner: { name: 'Kementerian PUPR', category: 'central_government', country: null },
      signedAt: '2030-08-20',
      signedPlace: 'Jakarta',
      validFrom: '2030-08-20',
      validUntil: '2035-08-19',
      fields: ['pekerjaan_umum'],
      opds: ['Dinas PUPR'],
      value: null,
      status: null,
      ...over,
    });
    const imported = await t.app
      .get(AgreementsService)
      .importRows([legacy(2, {}), legacy(3, { instrument: 'kb', partner: { name: 'Kabupaten Kerinci', category: 'region', country: null }, status: 'terminated', fields: ['pariwisata'] })], { name: 'register-2030.csv', sha256: 'b'.repeat(64) }, { id: USERS.secretariat.id, roles: [...USERS.secretariat.roles] }, { dryRun: false });
    expect(imported.created).toBe(2);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('counts signed, in force at the end, ended and evaluations by instrument, category and field (JSON)', async () => {
    const res = await t.get('/api/reports/semester?year=2030&half=2', USERS.secretariat);
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r.sent).toEqual([]);
    expect(r).toMatchObject({ year: 2030, half: 2, period: { from: '2030-07-01', to: '2030-12-31' }, timezone: 'Asia/Jakarta', letterhead: LETTERHEAD, source: 'register' });
    // Signed: S1 (KB, region), S2 (PKS, third party), the imported NK (central government) and the terminated KB (region).
    expect(r.signed).toEqual({
      total: 4,
      byInstrument: { kb: 2, pks: 1, nk: 1, loi: 0 },
      byCategory: { region: 2, third_party: 1, central_government: 1, foreign: 0 },
      byField: { lingkungan_hidup: 1, pekerjaan_umum: 2, perhubungan: 1, pariwisata: 1 },
    });
    // In force on 1 January 2031: S3 (from the first half), S1 and the NK; the terminated KB is not.
    expect(r.inForceAtEnd).toEqual({
      total: 3,
      byInstrument: { kb: 1, pks: 1, nk: 1, loi: 0 },
      byCategory: { region: 1, third_party: 1, central_government: 1, foreign: 0 },
      byField: { kesehatan: 1, lingkungan_hidup: 1, pekerjaan_umum: 2 },
    });
    // Ended: S2, whose term ran to 30 November (the undated termination is in no half).
    expect(r.ended).toEqual({ total: 1, byInstrument: { kb: 0, pks: 1, nk: 0, loi: 0 }, byCategory: { region: 0, third_party: 1, central_government: 0, foreign: 0 }, byField: { perhubungan: 1 } });
    // Evaluations done: S3's, concluded on 12 December (kesehatan).
    expect(r.evaluationsDone).toEqual({ total: 1, byInstrument: { kb: 0, pks: 1, nk: 0, loi: 0 }, byCategory: { region: 0, third_party: 1, central_government: 0, foreign: 0 }, byField: { kesehatan: 1 } });
    expect(r.agreements.map((a: any) => [a.number, a.signedInHalf, a.inForceAtEnd, a.endedInHalf])).toEqual([
      [numbers.s3, false, true, false],
      [numbers.s1, true, true, false],
      ['180/2/KS/2030', true, true, false],
      ['180/3/KS/2030', true, false, false],
      [numbers.s2, true, false, true],
    ]);
    const first = (await t.get('/api/reports/semester?year=2030&half=1&format=json', USERS.auditor)).body;
    expect([first.signed.total, first.inForceAtEnd.total, first.ended.total, first.agreements.length]).toEqual([1, 1, 0, 1]);
    expect(first.signed.byField).toEqual({ kesehatan: 1 });
    const next = (await t.get('/api/reports/semester?year=2031&half=1', USERS.admin)).body;
    // S4 signed; S3 ended on 9 March; S1, S4 and the NK in force at the end.
    expect([next.signed.total, next.inForceAtEnd.total, next.ended.total]).toEqual([1, 3, 1]);
  });

  it('gives an XLSX workbook of the same figures under the letterhead', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/reports/semester?year=2030&half=2&format=xlsx', headers: { authorization: `Bearer ${await t.token(USERS.secretariat)}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="laporan-semester-2030-2.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sum = wb.getWorksheet('Ringkasan')!;
    const values = (n: number) => (sum.getRow(n).values as unknown[]).slice(1);
    expect([1, 2, 3].map((n) => values(n)[0])).toEqual(LETTERHEAD);
    const rows = Array.from({ length: sum.rowCount }, (_, i) => values(i + 1));
    expect(rows.find((v) => v[0] === 'Laporan Semester II Tahun 2030 — Kerja Sama Daerah')).toBeDefined();
    expect(rows.find((v) => v[0] === 'Jumlah')).toEqual(['Jumlah', 4, 3, 1, 1]);
    expect(rows.find((v) => v[0] === 'Perjanjian Kerja Sama (PKS)')).toEqual(['Perjanjian Kerja Sama (PKS)', 1, 1, 1, 1]);
    expect(rows.find((v) => v[0] === 'Pemerintah daerah lain')).toEqual(['Pemerintah daerah lain', 2, 1, 0, 0]);
    expect(rows.find((v) => v[0] === 'Pekerjaan umum')).toEqual(['Pekerjaan umum', 2, 2, 0, 0]);
    const list = wb.getWorksheet('Daftar kerja sama')!;
    expect(list.rowCount).toBe(6); // header + five agreements
    expect((list.getRow(6).values as unknown[]).slice(1, 3)).toEqual([numbers.s2, 'PKS layanan parkir']);
    expect(list.getRow(6).getCell(6).value).toBe('Perhubungan');
    expect(list.getRow(6).getCell(12).value).toBe('Ya'); // ended in the half
  });

  it('gives a real PDF with the letterhead, the title and the figures', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/reports/semester?year=2030&half=2&format=pdf', headers: { authorization: `Bearer ${await t.token(USERS.auditor)}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('attachment; filename="laporan-semester-2030-2.pdf"');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'onegate-semester-'));
    try {
      const file = join(dir, 'laporan.pdf');
      writeFileSync(file, res.rawPayload);
      const out = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(out.status).toBe(0);
      for (const line of LETTERHEAD) expect(out.stdout).toContain(line);
      expect(out.stdout).toContain('Laporan Semester II Tahun 2030');
      expect(out.stdout).toContain('1 Juli 2030 – 31 Desember 2030');
      expect(out.stdout).toMatch(/Jumlah\s+4\s+3\s+1\s+1/);
      expect(out.stdout).toMatch(/Kesehatan\s+0\s+1\s+0\s+1/);
      expect(out.stdout).toMatch(/Lingkungan hidup\s+1\s+1\s+0\s+0/);
      expect(out.stdout).toMatch(/Perjanjian Kerja Sama \(PKS\)\s+1\s+1\s+1\s+1/);
      expect(out.stdout).toContain(`${numbers.s2} — PKS layanan parkir`);
      expect(out.stdout).not.toContain(numbers.s4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.get('/api/docs/openapi.json', USERS.auditor)).body;
    for (const path of ['/api/reports/semester', '/api/reports/semester/sent', '/api/reports/stages']) expect([path, Boolean(doc.paths[path])]).toEqual([path, true]);
    expect(Object.keys(doc.paths['/api/reports/semester']).sort()).toEqual(['get', 'post']);
  });

  it('is for the secretariat, auditors and admins only, and refuses bad parameters naming them', async () => {
    for (const who of [USERS.proposer, USERS.mayor, USERS.legal]) expectError(await t.get('/api/reports/semester?year=2030&half=2', who), 403);
    expectError(await t.get('/api/reports/semester?year=2030&half=2'), 401);
    expectError(await t.get('/api/reports/semester?half=2', USERS.secretariat), 400, 'year');
    expectError(await t.get('/api/reports/semester?year=2030', USERS.secretariat), 400, 'half');
    expectError(await t.get('/api/reports/semester?year=2030&half=3', USERS.secretariat), 400, 'half');
    expectError(await t.get('/api/reports/semester?year=abc&half=1', USERS.secretariat), 400, 'year');
    expectError(await t.get('/api/reports/semester?year=2030&half=1&format=docx', USERS.secretariat), 400, 'format');
  });

  describe('recording that it went out', () => {
    const sent = { year: 2030, half: 2, sentTo: 'Gubernur Jambi c.q. Biro Pemerintahan', letterNumber: '100.4.7/012/KS/2031', sentAt: '2031-01-08T10:00:00+07:00' };

    it('records a sending once per Idempotency-Key and lists it for every role', async () => {
      const key = { 'idempotency-key': 'semester-2030-2-gubernur' };
      const first = await t.post('/api/reports/semester', USERS.secretariat, sent, key);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ id: expect.any(String), ...sent, sentAt: '2031-01-08T03:00:00.000Z', recordedBy: USERS.secretariat.id, recordedAt: at('2031-01-10T09:00:00').toISOString() });
      const again = await t.post('/api/reports/semester', USERS.secretariat, sent, key);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expectError(await t.post('/api/reports/semester', USERS.secretariat, { ...sent, letterNumber: '100.4.7/013/KS/2031' }, key), 422);
      // A second sending (to the ministry), a date alone being that day in the city.
      const ministry = await t.post('/api/reports/semester', USERS.secretariat, { ...sent, sentTo: 'Menteri Dalam Negeri c.q. Ditjen Bina Administrasi Kewilayahan', sentAt: '2031-01-09' });
      expect(ministry.status).toBe(201);
      expect(ministry.body.sentAt).toBe('2031-01-08T17:00:00.000Z');

      const list = await t.get('/api/reports/semester/sent', USERS.proposer);
      expect(list.status).toBe(200);
      expect(list.body.total).toBe(2);
      expect(list.body.items.map((x: any) => x.sentTo)).toEqual(['Menteri Dalam Negeri c.q. Ditjen Bina Administrasi Kewilayahan', sent.sentTo]);
      expect((await t.get('/api/reports/semester/sent?year=2030&half=1', USERS.auditor)).body).toEqual({ items: [], total: 0 });
      expect((await t.get('/api/reports/semester/sent?year=2030&half=2', USERS.auditor)).body.total).toBe(2);
      // The report of the half says where it went.
      expect((await t.get('/api/reports/semester?year=2030&half=2', USERS.auditor)).body.sent.map((x: any) => x.letterNumber)).toEqual([sent.letterNumber, sent.letterNumber]);
      expect((await t.get('/api/reports/semester?year=2030&half=1', USERS.auditor)).body.sent).toEqual([]);
      expectError(await t.get('/api/reports/semester/sent?half=5', USERS.auditor), 400, 'half');
      expectError(await t.get('/api/reports/semester/sent'), 401);
    });

    it('is recorded by the secretariat only, and bad input is refused naming the field, writing nothing', async () => {
      const before = (await t.get('/api/reports/semester/sent', USERS.auditor)).body.total;
      for (const who of [USERS.auditor, USERS.admin, USERS.proposer]) expectError(await t.post('/api/reports/semester', who, sent), 403);
      const bad: [Record<string, unknown>, string][] = [
        [{ ...sent, year: undefined }, 'year'],
        [{ ...sent, year: 1999 }, 'year'],
        [{ ...sent, year: '2030' }, 'year'],
        [{ ...sent, half: 3 }, 'half'],
        [{ ...sent, sentTo: '   ' }, 'sentTo'],
        [{ ...sent, sentTo: 'x'.repeat(301) }, 'sentTo'],
        [{ ...sent, letterNumber: undefined }, 'letterNumber'],
        [{ ...sent, letterNumber: '' }, 'letterNumber'],
        [{ ...sent, sentAt: 'kemarin' }, 'sentAt'],
        [{ ...sent, sentAt: '2031-02-30' }, 'sentAt'],
        [{ ...sent, sentAt: '2031-01-08T10:00:00' }, 'sentAt'], // no offset
        [{ ...sent, sentAt: '2030-06-30T10:00:00+07:00' }, 'sentAt'], // before the half began
        [{ ...sent, sentAt: '2031-02-01' }, 'sentAt'], // in the future
        [{ ...sent, copies: 3 }, 'copies'],
      ];
      for (const [body, field] of bad) expectError(await t.post('/api/reports/semester', USERS.secretariat, body), 400, field);
      expect((await t.get('/api/reports/semester/sent', USERS.auditor)).body.total).toBe(before);
    });
  });
});
