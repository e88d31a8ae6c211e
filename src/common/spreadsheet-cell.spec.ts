import { csvCell, neutraliseFormula } from './spreadsheet-cell.js';

/** The cells a spreadsheet reads from one CSV line with `separator` (RFC 4180 quoting). */
function cellsOf(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === separator) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

describe('spreadsheet cells', () => {
  const hostile = ['=1+1', '+cmd|calc', '-2+3', '@SUM(A1)', '\t=1', '\r=1', 'Ditarik;=1+1;@SUM(A1)', 'a,=1', 'a\t=1', '"=1"', 'x\n=1'];

  it.each([',', ';', '\t'])('no cell a spreadsheet reads with %j begins a formula', (separator) => {
    const line = ['aman', ...hostile].map(csvCell).join(',');
    for (const cell of cellsOf(line, separator)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('keeps each value one cell with the comma it was written with, only an apostrophe added where a formula could start', () => {
    const line = hostile.map(csvCell).join(',');
    const cells = cellsOf(line, ',');
    expect(cells).toHaveLength(hostile.length);
    expect(cells.map((c) => c.replace(/(^|[,;\t\r\n])'/g, '$1'))).toEqual(hostile);
    expect(neutraliseFormula('Ditarik;=1+1;@SUM(A1)')).toBe("Ditarik;'=1+1;'@SUM(A1)");
    expect(neutraliseFormula('=HYPERLINK("x"), baris\n-kedua')).toBe(`'=HYPERLINK("x"), baris\n'-kedua`);
  });

  it('leaves ordinary text alone', () => {
    expect(csvCell('Kesepakatan Bersama 2026')).toBe('Kesepakatan Bersama 2026');
    expect(csvCell(null)).toBe('');
    expect(csvCell(7)).toBe('7');
    expect(neutraliseFormula('Rp 5.000.000')).toBe('Rp 5.000.000');
  });
});
