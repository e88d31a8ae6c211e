import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { IMPORT_COLUMNS } from '../../src/agreements/import/parse-import.js';

/** One row of a legacy register as a section keeps it: column name → what the cell holds. */
export type LegacyRow = Record<string, string | number | Date | { formula: string; result?: string | number } | null>;

const PARTNERS = [
  { name: 'Kabupaten Muaro Jambi', category: 'Pemerintah daerah lain', instrument: 'PKS' },
  { name: 'Universitas Jambi', category: 'Pihak ketiga', instrument: 'Kesepakatan Bersama (MoU)' },
  { name: 'Kementerian Dalam Negeri', category: 'Pemerintah pusat', instrument: 'nk' },
  { name: 'Kota Hefei', category: 'Pihak luar negeri', instrument: 'LoI', country: 'China' },
];
const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Row `i` of a generated legacy register: numbers `180/<i>/KS/<year>`, partners of every category, the
 * dates in the formats registers mix (ISO, dd/mm/yyyy, dd-mm-yyyy, "12 Maret 2017"), Indonesian amounts.
 * Deterministic, so a test can compute what row `i` must become.
 */
export function legacyRow(i: number): LegacyRow {
  const p = PARTNERS[i % PARTNERS.length]!;
  const year = 2015 + (i % 5);
  const month = (i % 12) + 1;
  const day = (i % 28) + 1;
  const formats = [`${year}-${pad(month)}-${pad(day)}`, `${pad(day)}/${pad(month)}/${year}`, `${pad(day)}-${pad(month)}-${year}`, `${day} ${MONTHS[month - 1]} ${year}`];
  return {
    number: `180/${i + 1}/KS/${year}`,
    partner_number: i % 3 === 0 ? null : `${100 + i}/MJ/${year}`,
    title: `Kerja sama ${p.name} nomor ${i + 1}`,
    instrument: p.instrument,
    partner_name: p.name,
    partner_category: p.category,
    partner_country: p.country ?? null,
    signed_at: formats[i % 4]!,
    signed_place: 'Jambi',
    valid_from: formats[i % 4]!,
    valid_until: `${year + 5}-${pad(month)}-${pad(day)}`,
    fields: i % 2 ? 'Kesehatan; Pendidikan' : 'pekerjaan_umum',
    opds: 'Dinas Kesehatan | Bappeda',
    value_amount: i % 4 === 0 ? null : `Rp ${(1_500_000 * (i + 1)).toLocaleString('id-ID')},00`,
    status: i % 10 === 9 ? 'diakhiri' : null,
  };
}

/** `rows` as the text of a CSV with `separator`, quoting cells that hold it, a quote or a line break. */
export function legacyCsv(rows: Iterable<LegacyRow>, options: { separator?: ',' | ';'; bom?: boolean; columns?: readonly string[]; eol?: string } = {}): string {
  const sep = options.separator ?? ';';
  const columns = options.columns ?? IMPORT_COLUMNS;
  const eol = options.eol ?? '\r\n';
  const cell = (v: LegacyRow[string] | undefined) => {
    const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'object' ? `=${v.formula}` : String(v);
    return s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.join(sep)];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c])).join(sep));
  return `${options.bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
}

/** `count` generated rows, lazily. */
export function* legacyRows(count: number, from = 0): Generator<LegacyRow> {
  for (let i = from; i < from + count; i++) yield legacyRow(i);
}

/**
 * `rows` as an XLSX written by exceljs's streaming writer (shared strings, styles: as Excel saves), the
 * header in row `headerRow` (rows above it hold a title, as registers often do). Date values become
 * date cells, `{formula}` formula cells.
 */
export async function legacyXlsx(rows: Iterable<LegacyRow>, options: { columns?: readonly string[]; title?: string } = {}): Promise<Buffer> {
  const columns = options.columns ?? IMPORT_COLUMNS;
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => out.on('end', resolve));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('Register');
  if (options.title) {
    sheet.addRow([options.title]).commit();
    sheet.addRow([]).commit();
  }
  sheet.addRow([...columns]).commit();
  for (const row of rows) {
    const r = sheet.addRow(columns.map((c) => row[c] ?? null));
    columns.forEach((c, i) => {
      if (row[c] instanceof Date) r.getCell(i + 1).numFmt = 'dd/mm/yyyy';
    });
    r.commit();
  }
  sheet.commit();
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}
