import { createHash } from 'node:crypto';
import forge from 'node-forge';
import type { SignatureCheck } from './signing.port.js';

const NO_SIGNATURE: SignatureCheck = { valid: false, signer: null, signedAt: null, issuer: null };

/**
 * Checks the last signature embedded in a PDF, as a PDF reader does: its byte range covers the whole
 * file but the /Contents hole, the CMS SignedData's message digest is the SHA-256 of those bytes, and
 * the signer's certificate signed the signed attributes. Trust in the issuer is not judged here (the
 * demo certificate is self-signed); `issuer` says who vouches for the signer.
 */
export function verifyEmbeddedSignature(pdf: Buffer): SignatureCheck {
  const text = pdf.toString('latin1');
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = ranges[ranges.length - 1];
  if (!last) return NO_SIGNATURE;
  const [a, b, c, d] = last.slice(1, 5).map(Number) as [number, number, number, number];
  let parsed: { signer: string | null; issuer: string | null; signedAt: string | null; valid: boolean };
  try {
    if (a !== 0 || b >= c || c + d !== pdf.length || pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) return { ...NO_SIGNATURE };
    const der = Buffer.from(text.slice(b + 1, c - 1), 'hex');
    parsed = checkCms(der, Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]));
  } catch {
    return { ...NO_SIGNATURE };
  }
  return parsed;
}

const OID_MESSAGE_DIGEST = forge.pki.oids.messageDigest!;
const OID_SIGNING_TIME = forge.pki.oids.signingTime!;

interface CapturedSignedData {
  certificates: forge.pki.Certificate[];
  rawCapture: { authenticatedAttributes?: forge.asn1.Asn1[]; signature: string; digestAlgorithm?: string };
}

function checkCms(der: Buffer, signedBytes: Buffer): { signer: string | null; issuer: string | null; signedAt: string | null; valid: boolean } {
  // The hole is padded with zeros after the DER: parse its first value, whatever follows is ignored.
  const fromDer = forge.asn1.fromDer as unknown as (bytes: forge.util.ByteStringBuffer, options: { strict: boolean; parseAllBytes: boolean }) => forge.asn1.Asn1;
  const asn1 = fromDer(forge.util.createBuffer(der.toString('binary')), { strict: false, parseAllBytes: false });
  const p7 = forge.pkcs7.messageFromAsn1(asn1) as unknown as CapturedSignedData;
  const cert = p7.certificates[0];
  const attrs = p7.rawCapture.authenticatedAttributes ?? [];
  if (!cert || !attrs.length) return { ...NO_SIGNATURE };
  let digest: string | null = null;
  let signedAt: string | null = null;
  for (const attr of attrs) {
    const parts = attr.value as forge.asn1.Asn1[];
    const oid = forge.asn1.derToOid(parts[0]!.value as string);
    const value = (parts[1]!.value as forge.asn1.Asn1[])[0]!;
    if (oid === OID_MESSAGE_DIGEST) digest = value.value as string;
    if (oid === OID_SIGNING_TIME) signedAt = (value.type === forge.asn1.Type.UTCTIME ? forge.asn1.utcTimeToDate(value.value as string) : forge.asn1.generalizedTimeToDate(value.value as string)).toISOString();
  }
  const contentDigest = createHash('sha256').update(signedBytes).digest('binary');
  const set = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attrs);
  const md = forge.md.sha256.create();
  md.update(forge.asn1.toDer(set).getBytes());
  let signatureOk = false;
  try {
    signatureOk = (cert.publicKey as forge.pki.rsa.PublicKey).verify(md.digest().bytes(), p7.rawCapture.signature);
  } catch {
    signatureOk = false;
  }
  return { valid: digest === contentDigest && signatureOk, signer: commonName(cert.subject), issuer: commonName(cert.issuer), signedAt };
}

function commonName(name: forge.pki.Certificate['subject']): string | null {
  const cn = name.getField('CN') as { value?: string } | null;
  return cn?.value ? forge.util.decodeUtf8(cn.value) : null;
}
