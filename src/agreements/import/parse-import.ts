import type { ImportRow } from '../import-row.js';
import { checkXlsxContainer, looksLikeZip, MAX_XLSX_INFLATED_BYTES } from './check-xlsx.js';
import { fieldId, quote, readAmount, readCategory, readDate, readInstrument, readList, readStatus, type Cell, type Read } from './import-cells.js';
import { readCsv, readXlsx, SheetRefused, type SheetRow } from './read-sheet.js';

/** The columns of contract §9, in its order; the header names them in any order and case. */
export const IMPORT_COLUMNS = [
  'number',
  'partner_number',
  'title',
  'instrument',
  'partner_name',
  'partner_category',
  'partner_country',
  'signed_at',
  'signed_place',
  'valid_from',
  'valid_until',
  'fields',
  'opds',
  'value_amount',
  'status',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** What a row cannot go without: the others may be missing from the header or empty in a row. */
export const REQUIRED_COLUMNS: readonly ImportColumn[] = ['number', 'title', 'instrument', 'partner_name', 'partner_category'];

/** One problem: the row of the file (1-based, the header is its first non-empty row), the column as the header names it, and why (Indonesian). */
export interface ImportError {
  row: number;
  column: string;
  message: string;
}

export interface ImportLimits {
  /** Data rows a file may hold; beyond, it is refused (413) as soon as the row past the limit is read. */
  maxRows?: number;
  /** Errors kept (the rest only counted in `errorsOmitted`): a file of 50,000 broken rows makes a report nobody reads. */
  maxErrors?: number;
  /** What an XLSX may inflate to (see checkXlsxContainer). */
  maxInflatedBytes?: number;
  /** Called every `progressEvery` rows with the rows read so far. */
  onProgress?: (rowsRead: number) => void;
  /**
   * Hands the valid rows over in chunks of ROW_CHUNK, awaited before reading on, instead of keeping them in
   * `rows` (left empty): an import then holds a chunk at a time, not the file's every row.
   */
  onRows?: (rows: ImportRow[]) => Promise<void>;
}

/** Rows per chunk handed to `onRows`. */
export const ROW_CHUNK = 500;

export const DEFAULT_MAX_IMPORT_ROWS = 50_000;
export const DEFAULT_MAX_IMPORT_ERRORS = 1_000;

export interface ParsedImport {
  format: 'csv' | 'xlsx';
  /** Data rows read (empty rows not counted). */
  count: number;
  /** The valid rows; a file with any error is not imported at all, so these only matter when `errors` is empty. */
  rows: ImportRow[];
  errors: ImportError[];
  errorsOmitted: number;
}

const MAX_LENGTH: Partial<Record<ImportColumn, number>> = {
  number: 100,
  partner_number: 100,
  title: 300,
  partner_name: 300,
  partner_country: 100,
  signed_place: 200,
};
const MAX_LIST_ITEMS = 30;
const MAX_LIST_ITEM_LENGTH = 200;

/** Text a spreadsheet would run as a formula when the register is opened again (contract §7's export rule, applied on the way in). */
const FORMULA_TEXT = /^[=+\-@]/;
/** Control characters other than tab and line breaks; and UTF-16 surrogates left alone (an XLSX can hold `&#xD800;`). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udfff]/u;

/** `A`, `B`, … `Z`, `AA`: the column's letter as the spreadsheet shows it. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const headerName = (cell: Cell | null) => (typeof cell === 'string' || typeof cell === 'number' ? String(cell) : '').trim().toLowerCase().replace(/[\s-]+/g, '_');
const isEmpty = (cell: Cell | null | undefined) => cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');

/**
 * Reads a legacy register (contract §9) into ImportRows, without Nest or a database: CSV or XLSX told
 * apart by the bytes (a zip is an XLSX, whatever its name), the header mapped to the columns, and
 * every cell of every row checked, collecting every error as `{row, column, message}`. Throws
 * SheetRefused (413/415/422) for a file that cannot be read as a register at all: too many rows, a zip
 * bomb, not UTF-8, binary content, a zip that is not an XLSX, an old binary XLS.
 *
 * Formulas in an XLSX are refused, naming the cell: the cached result may be stale (a file saved by a
 * tool that does not compute), and a register holding `=TODAY()+365` would import a value nobody
 * wrote down. Text starting with `=`, `+`, `-` or `@` is refused in both formats for the same reason
 * (a CSV exported from such a sheet, or an injection); a lone `-`, the register's "none", is empty.
 */
export async function parseImportFile(bytes: Buffer, limits: ImportLimits = {}): Promise<ParsedImport> {
  const maxRows = limits.maxRows ?? DEFAULT_MAX_IMPORT_ROWS;
  const maxErrors = limits.maxErrors ?? DEFAULT_MAX_IMPORT_ERRORS;
  if (bytes.length === 0) throw new SheetRefused(422, 'berkas kosong');
  let format: ParsedImport['format'];
  let sheet: AsyncGenerator<SheetRow>;
  if (looksLikeZip(bytes)) {
    const ordered = await checkXlsxContainer(bytes, limits.maxInflatedBytes ?? MAX_XLSX_INFLATED_BYTES);
    format = 'xlsx';
    sheet = readXlsx(ordered);
  } else if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0xd0cf11e0) {
    throw new SheetRefused(415, 'berkas XLS lama (Excel 97–2003) tidak diterima; simpan sebagai XLSX atau CSV UTF-8');
  } else if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    throw new SheetRefused(415, 'berkas PDF tidak dapat diimpor; kirim daftar perjanjian sebagai CSV atau XLSX');
  } else {
    format = 'csv';
    sheet = readCsv(bytes);
  }

  const result: ParsedImport = { format, count: 0, rows: [], errors: [], errorsOmitted: 0 };
  const report = (row: number, column: string, message: string) => {
    if (result.errors.length < maxErrors) result.errors.push({ row, column, message });
    else result.errorsOmitted++;
  };
  let columns: (ImportColumn | null)[] | null = null;
  const seen = new Map<string, number>();
  let chunk: ImportRow[] = [];
  try {
    for await (const line of sheet) {
      if (line.cells.every(isEmpty)) continue;
      if (!columns) {
        // A title above the header ("DAFTAR PERJANJIAN KERJA SAMA …"): one cell, and not a column's name.
        const filled = line.cells.filter((c) => !isEmpty(c));
        if (filled.length === 1 && !(IMPORT_COLUMNS as readonly string[]).includes(headerName(filled[0]!))) continue;
        columns = readHeader(line, report);
        if (!columns) return result;
        continue;
      }
      if (++result.count > maxRows) {
        throw new SheetRefused(413, `berkas memuat lebih dari ${maxRows.toLocaleString('id-ID')} baris data; bagi menjadi beberapa berkas`, line.row);
      }
      const row = readRow(line, columns, report);
      const written = line.cells[columns.indexOf('number')];
      const number = typeof written === 'string' || typeof written === 'number' ? String(written).replace(/\s+/g, ' ').trim() : '';
      if (number && number !== '-') {
        const first = seen.get(number.toUpperCase());
        if (first !== undefined) report(line.row, 'number', `nomor ${quote(number)} sudah dipakai pada baris ${first} berkas ini`);
        else seen.set(number.toUpperCase(), line.row);
      }
      if (row && limits.onRows) {
        chunk.push(row);
        if (chunk.length >= ROW_CHUNK) {
          await limits.onRows(chunk);
          chunk = [];
        }
      } else if (row) result.rows.push(row);
      if (limits.onProgress && result.count % 500 === 0) limits.onProgress(result.count);
    }
    if (chunk.length && limits.onRows) await limits.onRows(chunk);
  } finally {
    await sheet.return(undefined);
  }
  if (!columns) throw new SheetRefused(422, 'berkas tidak memiliki baris judul kolom (header)');
  limits.onProgress?.(result.count);
  return result;
}

