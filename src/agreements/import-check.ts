import { INSTRUMENTS, PARTNER_CATEGORIES } from '../../workflows/domain.js';
import { hasVisibleText } from '../common/validation.js';
import type { ImportResult, ImportRow } from './import-row.js';

type RowError = ImportResult['errors'][number];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/**
 * What the register itself refuses in a parsed row, named by the import's column (contract §9): the
 * parser checks the file, this checks the values, so no row can reach the register half-formed.
 */
export function checkImportRow(r: ImportRow): RowError[] {
  const errors: RowError[] = [];
  const fail = (column: string, message: string) => errors.push({ row: r.row, column, message });
  const text = (column: string, value: unknown, max: number, required: boolean) => {
    if (value === null || value === undefined) {
      if (required) fail(column, 'required');
    } else if (typeof value !== 'string' || !hasVisibleText(value)) fail(column, 'must be text, not blank');
    else if (value.length > max) fail(column, `at most ${max} characters`);
  };
  text('number', r.number, 100, true);
  text('partner_number', r.partnerNumber, 200, false);
  text('title', r.title, 300, true);
  if (!(INSTRUMENTS as readonly string[]).includes(r.instrument)) fail('instrument', `must be one of ${INSTRUMENTS.join(', ')}`);
  text('partner_name', r.partner?.name, 300, true);
  if (!(PARTNER_CATEGORIES as readonly string[]).includes(r.partner?.category)) fail('partner_category', `must be one of ${PARTNER_CATEGORIES.join(', ')}`);
  text('partner_country', r.partner?.country, 100, false);
  text('signed_place', r.signedPlace, 200, false);
  for (const [column, value] of [['signed_at', r.signedAt], ['valid_from', r.validFrom], ['valid_until', r.validUntil]] as const) {
    if (value !== null && (typeof value !== 'string' || !isDate(value))) fail(column, 'must be a real date YYYY-MM-DD');
  }
  if (r.validFrom && r.validUntil && isDate(r.validFrom) && isDate(r.validUntil) && r.validUntil < r.validFrom) fail('valid_until', 'must not be before valid_from');
  for (const [column, list, max] of [['fields', r.fields, 100], ['opds', r.opds, 200]] as const) {
    if (!Array.isArray(list) || list.length > 50 || list.some((x) => typeof x !== 'string' || !hasVisibleText(x) || x.length > max)) fail(column, `must be at most 50 names of at most ${max} characters`);
  }
  if (r.value !== null) {
    const v = r.value;
    if (typeof v?.amount !== 'number' || !Number.isFinite(v.amount) || v.amount < 0 || v.amount > 1e15) fail('value_amount', 'must be a number, not negative');
    if (typeof v?.currency !== 'string' || !/^[A-Z]{3}$/.test(v.currency)) fail('value_currency', 'must be an ISO 4217 code such as IDR');
    if (v?.source !== null && v?.source !== undefined && (typeof v.source !== 'string' || v.source.length > 200)) fail('value_source', 'at most 200 characters');
  }
  if (r.status !== null && !['in_force', 'expired', 'terminated'].includes(r.status)) fail('status', 'must be in_force, expired or terminated');
  return errors;
}
