import { checkImportRow } from './import-check.js';
import type { ImportRow } from './import-row.js';

const good: ImportRow = {
  row: 2,
  number: '180/0001/KS/2017',
  partnerNumber: null,
  title: 'Kesepakatan bersama',
  instrument: 'kb',
  partner: { name: 'Kabupaten Muaro Jambi', category: 'region', country: null },
  signedAt: '2017-03-12',
  signedPlace: null,
  validFrom: '2017-03-12',
  validUntil: '2022-03-11',
  fields: [],
  opds: [],
  value: null,
  status: null,
};

describe('what the register refuses in an import row', () => {
  it('takes a row with only what is required', () => {
    expect(checkImportRow(good)).toEqual([]);
    expect(checkImportRow({ ...good, signedAt: null, validFrom: null, validUntil: null, status: 'terminated' })).toEqual([]);
  });

  it.each([
    [{ number: '   ' }, 'number'],
    [{ title: '\u200b' }, 'title'],
    [{ title: 'x'.repeat(301) }, 'title'],
    [{ instrument: 'MoU' }, 'instrument'],
    [{ partner: { name: 'X', category: 'swasta', country: null } }, 'partner_category'],
    [{ partner: { name: 'X', category: 'foreign', country: 'y'.repeat(101) } }, 'partner_country'],
    [{ signedAt: '2017-13-01' }, 'signed_at'],
    [{ validFrom: '12/03/2017' }, 'valid_from'],
    [{ validFrom: '2022-01-01', validUntil: '2021-12-31' }, 'valid_until'],
    [{ fields: [''] }, 'fields'],
    [{ opds: Array.from({ length: 51 }, () => 'Dinas') }, 'opds'],
    [{ value: { amount: Number.NaN, currency: 'IDR', source: null } }, 'value_amount'],
    [{ value: { amount: 5, currency: 'idr', source: null } }, 'value_currency'],
    [{ status: 'berlaku' as never }, 'status'],
  ])('names the column of %j', (over, column) => {
    expect(checkImportRow({ ...good, ...over } as ImportRow)).toEqual([{ row: 2, column, message: expect.any(String) }]);
  });

  it('accepts 29 February only in a leap year', () => {
    expect(checkImportRow({ ...good, signedAt: '2016-02-29' })).toEqual([]);
    expect(checkImportRow({ ...good, signedAt: '2017-02-29' }).map((e) => e.column)).toEqual(['signed_at']);
  });
});
