import { PUBLIC_COLUMNS, toCsv } from './agreement-export.js';
import type { PublicAgreementDto } from './agreement.dto.js';

const entry: PublicAgreementDto = {
  number: '180/1/KS/2017',
  title: '=cmd|"/c calc"!A1, dan "kutipan"',
  instrument: 'pks',
  partner: { name: 'Bank Jambi;@pusat', category: 'third_party', country: null },
  signedAt: '2017-03-12',
  validFrom: null,
  validUntil: null,
  fields: ['kesehatan', 'pendidikan'],
  opds: ['-Dinas'],
  status: 'in_force',
  terminatedAt: null,
};

describe('register CSV', () => {
  it('is RFC 4180 with CRLF, lists joined with "; ", every formula start neutralised and separators quoted', () => {
    const [header, line, end] = toCsv(PUBLIC_COLUMNS, [entry]).split('\r\n');
    expect(header).toBe('number,title,instrument,partner_name,partner_category,partner_country,signed_at,valid_from,valid_until,fields,opds,status,terminated_at');
    expect(line).toBe(`180/1/KS/2017,"'=cmd|""/c calc""!A1, dan ""kutipan""",pks,"Bank Jambi;'@pusat",third_party,,2017-03-12,,,"kesehatan; pendidikan",'-Dinas,in_force,`);
    expect(end).toBe('');
  });
});