function readHeader(line: SheetRow, report: (row: number, column: string, message: string) => void): (ImportColumn | null)[] | null {
  const columns: (ImportColumn | null)[] = [];
  const where = new Map<ImportColumn, number>();
  line.cells.forEach((cell, i) => {
    const name = headerName(cell).slice(0, 60);
    if (!name) {
      columns.push(null);
      return;
    }
    const column = (IMPORT_COLUMNS as readonly string[]).includes(name) ? (name as ImportColumn) : null;
    if (!column) report(line.row, name, `kolom tidak dikenal (sel ${columnLetter(i)}${line.row}); kolom yang diterima: ${IMPORT_COLUMNS.join(', ')}`);
    else if (where.has(column)) report(line.row, name, `kolom ini muncul dua kali (${columnLetter(where.get(column)!)} dan ${columnLetter(i)})`);
    else where.set(column, i);
    columns.push(column && where.get(column) === i ? column : null);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !where.has(c));
  for (const c of missing) report(line.row, c, 'kolom wajib tidak ada di baris judul');
  return missing.length ? null : columns;
}

/** The row as an ImportRow, or null when a required cell failed (its errors reported). */
function readRow(line: SheetRow, columns: (ImportColumn | null)[], report: (row: number, column: string, message: string) => void): ImportRow | null {
  const at: Partial<Record<ImportColumn, { cell: Cell; address: string }>> = {};
  line.cells.forEach((cell, i) => {
    const column = columns[i];
    if (column && !isEmpty(cell)) at[column] = { cell: cell!, address: `${columnLetter(i)}${line.row}` };
    else if (!column && !isEmpty(cell) && i >= columns.length) report(line.row, columnLetter(i), `sel ${columnLetter(i)}${line.row} berisi data di luar kolom yang berjudul`);
  });
  const failed = new Set<ImportColumn>();
  const error = (column: ImportColumn, message: string) => {
    failed.add(column);
    report(line.row, column, message);
  };
  /** The cell as a plain value, or undefined when empty, a formula (reported) or refused. */
  const raw = (column: ImportColumn): Cell | undefined => {
    const found = at[column];
    if (!found) return undefined;
    const { cell, address } = found;
    if (typeof cell === 'object' && !(cell instanceof Date)) {
      error(column, `sel ${address} berisi rumus (=${cell.formula.length > 60 ? `${cell.formula.slice(0, 57)}…` : cell.formula}); impor tidak menjalankan rumus — salin lalu tempel sebagai nilai (Paste Special → Values)`);
      return undefined;
    }
    if (typeof cell === 'string') {
      const s = cell.trim();
      if (s === '-' || s === '–' || s === '—') return undefined;
      if (CONTROL.test(s)) {
        error(column, `sel ${address} berisi karakter kendali atau biner; hanya teks yang diterima`);
        return undefined;
      }
      if (FORMULA_TEXT.test(s)) {
        error(column, `sel ${address} diawali "${s[0]}" sehingga terbaca sebagai rumus spreadsheet; hapus tanda itu`);
        return undefined;
      }
      return s;
    }
    return cell;
  };
  const text = (column: ImportColumn): string | null => {
    const cell = raw(column);
    if (cell === undefined) return null;
    const s = (cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell)).replace(/\s+/g, ' ').trim();
    const max = MAX_LENGTH[column];
    if (max && s.length > max) {
      error(column, `terlalu panjang: ${s.length} karakter, paling banyak ${max}`);
      return null;
    }
    return s;
  };
  const required = (column: ImportColumn): string | null => {
    const s = text(column);
    if (s === null && !failed.has(column)) error(column, 'wajib diisi');
    return s;
  };
  const typed = <T>(column: ImportColumn, read: (cell: Cell) => Read<T>): T | null => {
    const cell = raw(column);
    if (cell === undefined) return null;
    const value = read(cell);
    if ('error' in value) {
      error(column, value.error);
      return null;
    }
    return value.ok;
  };
  const list = (column: ImportColumn, map: (s: string) => string): string[] => {
    const s = text(column);
    if (s === null) return [];
    const items = readList(s).map(map).filter(Boolean);
    if (items.length > MAX_LIST_ITEMS) error(column, `paling banyak ${MAX_LIST_ITEMS} butir, ada ${items.length}`);
    const long = items.find((i) => i.length > MAX_LIST_ITEM_LENGTH);
    if (long) error(column, `butir ${quote(long)} terlalu panjang (paling banyak ${MAX_LIST_ITEM_LENGTH} karakter)`);
    return [...new Set(items)];
  };
  const enumerated = <T>(column: ImportColumn, read: (s: string) => Read<T>, isRequired: boolean): T | null => {
    const s = isRequired ? required(column) : text(column);
    if (s === null) return null;
    const value = read(s);
    if ('error' in value) {
      error(column, value.error);
      return null;
    }
    return value.ok;
  };

  const number = required('number');
  const title = required('title');
  const instrument = enumerated('instrument', readInstrument, true);
  const partnerName = required('partner_name');
  const category = enumerated('partner_category', readCategory, true);
  const country = text('partner_country');
  if (country !== null && country.length < 2) error('partner_country', 'paling sedikit 2 karakter');
  if (category === 'foreign' && country === null && at.partner_country === undefined) error('partner_country', 'wajib diisi untuk mitra luar negeri');
  const partnerNumber = text('partner_number');
  const signedAt = typed('signed_at', readDate);
  const signedPlace = text('signed_place');
  const validFrom = typed('valid_from', readDate);
  const validUntil = typed('valid_until', readDate);
  if (validFrom && validUntil && validUntil <= validFrom) error('valid_until', `harus sesudah valid_from (${validFrom})`);
  const fields = list('fields', fieldId);
  const opds = list('opds', (s) => s);
  const amount = typed('value_amount', readAmount);
  const status = enumerated('status', readStatus, false);

  if (failed.size || !number || !title || !instrument || !partnerName || !category) return null;
  return {
    row: line.row,
    number,
    partnerNumber,
    title,
    instrument,
    partner: { name: partnerName, category, country },
    signedAt,
    signedPlace,
    validFrom,
    validUntil,
    fields,
    opds,
    value: amount ? { amount: amount.amount, currency: amount.currency, source: null } : null,
    status,
  };
}
