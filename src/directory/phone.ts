/**
 * An Indonesian WhatsApp number in the one form the gateway takes (contract §12): `62` and the
 * subscriber number, digits only. `0812-3456-7890`, `+62 812 3456 7890` and `6281234567890` are one
 * number; spaces, dashes, dots and brackets are the writer's, not the number's.
 */
export function normalisePhone(input: string): string | null {
  const compact = input.trim().replace(/[\s.\-()]/g, '');
  const digits = compact.startsWith('+') ? compact.slice(1) : compact;
  if (!/^\d+$/.test(digits)) return null;
  const national = digits.startsWith('62') ? digits.slice(2) : digits.startsWith('0') ? digits.slice(1) : null;
  // A subscriber number starts with a non-zero digit and has 8 to 12 digits (mobile 8xx…, fixed lines with an area code).
  if (national === null || !/^[1-9]\d{7,11}$/.test(national)) return null;
  return `62${national}`;
}
