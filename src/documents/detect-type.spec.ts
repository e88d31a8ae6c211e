import { detectType, inspectDocument, MAX_INFLATED_BYTES, sanitizeName } from './detect-type.js';
import { sampleDocx, sampleHtml, sampleJpeg, sampleOdt, samplePng, sampleXlsx, sampleZip, zip, zipOfZeros } from '../../test/support/sample-files.js';
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
  it.each(SAMPLES)('recognises %s', (ext, bytes) => {
    expect(detectType(bytes)?.ext).toBe(ext);
  });

  it.each([
    ['html', sampleHtml()],
    ['a plain zip', sampleZip()],
    ['text', Buffer.from('hello')],
    ['an executable', Buffer.from('MZ\x90\x00\x03')],
    ['empty', Buffer.alloc(0)],
    ['a truncated zip header', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00])],
  ])('refuses %s', (_, bytes) => {
    expect(detectType(bytes)).toBeNull();
  });
});

describe('inspectDocument: the whole container, not the first bytes', () => {
  it.each(SAMPLES)('accepts a whole %s', async (ext, bytes) => {
    expect(await inspectDocument(bytes)).toMatchObject({ ext });
  });

  it('accepts a zip that inflates to just under the limit', async () => {
    expect(await inspectDocument(zipOfZeros(4, Math.floor(MAX_INFLATED_BYTES / 4) - 1024))).toMatchObject({ ext: 'docx' });
  });

  it.each([
    ['a zip bomb (10 × 64 MiB of zeros)', () => zipOfZeros(10, 64 * 2 ** 20), /zip bomb/],
    ['a PDF with a zip appended', () => Buffer.concat([samplePdf(), zip([{ name: 'x.html', content: '<script>1</script>' }])]), /%%EOF|polyglot/],
    ['a PDF with a zip before its %%EOF', () => Buffer.concat([samplePdf().subarray(0, -6), zip([{ name: 'x.html', content: 'x' }]), Buffer.from('%%EOF\n')]), /polyglot/],
    ['a PDF cut short', () => samplePdf().subarray(0, 40), /%%EOF/],
    ['a DOCX without word/', () => zip([{ name: '[Content_Types].xml', content: '<Types/>' }, { name: 'evil/x.xml', content: '<x/>' }]), /.+/],
    ['a DOCX with a ../ entry', () => zip([{ name: '[Content_Types].xml', content: '<Types/>' }, { name: 'word/../../etc/passwd', content: 'x' }]), /readable zip|path/],
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
