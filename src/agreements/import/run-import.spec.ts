import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { legacyCsv, legacyRows } from '../../../test/support/legacy-register.js';
import type { Actor } from '../../common/actor.js';
import { DomainError } from '../../common/errors.js';
import { capErrorBody, MAX_ERROR_BODY_BYTES, toErrorBody } from '../../common/http-exception.filter.js';
import type { ImportResult, ImportRow } from '../import-row.js';
import { importFileName, parseDryRun } from './agreements-import.controller.js';
import { runImport, type RegisterImporter } from './run-import.js';

const actor: Actor = { id: 'demo-secretariat', roles: ['secretariat'] };

/** A register holding `taken` numbers, recording what it was asked; it refuses rows titled "TOLAK" as the real one refuses bad values. */
function fakeRegister(taken: string[] = []) {
  const calls: { rows: ImportRow[]; file: { name: string; sha256: string }; dryRun: boolean }[] = [];
  const register: RegisterImporter = {
    importFrom: async (source, file, _actor, { dryRun }) => {
      const rows: ImportRow[] = [];
      await source(async (chunk) => void rows.push(...chunk));
      calls.push({ rows, file, dryRun });
      const errors = rows.filter((r) => r.title === 'TOLAK').map((r) => ({ row: r.row, column: 'title', message: 'refused by the register' }));
      const fresh = rows.filter((r) => !taken.includes(r.number));
      const result: ImportResult = { rows: rows.length, created: errors.length ? 0 : fresh.length, skipped: errors.length ? 0 : rows.length - fresh.length, errors };
      return result;
    },
  };
  return { register, calls };
}

const caught = async (p: Promise<unknown>) => p.then(() => { throw new Error('no error'); }, (e: unknown) => e as DomainError);

