import { SettableClock } from '../src/common/clock.js';
import { AgreementsService } from '../src/agreements/agreements.service.js';
import { expectError } from './support/expectations.js';
import { TestApp, USERS, type TestUser } from './support/test-app.js';
import { signedCase, terminate } from './support/agreements.js';

const SECRET = {
  partnerNumber: 'PKS/RAHASIA/2026',
  signedPlace: 'Ruang Pola Kantor Wali Kota',
  signatories: [
    { party: 'city', name: 'Penandatangan Kota Rahasia', position: 'Wali Kota Jambi' },
    { party: 'partner', name: 'Penandatangan Mitra Rahasia', position: 'Direktur' },
  ],
  fields: ['kesehatan'],
  opds: ['Dinas Kesehatan'],
  value: { amount: 987654321, currency: 'IDR', source: 'Sumber dana rahasia' },
};

const PUBLIC_KEYS = ['fields', 'instrument', 'number', 'opds', 'partner', 'signedAt', 'status', 'terminatedAt', 'title', 'validFrom', 'validUntil'];

describe('the public registry', () => {
  let t: TestApp;
  const clock = new SettableClock();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    clock.set(new Date('2026-06-01T03:00:00Z'));
    t = await TestApp.start({}, { clock });
    const a = await signedCase(t, { title: 'PKS layanan kesehatan', instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' }, validFrom: '2026-06-01', validUntil: '2027-05-31', summary: 'Ringkasan internal rahasia' });
    ids.inForce = a.id;
    expect((await t.request('PATCH', `/api/agreements/${a.id}`, { as: USERS.secretariat, body: SECRET })).status).toBe(200);
    const b = await signedCase(t, { title: 'KB pengelolaan sampah', validFrom: '2026-06-01', validUntil: '2028-01-01' });
    ids.terminated = b.id;
    expect((await terminate(t, b.id, { grounds: 'breach', comment: 'Komentar internal rahasia' })).status).toBe(201);
    await t.app.get(AgreementsService).importRows(
      [
        {
          row: 2,
          number: '180/0001/KS/2017',
          partnerNumber: 'LAMA/RAHASIA',
          title: 'Nota kesepakatan lama',
          instrument: 'nk',
          partner: { name: 'Kementerian PUPR', category: 'central_government', country: null },
          signedAt: '2017-02-01',
          signedPlace: 'Jakarta',
          validFrom: '2017-02-01',
          validUntil: '2022-01-31',
          fields: ['pekerjaan_umum'],
          opds: ['Dinas PUPR'],
          value: { amount: 123456789, currency: 'IDR', source: 'APBN' },
          status: null,
        },
      ],
      { name: 'lama.csv', sha256: 'b'.repeat(64) },
      { id: USERS.secretariat.id, roles: ['secretariat'] },
      { dryRun: false },
    );
    await t.createCase({ title: 'Usulan yang belum ditandatangani' });
  });
  afterAll(() => t.stop());

  const noToken = (url: string) => t.get(url);

  it('lists agreements in force, expired and terminated without a token, public fields only', async () => {
    const res = await noToken('/public/agreements');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    for (const item of res.body.items) {
      expect(Object.keys(item).sort()).toEqual(PUBLIC_KEYS);
      expect(Object.keys(item.partner).sort()).toEqual(['category', 'country', 'name']);
    }
    const byTitle = Object.fromEntries(res.body.items.map((a: any) => [a.title, a]));
    expect(byTitle['PKS layanan kesehatan']).toEqual({
      number: expect.stringMatching(/^KS-2026-/),
      title: 'PKS layanan kesehatan',
      instrument: 'pks',
      partner: { name: 'BPJS Kesehatan', category: 'third_party', country: null },
      signedAt: '2026-06-01',
      validFrom: '2026-06-01',
      validUntil: '2027-05-31',
      fields: ['kesehatan'],
      opds: ['Dinas Kesehatan'],
      status: 'in_force',
      terminatedAt: null,
    });
    expect(byTitle['KB pengelolaan sampah'].status).toBe('terminated');
    // The date it ended is public; its grounds are not (contract §10, agreement.dto.ts).
    expect(byTitle['KB pengelolaan sampah'].terminatedAt).toBe('2026-06-01');
    expect(byTitle['Nota kesepakatan lama'].status).toBe('expired');
  });

  it('never lets out values, signatories, partners’ numbers, comments, summaries, ids, users or e-mail (the raw bodies)', async () => {
    const bodies = [(await noToken('/public/agreements')).text, (await noToken('/public/agreements.csv')).text, (await noToken('/public/catalog.json')).text];
    const secrets = [
      '987654321',
      '123456789',
      'Sumber dana rahasia',
      'APBN',
      'Penandatangan',
      'RAHASIA',
      'Ruang Pola',
      'Ringkasan internal',
      'Komentar internal',
      'breach',
      'IDR',
      ids.inForce!,
      ids.terminated!,
      USERS.proposer.id,
      USERS.secretariat.id,
      '@jambikota.go.id',
      'lama.csv',
      'IMP-',
      'bbbbbbbb',
      'Usulan yang belum',
      '"value":',
      '"signatories":',
      '"source":',
      '"partnerNumber":',
      '"summary":',
      'value_amount',
      'partner_number',
    ];
    for (const body of bodies) for (const s of secrets) expect(body).not.toContain(s);
  });

  it('filters as the staff register does', async () => {
    const titles = async (q: string) => (await noToken(`/public/agreements?${q}`)).body.items.map((a: any) => a.title);
    expect(await titles('status=terminated')).toEqual(['KB pengelolaan sampah']);
    expect(await titles('status=expired')).toEqual(['Nota kesepakatan lama']);
    expect(await titles('category=central_government')).toEqual(['Nota kesepakatan lama']);
    expect(await titles('field=kesehatan')).toEqual(['PKS layanan kesehatan']);
    expect(await titles('year=2017')).toEqual(['Nota kesepakatan lama']);
    expect(await titles('q=bpjs&limit=1')).toEqual(['PKS layanan kesehatan']);
    expectError(await noToken('/public/agreements?status=draft'), 400, 'status');
    expectError(await noToken('/public/agreements?incomplete=true'), 400, 'incomplete');
  });

  it('serves the CSV of the same public columns, cells safe from formulas', async () => {
    const res = await noToken('/public/agreements.csv?status=in_force');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('number,title,instrument,partner_name,partner_category,partner_country,signed_at,valid_from,valid_until,fields,opds,status,terminated_at');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^KS-2026-\d{4},PKS layanan kesehatan,pks,BPJS Kesehatan,third_party,,2026-06-01,2026-06-01,2027-05-31,kesehatan,Dinas Kesehatan,in_force,$/);
  });

  it('describes both distributions in a DCAT catalogue (JSON-LD) on PUBLIC_URL', async () => {
    const res = await noToken('/public/catalog.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/ld+json; charset=utf-8');
    const catalog = res.body;
    expect(catalog['@context']).toEqual(expect.objectContaining({ dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/' }));
    expect(catalog['@type']).toBe('dcat:Catalog');
    const [dataset] = catalog['dcat:dataset'];
    expect(dataset['@type']).toBe('dcat:Dataset');
    expect(dataset['dct:title']).toEqual(expect.any(String));
    // Modified when the register last changed (the entries were made and completed on 1 June), not whenever it is asked.
    clock.set(new Date('2026-07-15T03:00:00Z'));
    try {
      expect((await noToken('/public/catalog.json')).body['dcat:dataset'][0]['dct:modified']).toEqual({ '@value': '2026-06-01', '@type': 'xsd:date' });
    } finally {
      clock.set(new Date('2026-06-01T03:00:00Z'));
    }
    const distributions = dataset['dcat:distribution'];
    expect(distributions.map((d: any) => [d['@type'], d['dcat:downloadURL']['@id'], d['dcat:mediaType']['@id']])).toEqual([
      ['dcat:Distribution', 'http://onegate.test/public/agreements', 'http://www.iana.org/assignments/media-types/application/json'],
      ['dcat:Distribution', 'http://onegate.test/public/agreements.csv', 'http://www.iana.org/assignments/media-types/text/csv'],
    ]);
    // Each distribution is what it says it is.
    expect((await noToken('/public/agreements')).headers['content-type']).toMatch(/^application\/json/);
    expect((await noToken('/public/agreements.csv')).headers['content-type']).toMatch(/^text\/csv/);
  });

  it('carries the web app’s security headers', async () => {
    for (const url of ['/public/agreements', '/public/agreements.csv', '/public/catalog.json', '/public/nothing-here']) {
      const res = await noToken(url);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options'] ?? res.headers['content-security-policy']).toMatch(/DENY|frame-ancestors 'none'/);
    }
  });

  it('serves the public page /registry without a token, under the web app’s CSP (no inline script), and its file nowhere else', async () => {
    const res = await noToken('/registry');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<script type="module" src="/registry.js"></script>');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const scriptSrc = String(res.headers['content-security-policy']).split(';').find((d) => d.trim().startsWith('script-src'));
    expect(scriptSrc).toMatch(/^\s*script-src 'self'/);
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect((await noToken('/registry.html')).status).toBe(404);
    expect((await noToken('/registry.js')).status).toBe(200);
  });

  it('ignores a token and its role: the same public answer for everyone', async () => {
    const anonymous = (await noToken('/public/agreements')).text;
    for (const user of [USERS.proposer2, USERS.secretariat] as TestUser[]) expect((await t.get('/public/agreements', user)).text).toBe(anonymous);
  });
});

describe('the public registry’s limits and off switch', () => {
  it('is rate-limited per address: 429 with Retry-After in the contract’s shape', async () => {
    const t = await TestApp.start({ signInRateLimit: 3 });
    try {
      for (let i = 0; i < 3; i++) expect((await t.get(['/public/agreements', '/public/agreements.csv', '/public/catalog.json'][i]!)).status).toBe(200);
      const res = await t.get('/public/agreements');
      expectError(res, 429, 'too many requests');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Staff routes are not counted with them.
      expect((await t.get('/api/agreements', USERS.auditor)).status).toBe(200);
    } finally {
      await t.stop();
    }
  });

  it('ONEGATE_PUBLIC_REGISTRY=off removes all three (404), the staff register stays', async () => {
    const t = await TestApp.start({ publicRegistry: false });
    try {
      for (const url of ['/public/agreements', '/public/agreements.csv', '/public/catalog.json']) expectError(await t.get(url), 404);
      // The public page goes too; its file has no address of its own, on or off.
      expect((await t.get('/registry')).status).toBe(404);
      expect((await t.get('/registry.html')).status).toBe(404);
      expect((await t.get('/api/agreements', USERS.auditor)).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});
