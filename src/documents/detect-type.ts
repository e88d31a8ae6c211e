import { fileTypeFromBuffer } from 'file-type';
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

/**
 * file-type's names for the accepted types. An APNG is a PNG that viewers without animation show as its
 * first frame (file-type names it apart); macro-enabled Office files (docm, xlsm) and templates are not here.
 */
const FROM_FILE_TYPE: Record<string, keyof typeof ACCEPTED_TYPES> = { pdf: 'pdf', docx: 'docx', xlsx: 'xlsx', odt: 'odt', png: 'png', apng: 'png', jpg: 'jpeg' };

/**
 * PDF, DOCX, XLSX, ODT, PNG or JPEG by signature (the file-type package); null for anything else. A zip is
 * told apart by its entries as file-type reads them from the local headers: the type `[Content_Types].xml`
 * names for the package's main part (OOXML), or the `mimetype` entry (ODF) — also when a streaming writer
 * left the sizes to a data descriptor after each entry.
 */
export async function detectType(bytes: Buffer): Promise<DetectedType | null> {
  // file-type throws on some malformed containers (an unsupported zip method, a broken deflate stream): not a type we accept.
  const found = await fileTypeFromBuffer(bytes).catch(() => undefined);
  const ext = found && Object.hasOwn(FROM_FILE_TYPE, found.ext) ? FROM_FILE_TYPE[found.ext]! : null;
  return ext ? { ext, mediaType: ACCEPTED_TYPES[ext] } : null;
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
 * The signature is file-type's (ES modules only since 17; Jest compiles it with the other ES-module
 * packages, jest.config.cjs). Its checks stop at the signature and the zip's first entries, so the whole
 * container is still read here: that is the gap these checks close.
 */
export async function inspectDocument(bytes: Buffer): Promise<DetectedType | { refused: string }> {
  const type = await detectType(bytes);
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
