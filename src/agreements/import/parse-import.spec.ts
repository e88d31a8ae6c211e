import { samplePng } from '../../../test/support/sample-files.js';
import { buildZip, deflatedZeros } from '../../../test/support/zip-builder.js';
import { legacyCsv, legacyRow, legacyRows, legacyXlsx } from '../../../test/support/legacy-register.js';
import { readAmount, readCategory, readDate, readInstrument, readList, readStatus } from './import-cells.js';
import { columnLetter, IMPORT_COLUMNS, parseImportFile, ROW_CHUNK } from './parse-import.js';
import { SheetRefused } from './read-sheet.js';

const csv = (text: string) => Buffer.from(text, 'utf8');
const HEADER = 'number;title;instrument;partner_name;partner_category';

/** The refusal parseImportFile throws, or a failure when it does not throw. */
async function refusal(bytes: Buffer, limits?: Parameters<typeof parseImportFile>[1]): Promise<SheetRefused> {
  try {
    await parseImportFile(bytes, limits);
  } catch (err) {
    if (err instanceof SheetRefused) return err;
    throw err;
  }
  throw new Error('parseImportFile took the file');
}


describe('readDate: the dates legacy registers hold', () => {
  it.each([
    ['2017-03-12', '2017-03-12'],
    ['2017-3-2', '2017-03-02'],
    ['12/03/2017', '2017-03-12'],
    ['2/3/2017', '2017-03-02'],
    ['12-03-2017', '2017-03-12'],
    ['12.03.2017', '2017-03-12'],
    ['12 Maret 2017', '2017-03-12'],
    ['12 maret 2017', '2017-03-12'],
    ['1 Januari 2015', '2015-01-01'],
    ['28 Pebruari 2016', '2016-02-28'],
    ['29 Februari 2016', '2016-02-29'],
    ['17 Agustus 2018', '2018-08-17'],
    ['17 Agu 2018', '2018-08-17'],
    ['17-Agt-2018', '2018-08-17'],
    ['5 Okt 2019', '2019-10-05'],
    ['5 Oct. 2019', '2019-10-05'],
    ['24 Des 2019', '2019-12-24'],
    ['3 Mei 2017', '2017-05-03'],
    ['9 Nopember 2017', '2017-11-09'],
    ['12  Mar  2017', '2017-03-12'],
    ['2017-03-12 00:00:00', '2017-03-12'],
  ])('%s → %s', (written, iso) => {
    expect(readDate(written)).toEqual({ ok: iso });
  });

  it('takes XLSX date cells by their calendar date (UTC fields) and Excel serial days', () => {
    expect(readDate(new Date(Date.UTC(2017, 2, 12)))).toEqual({ ok: '2017-03-12' });
    expect(readDate(42806)).toEqual({ ok: '2017-03-12' });
    expect(readDate(43831)).toEqual({ ok: '2020-01-01' });
  });

  it.each([
    ['31/02/2017', /tanggal 31 tidak ada pada bulan 2/],
    ['29 Februari 2017', /tanggal 29 tidak ada/],
    ['12/13/2017', /bulan 13 tidak ada/],
    ['03/12/17', /tahun harus empat angka/],
    ['12 Marz 2017', /nama bulan "Marz" tidak dikenal/],
    ['12 Maret 1900', /tahun 1900 di luar rentang/],
    ['kemarin', /bukan tanggal; tulis sebagai 2017-03-12, 12\/03\/2017/],
    ['2017-03-12T10:00', /bukan tanggal/],
  ])('refuses %s in Indonesian', (written, message) => {
    const read = readDate(written);
    expect('error' in read && read.error).toMatch(message);
  });

  it('refuses a number that is no serial day', () => {
    expect(readDate(1.5)).toEqual({ error: 'angka 1.5 bukan tanggal' });
    expect(readDate(-3)).toEqual({ error: 'angka -3 bukan tanggal' });
  });
});

