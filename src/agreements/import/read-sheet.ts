import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { Cell } from './import-cells.js';

/** One row of a sheet as read: its number in the file (1-based, the header included) and its cells by column. */
export interface SheetRow {
  row: number;
  cells: (Cell | null)[];
}

/** The file cannot be read as a sheet at all: the import answers `status` with `message` and reads no row. */
export class SheetRefused extends Error {
  constructor(
    readonly status: 413 | 415 | 422,
    message: string,
    readonly row?: number,
  ) {
    super(message);
    this.name = 'SheetRefused';
  }
}

/** `,` or `;`, whichever the header line holds more of outside quotes (Indonesian-locale Excel saves `;`). */
export function detectDelimiter(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/**
 * The line of the first byte that is not UTF-8, or null when all are. Lines are counted by LF, which
 * is the same byte in UTF-8, Windows-1252 and ISO-8859-1, so the line is right in the file as sent.
 */
function firstLineNotUtf8(bytes: Buffer): number | null {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    line++;
    start = end + 1;
  }
  return null;
}

/**
 * The rows of a CSV file (RFC 4180 by csv-parse): UTF-8 with or without its BOM, `,` or `;` as the
 * separator (detected from the header line), quoted fields with separators, quotes and line breaks
 * inside. Refused before any row is read: UTF-16 (a BOM, or NUL bytes between ASCII letters), bytes
 * that are not UTF-8 (a file saved as Windows-1252, named by its line), and binary content (NUL bytes).
 * Streams the rows, so a caller that stops early (the row limit) parses no further.
 */
export async function* readCsv(bytes: Buffer): AsyncGenerator<SheetRow> {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new SheetRefused(422, 'berkas CSV berkode UTF-16, bukan UTF-8: simpan ulang sebagai "CSV UTF-8"');
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = bytes.subarray(0, nul).toString('latin1').split('\n').length;
    const utf16 = nul > 0 && nul + 1 < bytes.length && bytes[nul + 1] !== 0 && bytes[nul - 1]! < 0x80 && bytes.indexOf(0, nul + 2) === nul + 2;
    throw new SheetRefused(
      422,
      utf16 ? 'berkas CSV berkode UTF-16, bukan UTF-8: simpan ulang sebagai "CSV UTF-8"' : `berkas berisi data biner (byte NUL pada baris ${line}), bukan teks CSV`,
      line,
    );
  }
  const notUtf8 = isUtf8(bytes) ? null : firstLineNotUtf8(bytes);
  if (notUtf8 !== null) {
    throw new SheetRefused(422, `baris ${notUtf8}: berkas bukan UTF-8 (mungkin Windows-1252/ANSI); simpan ulang sebagai "CSV UTF-8"`, notUtf8);
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // Fed in slices so csv-parse's backpressure holds: one 20 MiB chunk would be parsed into all its records at once.
  const input = Readable.from(slices(bytes.subarray(bom)));
  const parser = input.pipe(
    parseCsv({
      delimiter: detectDelimiter(bytes.subarray(bom, bom + 64 * 1024).toString('utf8')),
      relax_column_count: true,
      // A quote inside an unquoted cell (`Jl. "Sudirman"`) is text, as spreadsheets read it.
      relax_quotes: true,
      skip_empty_lines: false,
      info: true,
      // A field larger than any register cell is a broken quote or a payload, not data.
      max_record_size: 64 * 1024,
    }),
  );
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // info.lines is the line the record ends on; a record spanning lines starts earlier, but registers rarely break cells.
      yield { row: record.info.lines, cells: record.record };
    }
  } catch (err) {
    if (err instanceof SheetRefused) throw err;
    const e = err as { code?: string; lines?: number; message: string };
    throw new SheetRefused(422, `berkas CSV rusak${e.lines ? ` pada baris ${e.lines}` : ''}: ${e.message}`, e.lines);
  } finally {
    input.destroy();
    parser.destroy();
  }
}

function* slices(bytes: Buffer, size = 64 * 1024): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** A cell exceljs left as an index into the shared strings it had not read yet. */
const isSharedRef = (v: ExcelJS.CellValue): v is ExcelJS.CellValue & { sharedString: number } => typeof v === 'object' && v !== null && 'sharedString' in v;

/** Text of an exceljs rich-text, hyperlink or (resolved) shared-string object; formulas kept as formulas. */
function toCell(value: ExcelJS.CellValue, shared: readonly ExcelJS.CellValue[] | undefined): Cell | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (isSharedRef(value)) {
    const text = shared?.[value.sharedString];
    if (text === undefined || text === null || isSharedRef(text)) {
      throw new SheetRefused(422, `berkas XLSX tidak dapat dibaca: teks bersama nomor ${String(value.sharedString)} (xl/sharedStrings.xml) tidak terbaca; simpan ulang dengan Excel atau LibreOffice, atau kirim sebagai CSV UTF-8`);
    }
    return toCell(text, undefined);
  }
  if (typeof value === 'object') {
    if ('formula' in value || 'sharedFormula' in value) {
      const f = value as { formula?: string; sharedFormula?: string };
      return { formula: f.formula ?? f.sharedFormula ?? '' };
    }
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return `#${String(value.error).replace(/^#/, '')}`;
  }
  return String(value as unknown);
}

/** What exceljs's WorkbookReader has read of xl/workbook.xml and xl/sharedStrings.xml (not in its typings). */
interface WorkbookParts {
  model?: { sheets?: { id?: number }[] };
  sharedStrings?: ExcelJS.CellValue[];
}

/**
 * The sheetId of the workbook's first tab, which exceljs gives each worksheet as its `id` once it has
 * read xl/workbook.xml and its relationships (the file name's number otherwise); null when not known.
 */
function firstSheetId(parts: WorkbookParts): number | null {
  const id = parts.model?.sheets?.[0]?.id;
  return typeof id === 'number' ? id : null;
}

/**
 * The rows of an XLSX file's first worksheet (the first tab, whichever sheetN.xml holds it), streamed
 * by exceljs's WorkbookReader (the zip read as it comes, never the whole workbook in memory). Dates
 * formatted as dates come as Date (styles are read for that), formulas as `{formula}`. The zip itself
 * must have passed checkXlsxContainer first, which puts the shared strings before the sheets: should
 * a cell still come as `{sharedString: n}` (exceljs#683), toCell refuses it rather than import it.
 * Sheets before the first tab are read through, not skipped.
 */
export async function* readXlsx(bytes: Buffer): AsyncGenerator<SheetRow> {
  const input = Readable.from([bytes]);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const parts = reader as unknown as WorkbookParts;
  let sheets = 0;
  try {
    for await (const sheet of reader) {
      // Excel may store the tabs in another order than their files: the first tab is what a person calls the first sheet.
      const first = firstSheetId(parts);
      if (first !== null && Number((sheet as unknown as { id: unknown }).id) !== first) {
        for await (const _row of sheet as AsyncIterable<ExcelJS.Row>) void _row;
        continue;
      }
      sheets++;
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as ExcelJS.CellValue[]).slice(1);
        yield { row: row.number, cells: values.map((v) => toCell(v, parts.sharedStrings)) };
      }
      break;
    }
  } catch (err) {
    if (err instanceof SheetRefused) throw err;
    throw new SheetRefused(422, `berkas XLSX tidak dapat dibaca: ${(err as Error).message}`);
  } finally {
    input.destroy();
  }
  if (sheets === 0) throw new SheetRefused(422, 'berkas XLSX tidak memiliki lembar kerja');
}
