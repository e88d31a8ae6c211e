import { crc32, deflateRawSync } from 'node:zlib';
import { detectType, inspectDocument, MAX_INFLATED_BYTES, sanitizeName } from './detect-type.js';
import { sampleDocx, sampleHtml, sampleJpeg, sampleOdt, samplePng, sampleXlsx, sampleZip, zip } from '../../test/support/sample-files.js';
import { samplePdf } from '../../test/support/test-app.js';

describe('detectType: from the bytes only', () => {
  it.each([
    ['pdf', samplePdf()],
    ['docx', sampleDocx()],
    ['xlsx', sampleXlsx()],
    ['odt', sampleOdt()],
    ['png', samplePng()],
    ['jpeg', sampleJpeg()],
  ] as const)('recognises %s', (ext, bytes) => {
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

/** A DOCX-shaped zip whose `count` entries each inflate to `each` bytes of zeros (the deflate stream made once). */
function zipOfZeros(count: number, each: number): Buffer {
  const raw = Buffer.alloc(each);
  const data = deflateRawSync(raw, { level: 9 });
  const crc = crc32(raw);
  const names = ['[Content_Types].xml', ...Array.from({ length: count - 1 }, (_, i) => `word/media/zero${i}.bin`)];
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const n of names) {
    const name = Buffer.from(n);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(raw.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(c, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

describe('inspectDocument: the whole container, not the first bytes', () => {
  it.each([
    ['pdf', samplePdf()],
    ['docx', sampleDocx()],
    ['xlsx', sampleXlsx()],
    ['odt', sampleOdt()],
    ['png', samplePng()],
    ['jpeg', sampleJpeg()],
  ] as const)('accepts a whole %s', async (ext, bytes) => {
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
