/**
 * The electronic signature's port (contract §12): one interface, an adapter per backend of
 * `ONEGATE_SIGNING` (local PAdES with a PKCS#12, BSrE API v2); `upload` has none, the scanned copy is
 * uploaded. A passphrase passes through `sign` and goes nowhere else: no adapter keeps, logs or echoes it.
 */
export const SIGNER = Symbol('SIGNER');

/**
 * Why a signature was not made, as the API and the auditor name it. Each has a sentence in both
 * languages (src/i18n/labels.ts, `signing.<reason>`).
 */
export const SIGNING_REASONS = [
  'wrong_passphrase',
  'certificate_not_issued',
  'certificate_expired',
  'no_nik',
  'timeout',
  'unavailable',
  'unauthorized',
  'error_answer',
  'bad_answer',
  'not_pdf',
  'draft_unreadable',
] as const;
export type SigningReason = (typeof SIGNING_REASONS)[number];

/** Reasons that are the signer's certificate not being usable now (409, with its status); the others are 502. */
export const CERTIFICATE_REASONS: readonly SigningReason[] = ['certificate_not_issued', 'certificate_expired', 'no_nik', 'draft_unreadable'];

export class SigningFailure extends Error {
  constructor(
    readonly reason: SigningReason,
    message: string,
    /** What the backend said (BSrE's error, an HTTP status), for the auditor. */
    readonly detail: string | null = null,
    /** The certificate's status where the backend told it (BSrE: ISSUE, EXPIRED, REVOKED, NOT_REGISTERED…). */
    readonly certificateStatus: string | null = null,
  ) {
    super(message);
    this.name = 'SigningFailure';
  }
}

export interface SignRequest {
  pdf: Buffer;
  /** The mayor's passphrase, typed for this signature only. */
  passphrase: string;
  /** The signer's NIK (BSrE); null where the backend needs none. */
  nik: string | null;
  signerName: string;
  reason: string;
  location: string;
  at: Date;
}

/** `GET /api/documents/:id/verification` (contract §12). */
export interface SignatureCheck {
  valid: boolean;
  signer: string | null;
  signedAt: string | null;
  issuer: string | null;
}

export interface Signer {
  readonly backend: 'local' | 'bsre';
  /** The signed PDF, or a SigningFailure. */
  sign(request: SignRequest): Promise<Buffer>;
  verify(pdf: Buffer): Promise<SignatureCheck>;
}

/** `text` with every occurrence of `secret` masked: what a backend says may quote what it was sent. */
export function maskSecret(text: string, secret: string): string {
  return secret ? text.split(secret).join('***') : text;
}
