/**
 * Cells of exports that spreadsheets open (CSV now, XLSX later), safe from formula injection (contract
 * §7, OWASP "CSV Injection"): a cell beginning with `=`, `+`, `-`, `@`, tab or carriage return is
 * prefixed with `'`, so Excel, LibreOffice and Google Sheets show it as text instead of running it.
 *
 * "Whatever the separator": a spreadsheet that guesses another separator than the file's (Excel in an
 * Indonesian locale reads `;`) honours quotes only at the start of what it takes for a cell, so a
 * quoted `Ditarik;=1+1` still becomes a cell `=1+1` there. Every place inside a value where such a
 * reading could start a cell — after `,` `;` tab or a line break — is neutralised the same way.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const FORMULA_AFTER_SEPARATOR = /([,;\t\r\n])(?=[=+\-@])/g;

export function neutraliseFormula(value: string): string {
  const inner = value.replace(FORMULA_AFTER_SEPARATOR, "$1'");
  return FORMULA_START.test(inner) ? `'${inner}` : inner;
}

/**
 * One CSV cell (RFC 4180) that stays one cell whatever separator the spreadsheet guesses: a value with
 * a comma, a semicolon, a tab, a quote or a line break is quoted, so `Ditarik;=1+1` is never split into
 * a cell `=1+1` by a spreadsheet that reads `;` as the separator (as Indonesian-locale Excel does).
 */
export function csvCell(value: unknown): string {
  const s = neutraliseFormula(value === null || value === undefined ? '' : String(value));
  return /[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
