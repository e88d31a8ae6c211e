/**
 * One row of a legacy register taken in by the import (contract §9), already parsed and validated:
 * dates are local calendar dates `YYYY-MM-DD`, lists are trimmed, nothing is left as spreadsheet text.
 * `row` is the row's number in the file (the header is row 1), kept in the `IMPORTED` event.
 */
export interface ImportRow {
  row: number;
  /** the city's agreement number; a number already in the register is skipped */
  number: string;
  partnerNumber: string | null;
  title: string;
  instrument: string;
  partner: { name: string; category: string; country: string | null };
  signedAt: string | null;
  signedPlace: string | null;
  validFrom: string | null;
  validUntil: string | null;
  fields: string[];
  opds: string[];
  value: { amount: number; currency: string; source: string | null } | null;
  /** `null` lets the register derive it from `validUntil` */
  status: 'in_force' | 'expired' | 'terminated' | null;
}

/** What `AgreementsService.importRows` answers; `errors` is filled by the parser, not by the service. */
export interface ImportResult {
  rows: number;
  created: number;
  skipped: number;
  errors: { row: number; column: string; message: string }[];
}

/**
 * Rows read from the file anew at each call, handed over a chunk at a time (each awaited before the next
 * is read): the register reads it once to check and once to write, and never holds every row.
 */
export type RowSource = (onRows: (rows: ImportRow[]) => Promise<void>) => Promise<void>;
