import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { P12Signer } from '@signpdf/signer-p12';
import { PDFDocument } from 'pdf-lib';
import { verifyEmbeddedSignature } from './pdf-signature.js';
import { openPkcs12 } from './pkcs12.js';
import { SigningFailure, type SignRequest, type SignatureCheck, type Signer } from './signing.port.js';

/** Room for the CMS in /Contents: a 2048- or 4096-bit RSA signature with its certificate chain. */
const SIGNATURE_LENGTH = 16_384;

/**
 * ONEGATE_SIGNING=local: a PAdES signature (`ETSI.CAdES.detached`) with the key of a PKCS#12, over the
 * whole PDF but its /Contents. The mayor's passphrase opens the PKCS#12 for this one signature.
 */
export class LocalPadesSigner implements Signer {
  readonly backend = 'local' as const;

  constructor(private readonly p12: Buffer) {}

  async sign(request: SignRequest): Promise<Buffer> {
    const { certificate } = openPkcs12(this.p12, request.passphrase);
    if (certificate.validity.notAfter.getTime() < request.at.getTime()) {
      throw new SigningFailure('certificate_expired', 'the signing certificate has expired', `notAfter ${certificate.validity.notAfter.toISOString()}`, 'EXPIRED');
    }
    if (certificate.validity.notBefore.getTime() > request.at.getTime()) {
      throw new SigningFailure('certificate_not_issued', 'the signing certificate is not valid yet', `notBefore ${certificate.validity.notBefore.toISOString()}`, 'NOT_YET_VALID');
    }
    let prepared: Buffer;
    try {
      const doc = await PDFDocument.load(request.pdf);
      pdflibAddPlaceholder({
        pdfDoc: doc,
        reason: request.reason,
        contactInfo: '',
        name: request.signerName,
        location: request.location,
        signingTime: request.at,
        signatureLength: SIGNATURE_LENGTH,
        subFilter: 'ETSI.CAdES.detached',
      });
      // No object streams: the placeholder's /ByteRange must stay readable text for signpdf to fill in.
      prepared = Buffer.from(await doc.save({ useObjectStreams: false }));
    } catch (err) {
      throw new SigningFailure('draft_unreadable', 'the draft is not a PDF that can be signed (encrypted or damaged)', err instanceof Error ? err.message.slice(0, 200) : null);
    }
    return new SignPdf().sign(prepared, new P12Signer(this.p12, { passphrase: request.passphrase }), request.at);
  }

  async verify(pdf: Buffer): Promise<SignatureCheck> {
    return verifyEmbeddedSignature(pdf);
  }
}
