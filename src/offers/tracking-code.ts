import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A tracking code as it is handed out: 256 random bits, base64url (43 characters). */
export const TRACKING_CODE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new tracking code: the partner's bearer secret for its offer (contract §11: at least 128 bits). */
export function newTrackingCode(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a code: its sha256 (hex). The code itself is kept nowhere. */
export function hashTrackingCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/** Whether a stored hash is the code's, compared in constant time. */
export function matchesTrackingCode(code: string, storedHash: string): boolean {
  const a = Buffer.from(hashTrackingCode(code), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