describe('readAmount: Indonesian number formats', () => {
  it.each([
    ['1.500.000.000', 1_500_000_000, 'IDR'],
    ['Rp 1.500.000.000,00', 1_500_000_000, 'IDR'],
    ['Rp1.500.000.000,-', 1_500_000_000, 'IDR'],
    ['Rp. 250.000.000', 250_000_000, 'IDR'],
    ['IDR 75.000', 75_000, 'IDR'],
    ['1500000000', 1_500_000_000, 'IDR'],
    ['1.500', 1_500, 'IDR'],
    ['2,5', 2.5, 'IDR'],
    ['1.250.000,75', 1_250_000.75, 'IDR'],
    ['1,500,000,000', 1_500_000_000, 'IDR'],
    ['USD 10000', 10_000, 'USD'],
  ])('%s → %d %s', (written, amount, currency) => {
    expect(readAmount(written)).toEqual({ ok: { amount, currency } });
  });

  it('takes XLSX number cells and refuses the rest', () => {
    expect(readAmount(2_000_000)).toEqual({ ok: { amount: 2_000_000, currency: 'IDR' } });
    expect(readAmount(-5)).toEqual({ error: 'nilai -5 tidak boleh negatif' });
    expect(readAmount('satu miliar')).toEqual({ error: '"satu miliar" bukan nilai uang; tulis sebagai 1.500.000.000 atau Rp 1.500.000.000,00' });
    expect(readAmount('1.50.000')).toHaveProperty('error');
    expect(readAmount('99999999999999999999')).toEqual({ error: 'nilai "99999999999999999999" terlalu besar' });
  });
});

describe('instrument, category and status: ids and their Indonesian (and English) labels', () => {
  it.each([
    ['pks', 'pks'],
    ['PKS', 'pks'],
    ['Perjanjian Kerja Sama', 'pks'],
    ['Perjanjian Kerja Sama (PKS)', 'pks'],
    ['perjanjian kerjasama', 'pks'],
    ['MoU', 'kb'],
    ['Kesepakatan Bersama', 'kb'],
    ['Kesepakatan Bersama (MoU)', 'kb'],
    ['Nota Kesepakatan', 'nk'],
    ['LoI', 'loi'],
    ['Letter of Intent', 'loi'],
  ])('instrument %s → %s', (written, id) => expect(readInstrument(written)).toEqual({ ok: id }));

  it.each([
    ['region', 'region'],
    ['Pemerintah daerah lain', 'region'],
    ['Pihak ketiga', 'third_party'],
    ['third party', 'third_party'],
    ['Pemerintah Pusat', 'central_government'],
    ['Pihak luar negeri', 'foreign'],
    ['Foreign partner', 'foreign'],
  ])('category %s → %s', (written, id) => expect(readCategory(written)).toEqual({ ok: id }));

  it.each([
    ['in_force', 'in_force'],
    ['Berlaku', 'in_force'],
    ['Berakhir', 'expired'],
    ['expired', 'expired'],
    ['Diakhiri', 'terminated'],
  ])('status %s → %s', (written, id) => expect(readStatus(written)).toEqual({ ok: id }));

  it('names the accepted ids when a word is unknown', () => {
    expect(readInstrument('Surat')).toEqual({ error: 'jenis naskah "Surat" tidak dikenal; pilih salah satu: kb, pks, nk, loi' });
    expect(readCategory('LSM')).toEqual({ error: 'kategori mitra "LSM" tidak dikenal; pilih salah satu: region, third_party, central_government, foreign' });
    expect(readStatus('ditunda')).toEqual({ error: 'status "ditunda" tidak dikenal; pilih salah satu: in_force, expired, terminated' });
  });

  it('splits lists on ; , | and line breaks', () => {
    expect(readList('Kesehatan; Pendidikan, Pariwisata | Kesehatan\nBappeda ;; ')).toEqual(['Kesehatan', 'Pendidikan', 'Pariwisata', 'Bappeda']);
  });
});

