import yauzl from 'yauzl';
/** The document types onegate accepts, recognised from their bytes — never from a name or a header. */
export const ACCEPTED_TYPES = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  png: 'image/png',
  jpeg: 'image/jpeg',
} as const;

export type DetectedType = { ext: keyof typeof ACCEPTED_TYPES; mediaType: string };

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** PDF, DOCX, XLSX, ODT, PNG or JPEG by signature; null for anything else. */
export function detectType(bytes: Buffer): DetectedType | null {
  const is = (ext: keyof typeof ACCEPTED_TYPES): DetectedType => ({ ext, mediaType: ACCEPTED_TYPES[ext] });
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return is('pdf');
  if (bytes.subarray(0, 8).equals(PNG)) return is('png');
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return is('jpeg');
  if (bytes.subarray(0, 4).equals(ZIP)) {
    const names = zipEntryNames(bytes);
    // ODF stores an uncompressed `mimetype` entry first (ISO/IEC 26300 §17.4).
    if (names[0] === 'mimetype' && bytes.subarray(38, 38 + ACCEPTED_TYPES.odt.length).toString('latin1') === ACCEPTED_TYPES.odt) return is('odt');
    if (names.includes('[Content_Types].xml')) {
      if (names.some((n) => n.startsWith('word/'))) return is('docx');
      if (names.some((n) => n.startsWith('xl/'))) return is('xlsx');
    }
  }
  return null;
}

/** Entry names from the zip's local file headers (enough to tell OOXML and ODF apart). */
function zipEntryNames(bytes: Buffer, limit = 200): string[] {
  const names: string[] = [];
  let at = 0;
  while (names.length < limit && at + 30 <= bytes.length && bytes.readUInt32LE(at) === 0x04034b50) {
    const flags = bytes.readUInt16LE(at + 6);
    const compressed = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26);
    const extraLength = bytes.readUInt16LE(at + 28);
    names.push(bytes.subarray(at + 30, at + 30 + nameLength).toString('utf8'));
    // With a data descriptor (bit 3) the size is not in the header; stop rather than guess.
    if (flags & 0x08) break;
    at += 30 + nameLength + extraLength + compressed;
  }
  return names;
}

/** A safe display name: no path, no control or quote characters, at most 200 characters, keeps the extension. */
export function sanitizeName(name: string | undefined, ext: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f"<>|:*?`$;]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  if (!cleaned) return `document.${ext}`;
  return cleaned.toLowerCase().endsWith(`.${ext}`) ? cleaned : `${cleaned}.${ext}`;
}

/** What a DOCX, XLSX or ODT may inflate to in all, and hold at most: beyond, it is refused as a zip bomb. */
export const MAX_INFLATED_BYTES = 100 * 1024 * 1024;
export const MAX_ZIP_ENTRIES = 5_000;
/** Bytes after a PNG's IEND or a JPEG's EOI that are still taken for padding, not a second file. */
const TRAILING_SLACK = 16;

/**
 * The type of an upload from its whole content, not its first bytes (issue 15): the signature, then
 * the container read through. A DOCX, XLSX or ODT is opened as a zip (yauzl, from its central
 * directory), every entry inflated while counting, and refused if it inflates beyond MAX_INFLATED_BYTES,
 * holds too many entries, names a path outside itself, or lacks its format's parts; a PDF must end with
 * `%%EOF` and carry no zip; a PNG must end at IEND and a JPEG at EOI — bytes of a second format after
 * them make a polyglot. Returns the type, or the reason for the 415.
 *
 * Why not the file-type package: its releases for Node 20 (21.x) are ES modules only, which the
 * test runner's CommonJS sandbox cannot load, and its checks stop at the signature and the zip's
 * first entries, the very gap this closes.
 */
export async function inspectDocument(bytes: Buffer): Promise<DetectedType | { refused: string }> {
  const type = detectType(bytes);
  if (!type) return { refused: 'the content is not a PDF, DOCX, ODT, XLSX, PNG or JPEG (checked from its bytes, not its name)' };
  switch (type.ext) {
    case 'pdf':
      return checkPdf(bytes) ?? type;
    case 'png':
      return checkPng(bytes) ?? type;
    case 'jpeg':
      return checkJpeg(bytes) ?? type;
    default:
      return (await checkZip(bytes, type)) ?? type;
  }
}

