import { crc32, deflateRawSync, deflateSync } from 'node:zlib';

/**
 * A real zip (as DOCX, XLSX and ODT are), entries in order; `stored` entries are not compressed. `streamed`
 * writes it as a streaming zip writer does (Word's and LibreOffice's own writers, yazl, archiver, Java's
 * ZipOutputStream): general-purpose flag bit 3 set, CRC and sizes 0 in each local header and written after
 * the data in a data descriptor; only the central directory has them up front.
 */
export function zip(entries: { name: string; content: string; stored?: boolean }[], options: { streamed?: boolean } = {}): Buffer {
  return zipOf(
    entries.map((e) => {
      const raw = Buffer.from(e.content, 'utf8');
      return { name: e.name, stored: e.stored ?? false, crc: crc32(raw), size: raw.length, data: e.stored ? raw : deflateRawSync(raw) };
    }),
    options.streamed ?? false,
  );
}

/**
 * A DOCX-shaped zip bomb: a real `[Content_Types].xml` and `count − 1` entries under `word/`, each inflating
 * to `each` bytes of zeros — one deflate stream made once and repeated, so it costs little to build.
 */
export function zipOfZeros(count: number, each: number, options: { streamed?: boolean } = {}): Buffer {
  const raw = Buffer.alloc(each);
  const entry = { stored: false, crc: crc32(raw), size: each, data: deflateRawSync(raw, { level: 9 }) };
  const types = Buffer.from(DOCX_TYPES, 'utf8');
  return zipOf(
    [
      { name: '[Content_Types].xml', stored: false, crc: crc32(types), size: types.length, data: deflateRawSync(types) },
      ...Array.from({ length: count - 1 }, (_, i) => ({ name: `word/media/zero${i}.bin`, ...entry })),
    ],
    options.streamed ?? false,
  );
}

/** Local headers, central directory and its end record around entries already compressed. */
function zipOf(entries: { name: string; stored: boolean; crc: number; size: number; data: Buffer }[], streamed: boolean): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.stored ? 0 : 8;
    const flags = streamed ? 0x0008 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    if (!streamed) {
      local.writeUInt32LE(e.crc, 14);
      local.writeUInt32LE(e.data.length, 18);
      local.writeUInt32LE(e.size, 22);
    }
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, e.data);
    let descriptor = 0;
    if (streamed) {
      const dd = Buffer.alloc(16);
      dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(e.crc, 4);
      dd.writeUInt32LE(e.data.length, 8);
      dd.writeUInt32LE(e.size, 12);
      locals.push(dd);
      descriptor = dd.length;
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length + descriptor;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** An OOXML package's `[Content_Types].xml`, naming its main part's type as Word and Excel write it. */
export const contentTypes = (part: string, type: string) =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  `<Override PartName="${part}" ContentType="${type}"/></Types>`;
export const DOCX_TYPES = contentTypes('/word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml');
const XLSX_TYPES = contentTypes('/xl/workbook.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml');
const RELS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
const DOCUMENT = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Kerangka Acuan Kerja</w:t></w:r></w:p></w:body></w:document>';

const docxEntries = () => [
  { name: '[Content_Types].xml', content: DOCX_TYPES },
  { name: '_rels/.rels', content: RELS },
  { name: 'word/document.xml', content: DOCUMENT },
];
export const sampleDocx = () => zip(docxEntries());
/** The same DOCX as a streaming zip writer writes it: sizes in data descriptors, not in the local headers. */
export const sampleStreamedDocx = () => zip(docxEntries(), { streamed: true });
export const sampleXlsx = () => zip([{ name: '[Content_Types].xml', content: XLSX_TYPES }, { name: 'xl/workbook.xml', content: '<workbook/>' }]);
export const sampleOdt = () =>
  zip([
    { name: 'mimetype', content: 'application/vnd.oasis.opendocument.text', stored: true },
    { name: 'content.xml', content: '<office:document-content/>' },
  ]);
/** A real 1×1 PNG: signature, IHDR, IDAT, IEND (each chunk with its CRC). */
export const samplePng = () => {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from([0, 0]))), chunk('IEND', Buffer.alloc(0))]);
};
export const sampleJpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(32), Buffer.from([0xff, 0xd9])]);
/** Not an accepted type whatever its name says: HTML, a script, a plain zip. */
export const sampleHtml = () => Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
export const sampleZip = () => zip([{ name: 'readme.txt', content: 'hello' }]);