describe('parseImportFile: CSV', () => {
  const sample = (sep: ',' | ';') =>
    [
      ['number', 'partner_number', 'title', 'instrument', 'partner_name', 'partner_category', 'partner_country', 'signed_at', 'signed_place', 'valid_from', 'valid_until', 'fields', 'opds', 'value_amount', 'status'].join(sep),
      [
        '180/01/KS/2017',
        '119/MJ/2017',
        sep === ';' ? 'Pengelolaan sampah, air bersih' : '"Pengelolaan sampah, air bersih"',
        'PKS',
        'Kabupaten Muaro Jambi',
        'Pemerintah daerah lain',
        '',
        '12 Maret 2017',
        'Jambi',
        '12/03/2017',
        '11-03-2022',
        sep === ';' ? 'Lingkungan Hidup, Pekerjaan Umum' : '"Lingkungan Hidup; Pekerjaan Umum"',
        'Dinas Lingkungan Hidup | Dinas PUPR',
        sep === ';' ? 'Rp 1.500.000.000,00' : '"Rp 1.500.000.000,00"',
        'berlaku',
      ].join(sep),
      ['"180/02/KS/2017"', '-', '"Kerja sama ""Kampus Merdeka""\nangkatan 1"', 'MoU', 'Universitas Jambi', 'pihak ketiga', '', '2017-08-17', '', '', '', '', '', '', ''].join(sep),
    ].join('\r\n');

  const expected = [
    {
      row: 2,
      number: '180/01/KS/2017',
      partnerNumber: '119/MJ/2017',
      title: 'Pengelolaan sampah, air bersih',
      instrument: 'pks',
      partner: { name: 'Kabupaten Muaro Jambi', category: 'region', country: null },
      signedAt: '2017-03-12',
      signedPlace: 'Jambi',
      validFrom: '2017-03-12',
      validUntil: '2022-03-11',
      fields: ['lingkungan_hidup', 'pekerjaan_umum'],
      opds: ['Dinas Lingkungan Hidup', 'Dinas PUPR'],
      value: { amount: 1_500_000_000, currency: 'IDR', source: null },
      status: 'in_force',
    },
    {
      row: 4,
      number: '180/02/KS/2017',
      partnerNumber: null,
      title: 'Kerja sama "Kampus Merdeka" angkatan 1',
      instrument: 'kb',
      partner: { name: 'Universitas Jambi', category: 'third_party', country: null },
      signedAt: '2017-08-17',
      signedPlace: null,
      validFrom: null,
      validUntil: null,
      fields: [],
      opds: [],
      value: null,
      status: null,
    },
  ];

  it.each([';', ','] as const)('reads every column with %s as the separator, quoted fields included', async (sep) => {
    const parsed = await parseImportFile(csv(sample(sep)));
    expect(parsed).toEqual({ format: 'csv', count: 2, rows: expected, errors: [], errorsOmitted: 0 });
  });

  it('takes the UTF-8 BOM that Excel writes, LF line ends, upper-case headers in any order, and skips empty lines', async () => {
    const text = '\uFEFFPARTNER_CATEGORY;Number;Title;Instrument;Partner Name\n\nPihak ketiga;KS-1;Beasiswa;PKS;PT Bank Jambi\n;;;;\n';
    const parsed = await parseImportFile(csv(text));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([expect.objectContaining({ row: 3, number: 'KS-1', title: 'Beasiswa', instrument: 'pks', partner: { name: 'PT Bank Jambi', category: 'third_party', country: null } })]);
    expect(parsed.count).toBe(1);
  });

  it('reports unknown, doubled and missing columns on the header row, and reads no row without the required ones', async () => {
    const parsed = await parseImportFile(csv('nomor;title;title;instrument;partner_name;partner_category;catatan\nKS-1;A;A;pks;X;region;x\n'));
    expect(parsed.errors).toEqual([
      { row: 1, column: 'nomor', message: expect.stringMatching(/^kolom tidak dikenal \(sel A1\); kolom yang diterima: number, partner_number, title/) },
      { row: 1, column: 'title', message: 'kolom ini muncul dua kali (B dan C)' },
      { row: 1, column: 'catatan', message: expect.stringMatching(/^kolom tidak dikenal \(sel G1\)/) },
      { row: 1, column: 'number', message: 'kolom wajib tidak ada di baris judul' },
    ]);
    expect(parsed.rows).toEqual([]);
  });

  it('reports every bad cell of every row with its row and column, in Indonesian', async () => {
    const text = [
      `${HEADER};partner_country;signed_at;valid_from;valid_until;value_amount;status`,
      'KS-1;Baik;pks;Kab. Batanghari;region;;12/03/2017;2017-03-12;2022-03-11;1.000.000;',
      ';Tanpa nomor;surat;Kota Hefei;luar negeri;;31/02/2017;;;sejuta;ditunda',
      'KS-3;Masa terbalik;kb;Universitas Jambi;third_party;;;2020-01-01;2019-12-31;;',
      'ks-1;Nomor ganda;pks;PT Angkasa Pura;Pihak ketiga;;;;;;',
      'KS-5;Negara pendek;loi;Sister City;foreign;X;;;;;',
    ].join('\n');
    const parsed = await parseImportFile(csv(text));
    expect(parsed.errors).toEqual([
      { row: 3, column: 'number', message: 'wajib diisi' },
      { row: 3, column: 'instrument', message: 'jenis naskah "surat" tidak dikenal; pilih salah satu: kb, pks, nk, loi' },
      { row: 3, column: 'partner_country', message: 'wajib diisi untuk mitra luar negeri' },
      { row: 3, column: 'signed_at', message: 'tanggal 31 tidak ada pada bulan 2 tahun 2017 ("31/02/2017")' },
      { row: 3, column: 'value_amount', message: '"sejuta" bukan nilai uang; tulis sebagai 1.500.000.000 atau Rp 1.500.000.000,00' },
      { row: 3, column: 'status', message: 'status "ditunda" tidak dikenal; pilih salah satu: in_force, expired, terminated' },
      { row: 4, column: 'valid_until', message: 'harus sesudah valid_from (2020-01-01)' },
      { row: 5, column: 'number', message: 'nomor "ks-1" sudah dipakai pada baris 2 berkas ini' },
      { row: 6, column: 'partner_country', message: 'paling sedikit 2 karakter' },
    ]);
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 5]);
    expect(parsed.count).toBe(5);
  });

  it('refuses text that a spreadsheet would run as a formula (= + - @), naming the cell; a lone "-" is empty', async () => {
    const text = [
      `${HEADER};partner_number;signed_place;opds`,
      'KS-1;=HYPERLINK("http://x");pks;A;region;-;-;-',
      'KS-2;Baik;pks;+628123;region;@SUM(A1);Jambi;-cmd|calc',
    ].join('\n');
    const parsed = await parseImportFile(csv(text));
    expect(parsed.errors).toEqual([
      { row: 2, column: 'title', message: 'sel B2 diawali "=" sehingga terbaca sebagai rumus spreadsheet; hapus tanda itu' },
      { row: 3, column: 'partner_name', message: 'sel D3 diawali "+" sehingga terbaca sebagai rumus spreadsheet; hapus tanda itu' },
      { row: 3, column: 'partner_number', message: 'sel F3 diawali "@" sehingga terbaca sebagai rumus spreadsheet; hapus tanda itu' },
      { row: 3, column: 'opds', message: 'sel H3 diawali "-" sehingga terbaca sebagai rumus spreadsheet; hapus tanda itu' },
    ]);
  });

  it('reports cells beyond the header, too-long text, control characters and too many list items', async () => {
    const text = [`${HEADER};fields`, `KS-1;${'x'.repeat(301)};pks;A;region;a\u0007b`, `KS-2;T;pks;B;region;${Array.from({ length: 31 }, (_, i) => `u${i}`).join(',')};lebih`].join('\n');
    const parsed = await parseImportFile(csv(text));
    expect(parsed.errors).toEqual([
      { row: 2, column: 'title', message: 'terlalu panjang: 301 karakter, paling banyak 300' },
      { row: 2, column: 'fields', message: 'sel F2 berisi karakter kendali atau biner; hanya teks yang diterima' },
      { row: 3, column: 'G', message: 'sel G3 berisi data di luar kolom yang berjudul' },
      { row: 3, column: 'fields', message: 'paling banyak 30 butir, ada 31' },
    ]);
  });

  it('keeps at most maxErrors errors and counts the rest', async () => {
    const parsed = await parseImportFile(csv(legacyCsv([...legacyRows(30)].map((r) => ({ ...r, instrument: 'x' })))), { maxErrors: 10 });
    expect(parsed.errors).toHaveLength(10);
    expect(parsed.errorsOmitted).toBe(20);
  });

  it('answers a file without a header, an empty file, a broken quote', async () => {
    expect((await refusal(csv(';;;\n\n'))).message).toBe('berkas tidak memiliki baris judul kolom (header)');
    expect(await refusal(Buffer.alloc(0))).toMatchObject({ status: 422, message: 'berkas kosong' });
    expect(await refusal(csv(`${HEADER}\nKS-1;"tanpa akhir;pks;A;region\n`))).toMatchObject({ status: 422, message: expect.stringMatching(/^berkas CSV rusak/) });
  });
});