function checkPdf(bytes: Buffer): { refused: string } | null {
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024)).toString('latin1');
  if (!/%%EOF\s*$/.test(tail)) return { refused: 'the PDF does not end with %%EOF: it is cut short, or another file is appended to it' };
  if (hasZipDirectory(bytes)) return { refused: 'the PDF also holds a zip archive (a polyglot file)' };
  return null;
}

/** A zip end-of-central-directory record whose central directory is really there: a zip inside the file. */
function hasZipDirectory(bytes: Buffer): boolean {
  const from = Math.max(0, bytes.length - 65_557);
  for (let at = bytes.length - 22; at >= from; at--) {
    if (bytes.readUInt32LE(at) !== 0x06054b50) continue;
    const size = bytes.readUInt32LE(at + 12);
    const start = at - size;
    if (size > 0 && start >= 0 && bytes.readUInt32LE(start) === 0x02014b50) return true;
  }
  return false;
}

function checkPng(bytes: Buffer): { refused: string } | null {
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.subarray(at + 4, at + 8).toString('latin1');
    at += 12 + length;
    if (type === 'IEND') {
      return bytes.length - at > TRAILING_SLACK ? { refused: 'the PNG has another file appended after its end (a polyglot file)' } : null;
    }
  }
  return { refused: 'the PNG is cut short: it has no IEND chunk' };
}

function checkJpeg(bytes: Buffer): { refused: string } | null {
  const end = bytes.lastIndexOf(Buffer.from([0xff, 0xd9]));
  if (end < 0) return { refused: 'the JPEG is cut short: it has no end-of-image marker' };
  return bytes.length - (end + 2) > TRAILING_SLACK ? { refused: 'the JPEG has another file appended after its end (a polyglot file)' } : null;
}

/** Reads the whole zip: names from the central directory, every entry inflated and counted. */
async function checkZip(bytes: Buffer, type: DetectedType): Promise<{ refused: string } | null> {
  const what = type.ext.toUpperCase();
  const names: string[] = [];
  let inflated = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, decodeStrings: true }, (err, zip) => {
        if (err || !zip) return reject(err ?? new Error('not a zip'));
        if (zip.entryCount > MAX_ZIP_ENTRIES) {
          zip.close();
          return reject(new Refusal(`the ${what} holds ${zip.entryCount} entries, more than ${MAX_ZIP_ENTRIES}`));
        }
        zip.on('error', reject);
        zip.on('end', () => resolve());
        zip.on('entry', (entry: yauzl.Entry) => {
          names.push(entry.fileName);
          if (entry.fileName.endsWith('/')) return zip.readEntry();
          zip.openReadStream(entry, (streamErr, stream) => {
            if (streamErr || !stream) return reject(streamErr ?? new Error('unreadable entry'));
            stream.on('data', (chunk: Buffer) => {
              inflated += chunk.length;
              if (inflated > MAX_INFLATED_BYTES) {
                stream.destroy();
                zip.close();
                reject(new Refusal(`the ${what} inflates to more than ${MAX_INFLATED_BYTES / 2 ** 20} MiB (a zip bomb)`));
              }
            });
            stream.on('error', reject);
            stream.on('end', () => zip.readEntry());
          });
        });
        zip.readEntry();
      });
    });
  } catch (err) {
    if (err instanceof Refusal) return { refused: err.message };
    return { refused: `the ${what} is not a readable zip archive (${(err as Error).message})` };
  }
  const has = (prefix: string) => names.some((n) => n.startsWith(prefix));
  if (type.ext === 'docx' && !(names.includes('[Content_Types].xml') && has('word/'))) return { refused: 'the DOCX lacks [Content_Types].xml or word/' };
  if (type.ext === 'xlsx' && !(names.includes('[Content_Types].xml') && has('xl/'))) return { refused: 'the XLSX lacks [Content_Types].xml or xl/' };
  if (type.ext === 'odt' && names[0] !== 'mimetype') return { refused: 'the ODT does not begin with its mimetype entry' };
  return null;
}

class Refusal extends Error {}
