import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { LocalPadesSigner } from './local-pades.signer.js';
import { verifyEmbeddedSignature } from './pdf-signature.js';
import { makePkcs12 } from './pkcs12.js';
import { SigningFailure } from './signing.port.js';

const DAY = 86_400_000;
const at = new Date('2026-12-07T03:00:00Z');

async function draftPdf(text = 'PERJANJIAN KERJA SAMA'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText(text, { x: 50, y: 700 });
  return Buffer.from(await doc.save());
}

function failureOf(p: Promise<unknown>): Promise<SigningFailure> {
  return p.then(
    () => {
      throw new Error('signed, but should have failed');
    },
    (err: unknown) => {
      expect(err).toBeInstanceOf(SigningFailure);
      return err as SigningFailure;
    },
  );
}

describe('the local PAdES signer (ONEGATE_SIGNING=local)', () => {
  const passphrase = 'rahasia-wali-kota';
  const p12 = makePkcs12({ commonName: 'Dr. H. Maulana (Wali Kota)', passphrase, notBefore: new Date(at.getTime() - DAY), notAfter: new Date(at.getTime() + 365 * DAY) });
  const signer = new LocalPadesSigner(p12);
  const request = (pdf: Buffer, pass = passphrase, when = at) => ({ pdf, passphrase: pass, nik: null, signerName: 'Dr. H. Maulana', reason: 'Penandatanganan KS/2026/001', location: 'Jambi', at: when });

  it('signs the whole PDF but /Contents with ETSI.CAdES.detached, which pdfsig validates and our check reads back', async () => {
    const signed = await signer.sign(request(await draftPdf()));
    expect(signed.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(signed.toString('latin1')).toContain('/SubFilter /ETSI.CAdES.detached');
    expect(verifyEmbeddedSignature(signed)).toEqual({ valid: true, signer: 'Dr. H. Maulana (Wali Kota)', issuer: 'Dr. H. Maulana (Wali Kota)', signedAt: at.toISOString() });
    const dir = mkdtempSync(join(tmpdir(), 'pades-'));
    const file = join(dir, 'signed.pdf');
    writeFileSync(file, signed);
    const out = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    expect(out).toMatch(/Signature Type: ETSI\.CAdES\.detached/);
    expect(out).toMatch(/Total document signed/);
    expect(out).toMatch(/Signature Validation: Signature is Valid\./);
  });

  it('holds a CMS signature that openssl verifies over the byte ranges', async () => {
    const signed = await signer.sign(request(await draftPdf()));
    const [a, b, c, d] = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(signed.toString('latin1'))!.slice(1, 5).map(Number) as [number, number, number, number];
    const dir = mkdtempSync(join(tmpdir(), 'cms-'));
    writeFileSync(join(dir, 'content.bin'), Buffer.concat([signed.subarray(a, a + b), signed.subarray(c, c + d)]));
    writeFileSync(join(dir, 'sig.der'), Buffer.from(signed.subarray(b + 1, c - 1).toString('latin1').replace(/(00)+$/, ''), 'hex'));
    // -noverify: the demo certificate is self-signed, so no chain to a trusted root is asked for; the signature itself is.
    const run = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'content.bin'), '-noverify', '-out', join(dir, 'out.bin')], { encoding: 'utf8' });
    expect(run.stderr).toMatch(/Verification successful/);
    expect(run.status).toBe(0);
    const changed = Buffer.concat([signed.subarray(a, a + b), signed.subarray(c, c + d)]);
    changed[10] = changed[10]! ^ 0x01;
    writeFileSync(join(dir, 'content.bin'), changed);
    const tampered = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'content.bin'), '-noverify', '-out', join(dir, 'out.bin')], { encoding: 'utf8' });
    expect(tampered.status).not.toBe(0);
  });

  it('is found out when one signed byte changes, by our check and by pdfsig', async () => {
    const signed = await signer.sign(request(await draftPdf()));
    const tampered = Buffer.from(signed);
    // A letter of the /Producer entry: inside the first signed range, outside /Contents.
    const i = tampered.indexOf('/Producer') + 2;
    expect(i).toBeGreaterThan(1);
    tampered[i] = tampered[i]! ^ 0x01;
    expect(verifyEmbeddedSignature(tampered).valid).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'pades-'));
    writeFileSync(join(dir, 't.pdf'), tampered);
    const run = spawnSync('pdfsig', [join(dir, 't.pdf')], { encoding: 'utf8' });
    expect(run.stdout).not.toMatch(/Signature is Valid/);
  });

  it('says a PDF without a signature is not valid', async () => {
    expect(verifyEmbeddedSignature(await draftPdf())).toEqual({ valid: false, signer: null, signedAt: null, issuer: null });
  });

  it('refuses a wrong passphrase, without quoting it', async () => {
    const failure = await failureOf(signer.sign(request(await draftPdf(), 'salah-ketik')));
    expect(failure.reason).toBe('wrong_passphrase');
    expect(`${failure.message} ${failure.detail}`).not.toContain('salah-ketik');
  });

  it('refuses an expired certificate with its status', async () => {
    const old = makePkcs12({ commonName: 'Wali Kota lama', passphrase, notBefore: new Date(at.getTime() - 800 * DAY), notAfter: new Date(at.getTime() - DAY) });
    const failure = await failureOf(new LocalPadesSigner(old).sign(request(await draftPdf())));
    expect(failure).toMatchObject({ reason: 'certificate_expired', certificateStatus: 'EXPIRED' });
  });

  it('refuses a draft that is not a readable PDF', async () => {
    const failure = await failureOf(signer.sign(request(Buffer.from('%PDF-1.7\nnot really a pdf'))));
    expect(failure.reason).toBe('draft_unreadable');
  });
});