describe('parseImportFile: rows handed over a chunk at a time (onRows)', () => {
  it('gives every valid row in order, in awaited chunks of at most ROW_CHUNK, keeping none in rows', async () => {
    const rows = [...legacyRows(1_234)];
    rows[700]!.signed_at = '31/02/2017'; // one bad row: left out of the chunks, reported
    const got: string[] = [];
    const sizes: number[] = [];
    let busy = false;
    const parsed = await parseImportFile(csv(legacyCsv(rows)), {
      onRows: async (chunk) => {
        // The parser waits for each chunk before reading on: never two at once.
        expect(busy).toBe(false);
        busy = true;
        sizes.push(chunk.length);
        got.push(...chunk.map((r) => r.number));
        await new Promise((resolve) => setTimeout(resolve, 1));
        busy = false;
      },
    });
    expect(parsed.rows).toEqual([]);
    expect(parsed.count).toBe(1_234);
    expect(parsed.errors.map((e) => [e.row, e.column])).toEqual([[702, 'signed_at']]);
    expect(sizes).toEqual([ROW_CHUNK, ROW_CHUNK, 1_233 - 2 * ROW_CHUNK]);
    expect(got).toEqual(rows.filter((_, i) => i !== 700).map((r) => String(r.number)));
    // The same file read without onRows gives the same rows.
    expect((await parseImportFile(csv(legacyCsv(rows)))).rows.map((r) => r.number)).toEqual(got);
  });
});

