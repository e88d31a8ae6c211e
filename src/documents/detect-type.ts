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
