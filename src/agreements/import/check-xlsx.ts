import yauzl from 'yauzl';
import { SheetRefused } from './read-sheet.js';

/** What an imported XLSX may inflate to in all: far above a 50,000-row register (about 60 MiB), far below a bomb. */
export const MAX_XLSX_INFLATED_BYTES = 200 * 1024 * 1024;
const MAX_XLSX_ENTRIES = 2_000;
/**
 * What the shared strings may inflate to: exceljs holds them all in memory as objects (several times
 * their XML), so they get their own, smaller bound. A 50,000-row register of distinct titles, names
 * and numbers needs about 25 MiB.
 */
export const MAX_SHARED_STRINGS_BYTES = 48 * 1024 * 1024;

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const DATA_DESCRIPTOR = 0x08074b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

/** Starts with a zip's local header: an XLSX (or another zip) whatever its name says. */
export const looksLikeZip = (bytes: Buffer) => bytes.length >= 4 && bytes.readUInt32LE(0) === LOCAL_HEADER;

/**
 * Checks an XLSX before exceljs reads it, since exceljs (through unzipper) inflates whatever the zip
 * holds without a limit. The central directory is read with yauzl, every entry inflated while counting
 * (validateEntrySizes: an entry inflating beyond the size it declares fails), and the whole refused
 * above `maxInflated` bytes or MAX_XLSX_ENTRIES entries (a zip bomb). Then the local headers, which
 * exceljs reads one after the other from the start, must be exactly the central directory's entries
 * with the same sizes, back to back up to it: a hidden entry between them (a bomb the directory does
 * not list) or a local header that lies about its size is refused. Zip64 is refused: no register needs 4 GiB.
 * Returns the zip as exceljs should read it (see streamingOrder).
 */
export async function checkXlsxContainer(bytes: Buffer, maxInflated = MAX_XLSX_INFLATED_BYTES): Promise<Buffer> {
  const entries: yauzl.Entry[] = [];
  let inflated = 0;
  await new Promise<void>((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, decodeStrings: true }, (err, zip) => {
      if (err || !zip) return reject(new SheetRefused(422, `berkas XLSX rusak, bukan arsip zip yang utuh (${err?.message ?? 'tidak terbaca'})`));
      if (zip.entryCount > MAX_XLSX_ENTRIES) {
        zip.close();
        return reject(new SheetRefused(413, `berkas XLSX memuat ${zip.entryCount} entri, lebih dari ${MAX_XLSX_ENTRIES}`));
      }
      zip.on('error', (e: Error) => reject(e instanceof SheetRefused ? e : new SheetRefused(422, `berkas XLSX rusak: ${e.message}`)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push(entry);
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        if (entry.uncompressedSize > maxInflated) {
          zip.close();
          return reject(bomb(maxInflated));
        }
        const isSharedStrings = entry.fileName === 'xl/sharedStrings.xml';
        if (isSharedStrings && entry.uncompressedSize > MAX_SHARED_STRINGS_BYTES) {
          zip.close();
          return reject(new SheetRefused(413, `teks bersama (xl/sharedStrings.xml) berkas XLSX mengembang melebihi ${MAX_SHARED_STRINGS_BYTES / 2 ** 20} MiB; ditolak`));
        }
        let own = 0;
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) return reject(new SheetRefused(422, `berkas XLSX rusak: entri ${entry.fileName} tidak terbaca (${streamErr?.message ?? ''})`));
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            own += chunk.length;
            if (isSharedStrings && own > MAX_SHARED_STRINGS_BYTES) {
              stream.destroy();
              zip.close();
              reject(new SheetRefused(413, `teks bersama (xl/sharedStrings.xml) berkas XLSX mengembang melebihi ${MAX_SHARED_STRINGS_BYTES / 2 ** 20} MiB; ditolak`));
            } else if (inflated > maxInflated) {
              stream.destroy();
              zip.close();
              reject(bomb(maxInflated));
            }
          });
          stream.on('error', (e: Error) => reject(new SheetRefused(422, `berkas XLSX rusak: entri ${entry.fileName} (${e.message})`)));
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
  const names = new Set(entries.map((e) => e.fileName));
  if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml')) {
    throw new SheetRefused(415, 'berkas zip ini bukan XLSX (tidak ada [Content_Types].xml atau xl/workbook.xml); kirim XLSX atau CSV');
  }
  // exceljs 4.4's streaming reader defers every sheet to a temporary file until it has read the shared
  // strings; with several sheets and no shared strings at all it mixes them up (sheet 2 read with sheet 1's rows).
  const sheets = [...names].filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).length;
  if (sheets > 1 && !names.has('xl/sharedStrings.xml')) {
    throw new SheetRefused(422, 'berkas XLSX berisi beberapa lembar tanpa xl/sharedStrings.xml dan tidak dapat dibaca dengan pasti; simpan ulang dengan Excel atau LibreOffice, atau kirim lembar pertama sebagai CSV');
  }
  try {
    return streamingOrder(bytes, checkLocalHeaders(bytes, entries));
  } catch (err) {
    // An offset past the end of the buffer: a header that points outside the file.
    if (err instanceof RangeError) throw new SheetRefused(422, 'berkas XLSX ditolak: struktur zip tidak konsisten (header menunjuk ke luar berkas)');
    throw err;
  }
}