describe('parseImportFile: hostile files', () => {
  it('refuses UTF-16 (with a BOM or without), Windows-1252 bytes (naming the line) and binary content', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n`, 'utf16le')]);
    expect(await refusal(utf16)).toMatchObject({ status: 422, message: 'berkas CSV berkode UTF-16, bukan UTF-8: simpan ulang sebagai "CSV UTF-8"' });
    expect(await refusal(Buffer.from(`${HEADER}\n`, 'utf16le'))).toMatchObject({ status: 422, message: expect.stringMatching(/UTF-16/) });
    const cp1252 = Buffer.concat([csv(`${HEADER}\nKS-1;Kerja sama;pks;A;region\nKS-2;Kafe `), Buffer.from([0xe9]), csv(';pks;B;region\n')]);
    expect(await refusal(cp1252)).toMatchObject({ status: 422, row: 3, message: 'baris 3: berkas bukan UTF-8 (mungkin Windows-1252/ANSI); simpan ulang sebagai "CSV UTF-8"' });
    expect(await refusal(samplePng())).toMatchObject({ status: 422, message: expect.stringMatching(/^berkas berisi data biner \(byte NUL pada baris \d+\), bukan teks CSV$/) });
    expect(await refusal(Buffer.concat([csv(`${HEADER}\n`), Buffer.from([0, 1, 2, 3, 0, 0])]))).toMatchObject({ status: 422, message: 'berkas berisi data biner (byte NUL pada baris 2), bukan teks CSV' });
  });

  it('refuses an old binary XLS and a PDF (415), and a file posing as XLSX that is no zip is read as text and refused', async () => {
    expect(await refusal(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toMatchObject({ status: 415, message: expect.stringMatching(/^berkas XLS lama/) });
    expect(await refusal(csv('%PDF-1.4\n%%EOF\n'))).toMatchObject({ status: 415 });
    expect(await refusal(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toMatchObject({ status: 422, message: expect.stringMatching(/^berkas XLSX rusak/) });
  });

  it('refuses a zip that is no XLSX (415)', async () => {
    const zip = buildZip([{ name: 'word/document.xml', data: Buffer.from('<w/>') }]);
    expect(await refusal(zip)).toMatchObject({ status: 415, message: expect.stringMatching(/bukan XLSX/) });
  });

  it('refuses more rows than the limit as soon as it reads the first one past it (413), 1 million rows included', async () => {
    const small = csv(legacyCsv(legacyRows(11)));
    expect(await refusal(small, { maxRows: 10 })).toMatchObject({ status: 413, row: 12, message: 'berkas memuat lebih dari 10 baris data; bagi menjadi beberapa berkas' });
    expect((await parseImportFile(small, { maxRows: 11 })).rows).toHaveLength(11);
    // A million short rows fit in 20 MiB: refused at row 50,002, without reading the rest.
    const million = Buffer.concat([csv(`${HEADER}\n`), Buffer.from('K;T;pks;P;region\n'.repeat(1_000_000))]);
    expect(million.length).toBeLessThan(20 * 2 ** 20);
    expect(await refusal(million)).toMatchObject({ status: 413, row: 50_002, message: 'berkas memuat lebih dari 50.000 baris data; bagi menjadi beberapa berkas' });
  }, 120_000);

  it('refuses a zip bomb: an entry declaring more than the limit, entries inflating past it together, an entry inflating past its declared size', async () => {
    const xlsxParts = [
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
    ];
    const zeros = await deflatedZeros(201 * 2 ** 20);
    expect(zeros.deflated.length).toBeLessThan(2 ** 20);
    const declared = buildZip([...xlsxParts, { name: 'xl/worksheets/sheet1.xml', data: zeros }]);
    expect(await refusal(declared)).toMatchObject({ status: 413, message: 'berkas XLSX mengembang melebihi 200 MiB saat dibuka (zip bomb); ditolak' });
    const many = buildZip([...xlsxParts, ...Array.from({ length: 5 }, (_, i) => ({ name: `xl/media/image${i}.bin`, data: Buffer.alloc(300_000) }))]);
    expect(await refusal(many, { maxInflatedBytes: 2 ** 20 })).toMatchObject({ status: 413, message: expect.stringMatching(/zip bomb/) });
    const strings = buildZip([...xlsxParts, { name: 'xl/sharedStrings.xml', data: await deflatedZeros(49 * 2 ** 20) }]);
    expect(await refusal(strings)).toMatchObject({ status: 413, message: 'teks bersama (xl/sharedStrings.xml) berkas XLSX mengembang melebihi 48 MiB; ditolak' });
    const lying = buildZip([...xlsxParts, { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(2 ** 20), declaredSize: 100 }]);
    expect(await refusal(lying)).toMatchObject({ status: 422, message: expect.stringMatching(/^berkas XLSX rusak/) });
  }, 120_000);

  it('refuses an entry hidden between the listed ones (exceljs reads local headers in sequence)', async () => {
    const xlsx = await legacyXlsx(legacyRows(2));
    expect((await parseImportFile(xlsx)).errors).toEqual([]);
    const hidden = buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/sharedStrings.xml', data: Buffer.alloc(2 ** 20), hidden: true },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
    ]);
    expect(await refusal(hidden)).toMatchObject({ status: 422, message: 'berkas XLSX ditolak: struktur zip tidak konsisten (data tersembunyi sebelum entri xl/workbook.xml)' });
    const trailing = buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/sharedStrings.xml', data: Buffer.alloc(2 ** 20), hidden: true },
    ]);
    expect(await refusal(trailing)).toMatchObject({ status: 422, message: 'berkas XLSX ditolak: struktur zip tidak konsisten (data tersembunyi sebelum direktori pusat)' });
  });
});

describe('parseImportFile: XLSX (first sheet, exceljs streaming reader)', () => {
  it('reads the header below a title row, date cells, number cells and Indonesian text, with the rows as the sheet numbers them', async () => {
    const xlsx = await legacyXlsx(
      [
        { ...legacyRow(0), signed_at: new Date(Date.UTC(2017, 2, 12)), valid_from: 42806, value_amount: 1_500_000_000, partner_number: 119 },
        legacyRow(1),
      ],
      { title: 'DAFTAR PERJANJIAN KERJA SAMA PEMERINTAH KOTA JAMBI' },
    );
    const parsed = await parseImportFile(xlsx);
    expect(parsed.errors).toEqual([]);
    expect(parsed.format).toBe('xlsx');
    expect(parsed.rows.map((r) => r.row)).toEqual([4, 5]);
    expect(parsed.rows[0]).toMatchObject({ signedAt: '2017-03-12', validFrom: '2017-03-12', value: { amount: 1_500_000_000, currency: 'IDR', source: null }, partnerNumber: '119' });
    expect(parsed.rows[1]).toMatchObject({ number: '180/2/KS/2016', instrument: 'kb', partner: { name: 'Universitas Jambi', category: 'third_party', country: null } });
  });

  /** A sheet's XML, strings inline or (`shared`) as indexes into xl/sharedStrings.xml, as Excel writes them. */
  const sheetXml = (rows: string[][], shared: string[] | null = null) =>
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows
      .map(
        (values, r) =>
          `<row r="${r + 1}">${values
            .map((v, i) => {
              const at = `${columnLetter(i)}${r + 1}`;
              if (!shared) return `<c r="${at}" t="inlineStr"><is><t>${v}</t></is></c>`;
              if (!shared.includes(v)) shared.push(v);
              return `<c r="${at}" t="s"><v>${shared.indexOf(v)}</v></c>`;
            })
            .join('')}</row>`,
      )
      .join('')}</sheetData></worksheet>`;
  const sharedStringsXml = (strings: string[]) =>
    `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((t) => `<si><t>${t}</t></si>`).join('')}</sst>`;
  /** An XLSX whose tabs, in order, are the files sheet<n>.xml of `order`; its parts in `entryOrder` (Excel puts the shared strings after the sheets). */
  const workbook = (sheets: Record<number, string>, order: number[], extra: { name: string; data: Buffer }[] = []) =>
    buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
      {
        name: 'xl/workbook.xml',
        data: Buffer.from(
          `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${order.map((n, i) => `<sheet name="S${n}" sheetId="${i + 1}" r:id="rId${n}"/>`).join('')}</sheets></workbook>`,
        ),
      },
      {
        name: 'xl/_rels/workbook.xml.rels',
        data: Buffer.from(
          `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${order.map((n) => `<Relationship Id="rId${n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${n}.xml"/>`).join('')}</Relationships>`,
        ),
      },
      ...Object.entries(sheets).map(([n, xml]) => ({ name: `xl/worksheets/sheet${n}.xml`, data: Buffer.from(xml) })),
      ...extra,
    ]);
  const HEADER_CELLS = ['number', 'title', 'instrument', 'partner_name', 'partner_category'];

  it('reads the first tab, whichever sheet file holds it, with the shared strings after the sheets as Excel writes them', async () => {
    for (const order of [[2, 1], [1, 2]]) {
      const strings: string[] = [];
      const notes = sheetXml([['Catatan'], ['bukan register']], strings);
      const register = sheetXml([HEADER_CELLS, ['KS-9', 'Tab pertama', 'pks', 'Kabupaten Tebo', 'region']], strings);
      const files = order[0] === 2 ? { 1: notes, 2: register } : { 1: register, 2: notes };
      const parsed = await parseImportFile(workbook(files, order, [{ name: 'xl/sharedStrings.xml', data: Buffer.from(sharedStringsXml(strings)) }]));
      expect(parsed.errors).toEqual([]);
      expect(parsed.rows).toEqual([expect.objectContaining({ row: 2, number: 'KS-9', title: 'Tab pertama', partner: { name: 'Kabupaten Tebo', category: 'region', country: null } })]);
    }
  });

  it('reads one sheet stored before its shared strings, in the order Excel writes its parts', async () => {
    const strings: string[] = [];
    const rows = [HEADER_CELLS, ...Array.from({ length: 30 }, (_, i) => [`KS-${i}`, `Judul ${i}`, 'pks', `Mitra ${i % 3}`, 'region'])];
    const sheet = sheetXml(rows, strings);
    const xlsx = workbook({ 1: sheet }, [1], [
      { name: 'xl/theme/theme1.xml', data: Buffer.from('<?xml version="1.0"?><a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office"/>') },
      { name: 'xl/styles.xml', data: Buffer.from('<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="0"/><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>') },
      { name: 'xl/sharedStrings.xml', data: Buffer.from(sharedStringsXml(strings)) },
      { name: 'docProps/core.xml', data: Buffer.from('<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>') },
    ]);
    const parsed = await parseImportFile(xlsx);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((r) => [r.row, r.number, r.title, r.partner.name])).toEqual(rows.slice(1).map((r, i) => [i + 2, r[0], r[1], r[3]]));
    expect(await refusal(xlsx, { maxRows: 10 })).toMatchObject({ status: 413 });
    // The strings as the zip's very last part (exceljs 4.4 alone would hand these rows unresolved, exceljs#683).
    const last = workbook({ 1: sheet }, [1], [{ name: 'xl/sharedStrings.xml', data: Buffer.from(sharedStringsXml(strings)) }]);
    expect((await parseImportFile(last)).rows.map((r) => r.title)).toEqual(rows.slice(1).map((r) => r[1]));
    // Shared strings referred to but not in the file: refused, never imported as text "[object Object]".
    expect(await refusal(workbook({ 1: sheet }, [1]))).toMatchObject({
      status: 422,
      message: 'berkas XLSX tidak dapat dibaca: teks bersama nomor 0 (xl/sharedStrings.xml) tidak terbaca; simpan ulang dengan Excel atau LibreOffice, atau kirim sebagai CSV UTF-8',
    });
  });

  it('refuses several sheets without shared strings, which exceljs cannot read for certain', async () => {
    const inline = sheetXml([HEADER_CELLS, ['KS-9', 'T', 'pks', 'P', 'region']]);
    expect(await refusal(workbook({ 1: inline, 2: inline }, [1, 2]))).toMatchObject({ status: 422, message: expect.stringMatching(/^berkas XLSX berisi beberapa lembar tanpa xl\/sharedStrings.xml/) });
  });

  it('refuses a sheet of more rows than the limit (413), read as a stream', async () => {
    const rows = [HEADER_CELLS];
    for (let r = 2; r <= 60_002; r++) rows.push([`K${r}`, 'T', 'pks', 'P', 'region']);
    const xlsx = workbook({ 1: sheetXml(rows) }, [1]);
    expect(await refusal(xlsx)).toMatchObject({ status: 413, row: 50_002, message: 'berkas memuat lebih dari 50.000 baris data; bagi menjadi beberapa berkas' });
    expect((await parseImportFile(xlsx, { maxRows: 70_000 })).rows).toHaveLength(60_001);
  }, 120_000);

  it('refuses formula cells, naming the cell, whatever their cached value', async () => {
    const xlsx = await legacyXlsx([{ ...legacyRow(0), valid_until: { formula: 'DATE(2022,3,11)', result: 44631 }, title: { formula: 'A1&" kerja sama"', result: 'x kerja sama' } }]);
    const parsed = await parseImportFile(xlsx);
    expect(parsed.errors).toEqual([
      { row: 2, column: 'title', message: 'sel C2 berisi rumus (=A1&" kerja sama"); impor tidak menjalankan rumus — salin lalu tempel sebagai nilai (Paste Special → Values)' },
      { row: 2, column: 'valid_until', message: 'sel K2 berisi rumus (=DATE(2022,3,11)); impor tidak menjalankan rumus — salin lalu tempel sebagai nilai (Paste Special → Values)' },
    ]);
    expect(parsed.rows).toEqual([]);
  });
});

