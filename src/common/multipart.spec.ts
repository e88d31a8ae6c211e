import { multipartDigest, type MultipartBody } from './multipart.js';

describe('multipartDigest', () => {
  const body = (kind: string, bytes: string, filename = 'a.pdf'): MultipartBody => ({
    fields: [{ name: 'kind', value: kind }],
    files: [{ field: 'file', filename, bytes: Buffer.from(bytes) }],
  });

  it('is the same for the same fields and file, whatever the order of the parts', () => {
    const a: MultipartBody = { fields: [{ name: 'kind', value: 'kak' }, { name: 'note', value: 'x' }], files: [{ field: 'file', filename: 'a.pdf', bytes: Buffer.from('%PDF-1') }] };
    const b: MultipartBody = { fields: [{ name: 'note', value: 'x' }, { name: 'kind', value: 'kak' }], files: [{ field: 'file', filename: 'a.pdf', bytes: Buffer.from('%PDF-1') }] };
    expect(multipartDigest(a)).toBe(multipartDigest(b));
  });

  it('differs with the file bytes, its name, or a field value', () => {
    const base = multipartDigest(body('kak', '%PDF-1'));
    expect(multipartDigest(body('kak', '%PDF-2'))).not.toBe(base);
    expect(multipartDigest(body('kak', '%PDF-1', 'b.pdf'))).not.toBe(base);
    expect(multipartDigest(body('other', '%PDF-1'))).not.toBe(base);
  });

  it('holds the file as its sha256, not its bytes', () => {
    const digest = multipartDigest(body('kak', 'x'.repeat(100_000)));
    expect(digest.length).toBeLessThan(300);
  });
});