const bomb = (max: number) => new SheetRefused(413, `berkas XLSX mengembang melebihi ${max / 2 ** 20} MiB saat dibuka (zip bomb); ditolak`);

/** Where each entry's local header, data and descriptor lie, back to back; and where the central directory starts. */
interface Layout {
  spans: { name: string; start: number; end: number }[];
  centralDirectory: number;
}

/** The parts exceljs must have read before a sheet to stream it: without them it parks the sheet in a temporary file. */
const READ_FIRST = ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/sharedStrings.xml'];

/**
 * The same zip with the workbook, its relationships, the styles and the shared strings moved before
 * the sheets. Excel writes the shared strings after the sheets; exceljs 4.4's streaming reader then parks
 * each sheet in a temporary file and, depending on timing, hands its rows before it has read the
 * strings (cells left as `{sharedString: n}`, exceljs#683). exceljs reads the local headers one after
 * the other and stops at the central directory, so moving whole entries (checked back to back by
 * checkLocalHeaders) is enough; the central directory is kept as it was, after them.
 */
function streamingOrder(bytes: Buffer, layout: Layout): Buffer {
  const rank = (name: string) => (READ_FIRST.includes(name) ? READ_FIRST.indexOf(name) : READ_FIRST.length);
  const ordered = [...layout.spans].sort((a, b) => rank(a.name) - rank(b.name) || a.start - b.start);
  return Buffer.concat([...ordered.map((s) => bytes.subarray(s.start, s.end)), bytes.subarray(layout.centralDirectory)]);
}

function checkLocalHeaders(bytes: Buffer, entries: yauzl.Entry[]): Layout {
  const spans: Layout['spans'] = [];
  const refuse = (why: string) => new SheetRefused(422, `berkas XLSX ditolak: struktur zip tidak konsisten (${why})`);
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || bytes.readUInt32LE(eocd) !== END_OF_CENTRAL_DIRECTORY) throw refuse('tanpa akhir direktori pusat');
  const centralDirectory = bytes.readUInt32LE(eocd + 16);
  if (centralDirectory === 0xffffffff) throw refuse('zip64 tidak diterima');
  let at = 0;
  for (const entry of [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader)) {
    if (entry.relativeOffsetOfLocalHeader !== at) throw refuse(`data tersembunyi sebelum entri ${entry.fileName}`);
    if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL_HEADER) throw refuse(`header lokal ${entry.fileName} hilang`);
    const flags = bytes.readUInt16LE(at + 6);
    const dataStart = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
    const dataEnd = dataStart + entry.compressedSize;
    const start = at;
    if (flags & 0x8) {
      if (dataEnd + 12 > bytes.length) throw refuse(`entri ${entry.fileName} terpotong`);
      at = dataEnd + (bytes.readUInt32LE(dataEnd) === DATA_DESCRIPTOR ? 16 : 12);
    } else {
      if (bytes.readUInt32LE(at + 18) !== entry.compressedSize || bytes.readUInt32LE(at + 22) !== entry.uncompressedSize) {
        throw refuse(`ukuran entri ${entry.fileName} pada header lokal berbeda dari direktori pusat`);
      }
      at = dataEnd;
    }
    spans.push({ name: entry.fileName, start, end: at });
  }
  if (at !== centralDirectory || bytes.readUInt32LE(at) !== CENTRAL_HEADER) throw refuse('data tersembunyi sebelum direktori pusat');
  return { spans, centralDirectory };
}
