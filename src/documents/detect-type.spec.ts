import { detectType, inspectDocument, MAX_INFLATED_BYTES, sanitizeName } from './detect-type.js';
import { fileTypeFromBuffer } from 'file-type';
import { contentTypes, DOCX_TYPES, sampleDocx, sampleHtml, sampleJpeg, sampleOdt, samplePng, sampleStreamedDocx, sampleXlsx, sampleZip, zip, zipOfZeros } from '../../test/support/sample-files.js';
import { samplePdf } from '../../test/support/test-app.js';

/** One well-formed file of each accepted type. */
const SAMPLES = [
  ['pdf', samplePdf()],
  ['docx', sampleDocx()],
  ['xlsx', sampleXlsx()],
  ['odt', sampleOdt()],
  ['png', samplePng()],
  ['jpeg', sampleJpeg()],
] as const;

describe('detectType: from the bytes only', () => {
  it.each(SAMPLES)('recognises %s', async (ext, bytes) => {
    expect((await detectType(bytes))?.ext).toBe(ext);
  });

  it('refuses a macro-enabled Word file (docm), which file-type names apart from a DOCX', async () => {
    const docm = zip([{ name: '[Content_Types].xml', content: contentTypes('/word/document.xml', 'application/vnd.ms-word.document.macroEnabled.main+xml') }, { name: 'word/document.xml', content: '<w:document/>' }, { name: 'word/vbaProject.bin', content: 'x' }]);
    expect(await fileTypeFromBuffer(docm)).toMatchObject({ ext: 'docm' });
    expect(await detectType(docm)).toBeNull();
  });

  it('recognises a DOCX from a streaming zip writer: bit 3 set, no sizes in the local headers', async () => {
    const bytes = sampleStreamedDocx();
    expect(bytes.readUInt16LE(6) & 0x08).toBe(0x08);
    expect(bytes.readUInt32LE(18)).toBe(0); // compressed size, left to the data descriptor
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x07, 0x08]))).toBe(true);
    expect(await detectType(bytes)).toEqual({ ext: 'docx', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
  });

  it.each([
    ['html', sampleHtml()],
    ['a plain zip', sampleZip()],
    ['text', Buffer.from('hello')],
    ['an executable', Buffer.from('MZ\x90\x00\x03')],
    ['empty', Buffer.alloc(0)],
    ['a truncated zip header', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00])],
    ['a Windows executable renamed .pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0')])],
    ['a zip whose [Content_Types].xml names no main part', zip([{ name: '[Content_Types].xml', content: '<Types/>' }, { name: 'word/document.xml', content: '<w:document/>' }])],
  ])('refuses %s', async (_, bytes) => {
    expect(await detectType(bytes)).toBeNull();
  });
});

describe('inspectDocument: the whole container, not the first bytes', () => {
  it.each(SAMPLES)('accepts a whole %s', async (ext, bytes) => {
    expect(await inspectDocument(bytes)).toMatchObject({ ext });
  });

  it('accepts a whole DOCX from a streaming zip writer', async () => {
    expect(await inspectDocument(sampleStreamedDocx())).toEqual({ ext: 'docx', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
  });

  it('accepts a zip that inflates to just under the limit', async () => {
    expect(await inspectDocument(zipOfZeros(4, Math.floor(MAX_INFLATED_BYTES / 4) - 1024))).toMatchObject({ ext: 'docx' });
  });

  it.each([
    ['a zip bomb (10 × 64 MiB of zeros)', () => zipOfZeros(10, 64 * 2 ** 20), /zip bomb/],
    ['a streamed zip bomb (sizes in data descriptors)', () => zipOfZeros(10, 64 * 2 ** 20, { streamed: true }), /zip bomb/],
    ['a streamed DOCX with a ../ entry', () => zip([{ name: '[Content_Types].xml', content: DOCX_TYPES }, { name: 'word/../../etc/passwd', content: 'x' }], { streamed: true }), /readable zip|path/],
    ['a PDF with a zip appended', () => Buffer.concat([samplePdf(), zip([{ name: 'x.html', content: '<script>1</script>' }])]), /%%EOF|polyglot/],
    ['a PDF with a zip before its %%EOF', () => Buffer.concat([samplePdf().subarray(0, -6), zip([{ name: 'x.html', content: 'x' }]), Buffer.from('%%EOF\n')]), /polyglot/],
    ['a PDF cut short', () => samplePdf().subarray(0, 40), /%%EOF/],
    ['a DOCX without word/', () => zip([{ name: '[Content_Types].xml', content: DOCX_TYPES }, { name: 'evil/x.xml', content: '<x/>' }]), /the DOCX lacks/],
    ['a DOCX with a ../ entry', () => zip([{ name: '[Content_Types].xml', content: DOCX_TYPES }, { name: 'word/../../etc/passwd', content: 'x' }]), /readable zip|path/],
    ['a DOCX whose entry lies about its size', () => {
      const z = sampleDocx();
      const at = z.lastIndexOf(Buffer.from('word/document.xml')) - 46; // its central directory record
      z.writeUInt32LE(3, at + 24);
      return z;
    }, /readable zip/],
    ['a PNG with a zip appended', () => Buffer.concat([samplePng(), sampleDocx()]), /polyglot/],
    ['a JPEG with a zip appended', () => Buffer.concat([sampleJpeg(), sampleZip()]), /polyglot/],
    ['HTML', () => sampleHtml(), /not a PDF/],
  ])('refuses %s', async (_, make, reason) => {
    const result = await inspectDocument(make());
    expect(result).toEqual({ refused: expect.stringMatching(reason) });
  });
});

describe('sanitizeName', () => {
  it('drops paths, control and shell characters, keeps the detected extension', () => {
    expect(sanitizeName('../../etc/passwd', 'pdf')).toBe('passwd.pdf');
    expect(sanitizeName('C:\\\\Users\\\\x\\\\KAK "final"<1>.pdf', 'pdf')).toBe('KAK final1.pdf');
    expect(sanitizeName('laporan\r\nSet-Cookie: x.docx', 'docx')).toBe('laporanSet-Cookie x.docx');
    expect(sanitizeName('', 'png')).toBe('document.png');
    expect(sanitizeName('...', 'pdf')).toBe('document.pdf');
    expect(sanitizeName('Kesepakatan Bersama — Jambi.pdf', 'pdf')).toBe('Kesepakatan Bersama — Jambi.pdf');
    expect(sanitizeName('scan.exe', 'pdf')).toBe('scan.exe.pdf');
    expect(sanitizeName('x'.repeat(500), 'pdf').length).toBeLessThanOrEqual(204);
  });
});