describe('parseImportFile: 10,000 rows (correctness; time is the bench\'s)', () => {
  /** What legacyRow(i) must become. */
  const expectedRow = (i: number, row: number) => {
    const r = legacyRow(i);
    const year = 2015 + (i % 5);
    const month = String((i % 12) + 1).padStart(2, '0');
    const day = String((i % 28) + 1).padStart(2, '0');
    return {
      row,
      number: r.number,
      partnerNumber: r.partner_number,
      title: r.title,
      partner: { name: r.partner_name, country: r.partner_country },
      signedAt: `${year}-${month}-${day}`,
      validFrom: `${year}-${month}-${day}`,
      validUntil: `${year + 5}-${month}-${day}`,
      fields: i % 2 ? ['kesehatan', 'pendidikan'] : ['pekerjaan_umum'],
      opds: ['Dinas Kesehatan', 'Bappeda'],
      value: i % 4 === 0 ? null : { amount: 1_500_000 * (i + 1), currency: 'IDR', source: null },
      status: i % 10 === 9 ? 'terminated' : null,
    };
  };

  it.each([
    ['CSV ;', async () => csv(legacyCsv(legacyRows(10_000), { separator: ';', bom: true }))],
    ['CSV ,', async () => csv(legacyCsv(legacyRows(10_000), { separator: ',' }))],
    ['XLSX', () => legacyXlsx(legacyRows(10_000))],
  ])('%s: every row read right, progress reported', async (_name, make) => {
    const progress: number[] = [];
    const parsed = await parseImportFile(await make(), { onProgress: (n) => progress.push(n) });
    expect(parsed.errors).toEqual([]);
    expect(parsed.count).toBe(10_000);
    expect(parsed.rows).toHaveLength(10_000);
    parsed.rows.forEach((row, i) => expect(row).toMatchObject(expectedRow(i, i + 2)));
    expect(progress.at(-1)).toBe(10_000);
    expect(progress.length).toBeGreaterThan(10);
  }, 120_000);
});

it('columnLetter names columns as spreadsheets do', () => {
  expect([0, 25, 26, 27, 51, 52, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  expect(IMPORT_COLUMNS).toHaveLength(15);
});