describe('runImport: the file checked whole, then the register', () => {
  const sample = readFileSync(join(__dirname, '../../../docs/contoh-impor-perjanjian.csv'));

  it('imports the sample legacy CSV of docs/ cleanly, handing every row with the file name and sha256', async () => {
    const { register, calls } = fakeRegister(['180/03/KS/2017']);
    const report = await runImport(register, { name: 'contoh-impor-perjanjian.csv', bytes: sample }, actor, { dryRun: false });
    expect(report).toEqual({ rows: 10, created: 9, skipped: 1, errors: [], errorsOmitted: 0, dryRun: false });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.dryRun).toBe(false);
    expect(calls[0]!.file).toEqual({ name: 'contoh-impor-perjanjian.csv', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(calls[0]!.rows.map((r) => r.signedAt)).toEqual(['2015-02-16', '2016-05-02', '2017-03-12', '2017-05-03', '2017-08-17', '2017-10-05', '2017-12-24', '2018-01-22', '2018-07-09', '2019-03-11']);
    expect(calls[0]!.rows[5]).toMatchObject({ instrument: 'loi', partner: { category: 'foreign', country: 'China' }, fields: ['pariwisata', 'kebudayaan'], validFrom: null });
  });

  it('a file with errors: 422 with every error and the register never asked to write; a dry run reports them with the skips', async () => {
    const rows = [...legacyRows(4)];
    rows[1]!.signed_at = '31/02/2017';
    rows[2]!.title = 'TOLAK';
    const bytes = Buffer.from(legacyCsv(rows));
    const { register, calls } = fakeRegister([String(rows[3]!.number)]);
    const err = await caught(runImport(register, { name: 'x.csv', bytes }, actor, { dryRun: false }));
    expect(err).toBeInstanceOf(DomainError);
    expect(err.status).toBe(422);
    expect(err.message).toBe('file: 2 kesalahan pada berkas; tidak ada perjanjian yang dibuat');
    expect(err.details).toEqual({
      field: 'file',
      rows: 4,
      created: 0,
      skipped: 0,
      errors: [
        { row: 3, column: 'signed_at', message: 'tanggal 31 tidak ada pada bulan 2 tahun 2017 ("31/02/2017")' },
        { row: 4, column: 'title', message: 'refused by the register' },
      ],
      errorsOmitted: 0,
    });
    expect(calls.every((c) => c.dryRun)).toBe(true);
    const dry = await runImport(register, { name: 'x.csv', bytes }, actor, { dryRun: true });
    expect(dry).toMatchObject({ rows: 4, created: 0, dryRun: true });
    expect(dry.errors).toHaveLength(2);
    rows[2]!.title = 'Diperbaiki';
    const onlyParseErrors = await runImport(register, { name: 'x.csv', bytes: Buffer.from(legacyCsv(rows)) }, actor, { dryRun: true });
    expect(onlyParseErrors).toEqual({ rows: 4, created: 0, skipped: 1, errors: [{ row: 3, column: 'signed_at', message: expect.stringMatching(/^tanggal 31/) }], errorsOmitted: 0, dryRun: true });
  });

  it('a dry run of a clean file counts what would be created', async () => {
    const { register, calls } = fakeRegister();
    expect(await runImport(register, { name: 'x.csv', bytes: sample }, actor, { dryRun: true })).toMatchObject({ rows: 10, created: 10, skipped: 0, errors: [] });
    expect(calls[0]!.dryRun).toBe(true);
  });

  it('a 422 of thousands of errors fits the 16 KiB error body, saying how many it left out', async () => {
    const bytes = Buffer.from(legacyCsv([...legacyRows(3000)].map((r) => ({ ...r, instrument: 'surat' }))));
    const err = await caught(runImport(fakeRegister().register, { name: 'x.csv', bytes }, actor, { dryRun: false }));
    const body = capErrorBody(toErrorBody(err));
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES);
    const shown = (body.errors as unknown[]).length;
    expect(shown).toBeGreaterThan(20);
    expect(body.errorsOmitted).toBe(3000 - shown);
    expect(body.message).toBe(`file: 3000 kesalahan pada berkas; tidak ada perjanjian yang dibuat (${shown} pertama ditampilkan; kirim dengan dryRun=true untuk daftar lengkap)`);
  });

  it('a file that is no register maps to 413, 415 or 422 naming the file', async () => {
    const { register, calls } = fakeRegister();
    const tooMany = await caught(runImport(register, { name: 'x.csv', bytes: Buffer.from(legacyCsv(legacyRows(6))) }, actor, { dryRun: false, limits: { maxRows: 5 } }));
    expect(tooMany).toMatchObject({ code: 'PayloadTooLarge', message: 'file: berkas memuat lebih dari 5 baris data; bagi menjadi beberapa berkas', details: { field: 'file', row: 7 } });
    expect(await caught(runImport(register, { name: 'x.xls', bytes: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]) }, actor, { dryRun: true }))).toMatchObject({ code: 'UnsupportedMediaType' });
    expect(await caught(runImport(register, { name: 'x.csv', bytes: Buffer.from([0xff, 0xfe, 0x41, 0]) }, actor, { dryRun: true }))).toMatchObject({ code: 'ImportInvalid', status: 422 });
    expect(calls).toHaveLength(0);
  });
});

describe('the import endpoint\'s arguments', () => {
  it('dryRun takes true/false/1/0 and refuses the rest naming it', () => {
    expect([undefined, '', 'false', '0', 'true', '1'].map(parseDryRun)).toEqual([false, false, false, false, true, true]);
    expect(() => parseDryRun('ya')).toThrow('dryRun: must be true or false');
    expect(() => parseDryRun(['true', 'true'])).toThrow('dryRun');
  });

  it('keeps the file name without folders or control characters', () => {
    expect(importFileName('C:\\Users\\ks\\Register 2017.xlsx')).toBe('Register 2017.xlsx');
    expect(importFileName('../../etc/passwd\u0000.csv')).toBe('passwd.csv');
    expect(importFileName(undefined)).toBe('impor');
  });
});
