import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { SigningFailure } from './signing.port.js';

/** The signer's certificate of a PKCS#12 opened with `passphrase`; a wrong passphrase is a SigningFailure. */
export function openPkcs12(p12: Buffer, passphrase: string): { certificate: forge.pki.Certificate } {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))), false, passphrase);
  } catch (err) {
    // forge says "PKCS#12 MAC could not be verified. Invalid password?" or fails to decrypt a bag.
    const message = err instanceof Error ? err.message : String(err);
    throw new SigningFailure('wrong_passphrase', 'the passphrase does not open the signing certificate', /MAC|password|decrypt/i.test(message) ? 'PKCS#12: MAC not verified' : 'PKCS#12 unreadable');
  }
  const certificate = parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]?.[0]?.cert;
  if (!certificate) throw new SigningFailure('wrong_passphrase', 'the PKCS#12 holds no certificate', 'PKCS#12 without certificate');
  return { certificate };
}

/** A self-signed certificate and its key as a PKCS#12 (the demo signer; tests make expired ones with it). */
export function makePkcs12(opts: { commonName: string; passphrase: string; notBefore: Date; notAfter: Date; organization?: string }): Buffer {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = opts.notBefore;
  cert.validity.notAfter = opts.notAfter;
  const subject = [
    { name: 'countryName', value: 'ID' },
    { name: 'organizationName', value: opts.organization ?? 'onegate (sertifikat demo)' },
    { name: 'commonName', value: opts.commonName },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], opts.passphrase, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** Where the embedded default keeps its demo signer: `dataDir/signing/demo-signer.p12` and its passphrase beside it. */
export function demoSignerFiles(dataDir: string): { p12: string; passphrase: string } {
  return { p12: join(dataDir, 'signing', 'demo-signer.p12'), passphrase: join(dataDir, 'signing', 'demo-signer.passphrase') };
}

/**
 * The demo signer's PKCS#12, made on first start (ONEGATE_SIGNING=local without SIGNING_P12): a
 * self-signed certificate for two years, its passphrase written beside it (mode 600) for whoever
 * tries onegate out to type; onegate itself never reads that file back.
 */
export function readOrCreateDemoPkcs12(dataDir: string, now: Date): Buffer {
  const files = demoSignerFiles(dataDir);
  if (existsSync(files.p12)) return readFileSync(files.p12);
  mkdirSync(join(dataDir, 'signing'), { recursive: true });
  const passphrase = randomBytes(9).toString('base64url');
  const p12 = makePkcs12({ commonName: 'Wali Kota (demo onegate)', passphrase, notBefore: new Date(now.getTime() - 86_400_000), notAfter: new Date(now.getTime() + 2 * 365 * 86_400_000) });
  writeFileSync(files.passphrase, passphrase + '\n', { mode: 0o600 });
  writeFileSync(files.p12, p12, { mode: 0o600 });
  return p12;
}
