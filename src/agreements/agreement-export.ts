import ExcelJS from 'exceljs';
import { csvCell, neutraliseFormula } from '../common/spreadsheet-cell.js';
import type { AgreementDto, PublicAgreementDto } from './agreement.dto.js';

/** Lists in one cell (fields, OPDs, signatories) are joined with this. */
export const LIST_SEPARATOR = '; ';

interface Column<T> {
  /** The header: the import's column name where there is one, so an export can be imported back. */
  name: string;
  value: (a: T) => string | number | null;
}

const list = (xs: string[]) => xs.join(LIST_SEPARATOR);

/** The staff export: the import's columns first (contract §9), then what only the register holds. */
export const REGISTER_COLUMNS: Column<AgreementDto>[] = [
  { name: 'number', value: (a) => a.number },
  { name: 'partner_number', value: (a) => a.partnerNumber },
  { name: 'title', value: (a) => a.title },
  { name: 'instrument', value: (a) => a.instrument },
  { name: 'partner_name', value: (a) => a.partner.name },
  { name: 'partner_category', value: (a) => a.partner.category },
  { name: 'partner_country', value: (a) => a.partner.country },
  { name: 'signed_at', value: (a) => a.signedAt },
  { name: 'signed_place', value: (a) => a.signedPlace },
  { name: 'valid_from', value: (a) => a.validFrom },
  { name: 'valid_until', value: (a) => a.validUntil },
  { name: 'fields', value: (a) => list(a.fields) },
  { name: 'opds', value: (a) => list(a.opds) },
  { name: 'value_amount', value: (a) => a.value?.amount ?? null },
  { name: 'status', value: (a) => a.status },
  { name: 'value_currency', value: (a) => a.value?.currency ?? null },
  { name: 'value_source', value: (a) => a.value?.source ?? null },
  { name: 'terminated_at', value: (a) => a.terminatedAt },
  { name: 'termination_grounds', value: (a) => a.terminationGrounds },
  { name: 'signatories', value: (a) => list(a.signatories.map((s) => `${s.party}: ${s.name} (${s.position})`)) },
  { name: 'source', value: (a) => a.source },
  { name: 'id', value: (a) => a.id },
];

/** The public registry's CSV: public fields only (contract §9). */
export const PUBLIC_COLUMNS: Column<PublicAgreementDto>[] = [
  { name: 'number', value: (a) => a.number },
  { name: 'title', value: (a) => a.title },
  { name: 'instrument', value: (a) => a.instrument },
  { name: 'partner_name', value: (a) => a.partner.name },
  { name: 'partner_category', value: (a) => a.partner.category },
  { name: 'partner_country', value: (a) => a.partner.country },
  { name: 'signed_at', value: (a) => a.signedAt },
  { name: 'valid_from', value: (a) => a.validFrom },
  { name: 'valid_until', value: (a) => a.validUntil },
  { name: 'fields', value: (a) => list(a.fields) },
  { name: 'opds', value: (a) => list(a.opds) },
  { name: 'status', value: (a) => a.status },
  { name: 'terminated_at', value: (a) => a.terminatedAt },
];

/** RFC 4180 CSV, CRLF line ends, every cell safe from formula injection (spreadsheet-cell.ts). */
export function toCsv<T>(columns: Column<T>[], rows: T[]): string {
  const line = (cells: unknown[]) => cells.map(csvCell).join(',') + '\r\n';
  return line(columns.map((c) => c.name)) + rows.map((r) => line(columns.map((c) => c.value(r)))).join('');
}

/** The first sheet `Register`, a header row, text cells safe from formula injection; amounts stay numbers. */
export async function toXlsx<T>(columns: Column<T>[], rows: T[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'onegate';
  const sheet = workbook.addWorksheet('Register');
  sheet.addRow(columns.map((c) => c.name));
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) {
    sheet.addRow(columns.map((c) => {
      const v = c.value(r);
      return typeof v === 'string' ? neutraliseFormula(v) : v;
    }));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
