import { detectType, sanitizeName } from './detect-type.js';
import { sampleDocx, sampleHtml, sampleJpeg, sampleOdt, samplePng, sampleXlsx, sampleZip } from '../../test/support/sample-files.js';
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
