import ExcelJS from 'exceljs';
import { SettableClock } from '../src/common/clock.js';
import { AGREEMENT } from '../src/database/entities.js';
import { AgreementsService } from '../src/agreements/agreements.service.js';
import { expectError } from './support/expectations.js';
import { signedCase, terminate } from './support/agreements.js';
import { TestApp, USERS, type TestUser } from './support/test-app.js';

const patch = (t: TestApp, id: string, as: TestUser | undefined, body: unknown, headers: Record<string, string> = {}) =>
  t.request('PATCH', `/api/agreements/${id}`, { as, body, headers });

const AGREEMENT_KEYS = [
  'id',
  'number',
  'partnerNumber',
  'title',
  'instrument',
  'partner',
  'status',
  'signedAt',
  'signedPlace',
  'signatories',
  'validFrom',
  'validUntil',
  'fields',
  'opds',
  'value',
  'source',
  'parentId',
  'amendments',
  'renewedBy',
  'evaluations',
  // Beyond the contract's list: the case's version, for PATCH's expectedVersion, and how it ended early.
  'version',
  'terminatedAt',
  'terminationGrounds',
].sort();

const COMPLETE = {
  partnerNumber: 'PKS/017/BPJS/2026',
  signedPlace: 'Jambi',
  signatories: [
    { party: 'city', name: 'Dr. H. Syarif Fasha', position: 'Wali Kota Jambi' },
    { party: 'partner', name: 'Ir. Budi Santoso', position: 'Kepala Cabang BPJS Kesehatan Jambi' },
  ],
  fields: ['kesehatan'],
  opds: ['Dinas Kesehatan'],
  value: { amount: 250000000, currency: 'IDR', source: 'APBD Kota Jambi 2026' },
};

describe('the register of agreements', () => {
  let t: TestApp;
  const clock = new SettableClock();
  let signed: any;

  beforeAll(async () => {
    clock.set(new Date('2026-03-12T03:00:00Z')); // 10:00 WIB, Thursday 12 March 2026
    t = await TestApp.start({}, { clock });
    signed = await signedCase(t, { title: 'PKS layanan kesehatan', instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' }, validFrom: '2026-04-01', validUntil: '2026-12-31' });
  });
  afterAll(() => t.stop());

  it('enters every signed case, under its id, numbered with its case and dated by the city’s calendar', async () => {
    const res = await t.get(`/api/agreements/${signed.id}`, USERS.tkksd);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(AGREEMENT_KEYS);
    expect(res.body).toEqual({
      id: signed.id,
      number: signed.number,
      partnerNumber: null,
      title: 'PKS layanan kesehatan',
      instrument: 'pks',
      partner: { name: 'BPJS Kesehatan', category: 'third_party', country: null },
      status: 'in_force',
      signedAt: '2026-03-12',
      signedPlace: null,
      signatories: [],
      validFrom: '2026-04-01',
      validUntil: '2026-12-31',
      fields: [],
      opds: [],
      value: null,
      source: 'workflow',
      parentId: null,
      amendments: [],
      renewedBy: null,
      // Contract §10: the half 2026-1 of its term, and the end of term (from July).
      evaluations: [
        expect.objectContaining({ status: 'scheduled', number: null, period: { from: '2026-04-01', to: '2026-06-30' } }),
        expect.objectContaining({ status: 'scheduled', number: null, period: { from: '2026-07-01', to: '2026-12-31' } }),
      ],
      version: signed.version,
      terminatedAt: null,
      terminationGrounds: null,
    });
    const list = await t.get('/api/agreements', USERS.auditor);
    expect(list.body).toEqual(expect.objectContaining({ total: 1, items: [expect.objectContaining({ id: signed.id })] }));
  });

  it('does not list a case before its signature', async () => {
    const c = await t.createCase({ title: 'Belum ditandatangani' });
    expectError(await t.get(`/api/agreements/${c.id}`, USERS.secretariat), 404, 'agreement');
    expect((await t.get('/api/agreements?q=belum', USERS.secretariat)).body.total).toBe(0);
  });

  it('dates a signing at 00:30 WIB by the city’s day, not UTC’s', async () => {
    clock.set(new Date('2026-03-31T17:30:00Z')); // 00:30 WIB on 1 April, still 31 March in UTC
    try {
      const c = await signedCase(t, { title: 'KB tengah malam' });
      expect((await t.get(`/api/agreements/${c.id}`, USERS.secretariat)).body.signedAt).toBe('2026-04-01');
    } finally {
      clock.set(new Date('2026-03-12T03:00:00Z'));
    }
  });

  describe('PATCH', () => {
    it('lets the secretariat complete the entry, recorded as REGISTER_UPDATED on the case’s chain (old → new)', async () => {
      const res = await patch(t, signed.id, USERS.secretariat, COMPLETE);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expect.objectContaining({ ...COMPLETE, id: signed.id, status: 'in_force', source: 'workflow' }));
      expect((await t.get(`/api/agreements/${signed.id}`, USERS.proposer)).body).toEqual(res.body);
      const history = (await t.get(`/api/cases/${signed.id}/history`, USERS.auditor)).body;
      const last = history[history.length - 1];
      expect(last).toEqual(expect.objectContaining({ type: 'REGISTER_UPDATED', actor: { id: USERS.secretariat.id, roles: ['secretariat'] }, stageBefore: signed.stage, stageAfter: signed.stage }));
      expect(last.data.changes.partnerNumber).toEqual({ from: null, to: 'PKS/017/BPJS/2026' });
      expect(last.data.changes.value).toEqual({ from: null, to: COMPLETE.value });
      expect(last.data.event).toBeUndefined();
      // The case itself moved a version, its stage and tasks as they were.
      const c = (await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body;
      expect(c.version).toBe(signed.version + 1);
      expect(c.stage).toBe(signed.stage);
    });

    it('keeps the chain verifiable and the replay matching after the update', async () => {
      const verify = await t.get(`/api/audit/verify?caseId=${signed.id}`, USERS.auditor);
      expect(verify.body).toEqual(expect.objectContaining({ ok: true, problems: [] }));
      const version = (await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version;
      const replay = await t.get(`/api/cases/${signed.id}/replay?seq=${version}`, USERS.auditor);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(expect.objectContaining({ seq: version, stage: signed.stage, matchesStored: true }));
      const all = await t.get('/api/audit/verify', USERS.auditor);
      expect(all.body.ok).toBe(true);
    });

    it('puts the update in the audit export', async () => {
      const res = await t.get('/api/audit/export?format=jsonl', USERS.auditor);
      const lines = res.text.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.filter((e) => e.caseId === signed.id && e.type === 'REGISTER_UPDATED')).toHaveLength(1);
    });

    it('records nothing for a body that changes nothing', async () => {
      const before = (await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version;
      const res = await patch(t, signed.id, USERS.secretariat, { signedPlace: 'Jambi', fields: ['kesehatan'] });
      expect(res.status).toBe(200);
      expect((await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version).toBe(before);
    });

    it('clears a field given null, and sets the city’s own number', async () => {
      const res = await patch(t, signed.id, USERS.secretariat, { number: ' 180/112/KS/2026 ', value: null });
      expect(res.status).toBe(200);
      expect(res.body.number).toBe('180/112/KS/2026');
      expect(res.body.value).toBeNull();
      expect((await patch(t, signed.id, USERS.secretariat, { value: COMPLETE.value })).status).toBe(200);
    });

    it('refuses another agreement’s number with 400 naming number', async () => {
      const other = await signedCase(t, { title: 'KB kedua' });
      expectError(await patch(t, other.id, USERS.secretariat, { number: '180/112/KS/2026' }), 400, 'number', 'another agreement');
      expect((await t.get(`/api/agreements/${other.id}`, USERS.secretariat)).body.number).toBe(other.number);
    });

    it('is the secretariat’s alone: 403 for every other role, 401 without a token', async () => {
      for (const user of [USERS.proposer, USERS.admin, USERS.auditor, USERS.mayor, USERS.legal]) {
        expectError(await patch(t, signed.id, user, { signedPlace: 'Palembang' }), 403, 'secretariat');
      }
      expectError(await patch(t, signed.id, undefined, { signedPlace: 'Palembang' }), 401);
      expect((await t.get(`/api/agreements/${signed.id}`, USERS.secretariat)).body.signedPlace).toBe('Jambi');
    });

    it.each([
      [{ colour: 'red' }, 'colour'],
      [{ signedPlace: 'Jambi', extra: 1 }, 'extra'],
      [{}, 'body'],
      [{ signedAt: '12/03/2026' }, 'signedAt'],
      [{ signedAt: '2026-02-30' }, 'signedAt'],
      [{ signatories: [{ party: 'mayor', name: 'X', position: 'Y' }] }, 'signatories.0.party'],
      [{ signatories: [{ party: 'city', name: '   ', position: 'Wali Kota' }] }, 'signatories.0.name'],
      [{ signatories: [{ party: 'city', name: 'A', position: 'B', nik: '1' }] }, 'signatories[0].nik'],
      [{ signatories: null }, 'signatories'],
      [{ fields: 'kesehatan' }, 'fields'],
      [{ fields: [1] }, 'fields'],
      [{ opds: null }, 'opds'],
      [{ value: { amount: -1, currency: 'IDR' } }, 'value.amount'],
      [{ value: { amount: 1, currency: 'rupiah' } }, 'value.currency'],
      [{ value: 5 }, 'value'],
      [{ number: null }, 'number'],
      [{ partnerNumber: 7 }, 'partnerNumber'],
      [{ expectedVersion: 0, signedPlace: 'Jambi' }, 'expectedVersion'],
      [{ fields: Array.from({ length: 51 }, (_, i) => `urusan_${i}`) }, 'fields'],
      [{ signedPlace: 'x'.repeat(201) }, 'signedPlace'],
      [{ value: { amount: 1, currency: 'IDR', source: 'APBD', extra: true } }, 'value.extra'],
    ])('refuses %j with 400 naming %s, changing nothing', async (body, field) => {
      const before = (await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version;
      const res = await patch(t, signed.id, USERS.secretariat, body);
      expectError(res, 400, field);
      expect((await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version).toBe(before);
    });

    it('refuses a body of a thousand unknown fields with 400, changing nothing', async () => {
      const before = (await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version;
      expectError(await patch(t, signed.id, USERS.secretariat, Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, i]))), 400, 'body');
      expect((await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version).toBe(before);
    });

    it('answers 404 for an unknown id and for a case that is not an agreement', async () => {
      expectError(await patch(t, '00000000-0000-4000-8000-000000000000', USERS.secretariat, { signedPlace: 'Jambi' }), 404, 'agreement');
      const c = await t.createCase({ title: 'Masih usulan' });
      expectError(await patch(t, c.id, USERS.secretariat, { signedPlace: 'Jambi' }), 404, 'agreement');
      expectError(await patch(t, 'x'.repeat(200), USERS.secretariat, { signedPlace: 'Jambi' }), 404);
    });

    it('takes concurrent updates of one entry one after another, each its own event, the chain whole', async () => {
      const before = (await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version;
      const places = ['Jambi 1', 'Jambi 2', 'Jambi 3', 'Jambi 4', 'Jambi 5'];
      const answers = await Promise.all(places.map((signedPlace) => patch(t, signed.id, USERS.secretariat, { signedPlace })));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect((await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version).toBe(before + 5);
      const history = (await t.get(`/api/cases/${signed.id}/history`, USERS.auditor)).body.slice(-5);
      const last = history[4].data.changes.signedPlace.to;
      expect((await t.get(`/api/agreements/${signed.id}`, USERS.auditor)).body.signedPlace).toBe(last);
      expect(history.map((e: any) => e.data.changes.signedPlace.to).sort()).toEqual(places);
      expect((await t.get(`/api/audit/verify?caseId=${signed.id}`, USERS.auditor)).body.ok).toBe(true);
    });

    it('finds an entry by its case number after the city’s own number is recorded', async () => {
      expect((await t.get(`/api/agreements?q=${signed.number}`, USERS.auditor)).body.items.map((a: any) => a.id)).toEqual([signed.id]);
    });

    it('refuses a stale expectedVersion with 409 and takes the current one, which the entry itself tells', async () => {
      const version = (await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version;
      expect((await t.get(`/api/agreements/${signed.id}`, USERS.secretariat)).body.version).toBe(version);
      expectError(await patch(t, signed.id, USERS.secretariat, { signedPlace: 'Kota Jambi', expectedVersion: version - 1 }), 409, 'stale');
      const ok = await patch(t, signed.id, USERS.secretariat, { signedPlace: 'Kota Jambi', expectedVersion: version });
      expect(ok.status).toBe(200);
      expect(ok.body.signedPlace).toBe('Kota Jambi');
      expect(ok.body.version).toBe(version + 1);
    });

    it('honours Idempotency-Key: the same key and body change nothing twice; another body is 422', async () => {
      const key = { 'idempotency-key': `register-${Math.random()}` };
      const first = await patch(t, signed.id, USERS.secretariat, { opds: ['Dinas Kesehatan', 'RSUD Abdul Manap'] }, key);
      expect(first.status).toBe(200);
      const version = (await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version;
      const again = await patch(t, signed.id, USERS.secretariat, { opds: ['Dinas Kesehatan', 'RSUD Abdul Manap'] }, key);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect((await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body.version).toBe(version);
      expectError(await patch(t, signed.id, USERS.secretariat, { opds: ['Dinas Pendidikan'] }, key), 422);
    });
  });

  it('enters, at start, a case signed before the register existed (an upgraded installation), and only once', async () => {
    const c = await signedCase(t, { title: 'KB sebelum register' });
    await t.db.transaction((em) => em.delete(AGREEMENT, { id: c.id }));
    expectError(await t.get(`/api/agreements/${c.id}`, USERS.secretariat), 404);
    await t.restart();
    const res = await t.get(`/api/agreements/${c.id}`, USERS.secretariat);
    expect(res.body).toEqual(expect.objectContaining({ id: c.id, number: c.number, signedAt: '2026-03-12', source: 'workflow', status: 'in_force' }));
    await t.restart();
    expect(await t.db.read((em) => em.countBy(AGREEMENT, { id: c.id }))).toBe(1);
  });

  describe('visibility', () => {
    it('shows a proposer the agreements of their own cases only, as for cases', async () => {
      const theirs = await signedCase(t, { title: 'KB Dinas Pendidikan' }, USERS.proposer2);
      expectError(await t.get(`/api/agreements/${theirs.id}`, USERS.proposer), 404);
      expect((await t.get(`/api/agreements/${theirs.id}`, USERS.proposer2)).status).toBe(200);
      const mine = (await t.get('/api/agreements?limit=200', USERS.proposer)).body;
      expect(mine.items.map((a: any) => a.id)).not.toContain(theirs.id);
      expect(mine.items.every((a: any) => a.id !== theirs.id)).toBe(true);
      const staff = (await t.get('/api/agreements?limit=200', USERS.legal)).body;
      expect(staff.items.map((a: any) => a.id)).toContain(theirs.id);
      expect(staff.total).toBe(mine.total + 1);
      const exported = (await t.get('/api/agreements/export?format=json', USERS.proposer)).body;
      expect(exported.items.map((a: any) => a.id)).not.toContain(theirs.id);
    });
  });
});

describe('the register’s lists, status and exports', () => {
  let t: TestApp;
  const clock = new SettableClock();
  let service: AgreementsService;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    clock.set(new Date('2026-06-01T03:00:00Z'));
    t = await TestApp.start({}, { clock });
    service = t.app.get(AgreementsService);
    const health = await signedCase(t, { title: 'PKS layanan kesehatan', instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' }, validFrom: '2026-06-01', validUntil: '2026-08-15' });
    ids.health = health.id;
    expect((await patch(t, health.id, USERS.secretariat, { ...COMPLETE, signedPlace: '=HYPERLINK("http://x")', opds: ['@SUM(A1)', 'Dinas Kesehatan'] })).status).toBe(200);
    const school = await signedCase(t, { title: 'KB pendidikan vokasi', partner: { name: 'Kabupaten Muaro Jambi', category: 'region' }, validFrom: '2026-06-01', validUntil: '2031-05-31' });
    ids.school = school.id;
    expect((await patch(t, school.id, USERS.secretariat, { fields: ['pendidikan'], opds: ['Dinas Pendidikan'], signedAt: '2025-12-20' })).status).toBe(200);
    const ended = await signedCase(t, { title: 'KB pengelolaan sampah', validFrom: '2026-06-01', validUntil: '2028-01-01' });
    ids.ended = ended.id;
    expect((await terminate(t, ended.id, { comment: 'Kesepakatan bersama' })).status).toBe(201);
  });
  afterAll(() => t.stop());

  const listIds = async (query: string, as: TestUser = USERS.secretariat) => {
    const res = await t.get(`/api/agreements?${query}`, as);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(res.body.items.length);
    return res.body.items.map((a: any) => a.id).sort();
  };

  it('derives status from the term and the case, on the city’s calendar', async () => {
    expect(await listIds('status=in_force')).toEqual([ids.health, ids.school].sort());
    expect(await listIds('status=expiring')).toEqual([ids.health]);
    expect(await listIds('status=terminated')).toEqual([ids.ended]);
    expect(await listIds('status=expired')).toEqual([]);
    expect((await t.get(`/api/agreements/${ids.ended}`, USERS.secretariat)).body.status).toBe('terminated');

    clock.set(new Date('2026-08-15T16:30:00Z')); // 23:30 WIB on 15 August: the last day in force
    expect((await t.get(`/api/agreements/${ids.health}`, USERS.secretariat)).body.status).toBe('in_force');
    expect(await listIds('status=expiring')).toEqual([ids.health]);
    clock.set(new Date('2026-08-15T17:30:00Z')); // 00:30 WIB on 16 August (still 15 August in UTC)
    expect((await t.get(`/api/agreements/${ids.health}`, USERS.secretariat)).body.status).toBe('expired');
    expect(await listIds('status=expired')).toEqual([ids.health]);
    expect(await listIds('status=expiring')).toEqual([]);
    expect(await listIds('status=in_force')).toEqual([ids.school]);

    clock.set(new Date('2031-03-03T03:00:00Z')); // 89 days before 31 May 2031
    expect(await listIds('status=expiring')).toEqual([ids.school]);
    clock.set(new Date('2031-02-28T03:00:00Z')); // 92 days before
    expect(await listIds('status=expiring')).toEqual([]);
    clock.set(new Date('2026-06-01T03:00:00Z'));
  });

  it('filters by instrument, category, year signed, field, opd and q', async () => {
    expect(await listIds('instrument=pks')).toEqual([ids.health]);
    expect(await listIds('category=region')).toEqual([ids.ended, ids.school].sort());
    expect(await listIds('year=2025')).toEqual([ids.school]);
    expect(await listIds('year=2026')).toEqual([ids.ended, ids.health].sort());
    expect(await listIds('field=pendidikan')).toEqual([ids.school]);
    expect(await listIds('field=kesehat')).toEqual([]);
    expect(await listIds('opd=Dinas%20Kesehatan')).toEqual([ids.health]);
    expect(await listIds('q=bpjs')).toEqual([ids.health]);
    expect(await listIds('q=PKS%2F017')).toEqual([ids.health]);
    expect(await listIds('q=100%25')).toEqual([]);
    expect(await listIds('status=in_force&category=third_party&field=kesehatan')).toEqual([ids.health]);
  });

  it('pages like the case list, newest signed first', async () => {
    const first = (await t.get('/api/agreements?limit=2&offset=0', USERS.secretariat)).body;
    const second = (await t.get('/api/agreements?limit=2&offset=2', USERS.secretariat)).body;
    expect(first).toEqual(expect.objectContaining({ total: 3, limit: 2, offset: 0 }));
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(1);
    expect(second.items[0].id).toBe(ids.school); // signed 2025-12-20, the oldest
  });

  it('lists incomplete entries with what each lacks', async () => {
    const res = await t.get('/api/agreements?incomplete=true', USERS.secretariat);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.items.map((a: any) => [a.id, a.missing]));
    expect(Object.keys(byId).sort()).toEqual([ids.ended, ids.school].sort());
    expect(byId[ids.school]).toEqual(['partnerNumber', 'signedPlace', 'signatories']);
    expect(byId[ids.ended]).toEqual(['partnerNumber', 'signedPlace', 'signatories', 'fields', 'opds']);
    expect((await t.get('/api/agreements', USERS.secretariat)).body.items[0].missing).toBeUndefined();
    expect(await listIds('incomplete=false')).toHaveLength(3);
  });

  it.each([
    ['status=active', 'status'],
    ['instrument=mou', 'instrument'],
    ['category=ngo', 'category'],
    ['year=twenty', 'year'],
    ['limit=500', 'limit'],
    ['offset=-1', 'offset'],
    ['incomplete=yes', 'incomplete'],
    ['colour=red', 'colour'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    expectError(await t.get(`/api/agreements?${query}`, USERS.secretariat), 400, field);
  });

  it('exports JSON, CSV and XLSX filtered as the list is, cells safe from formulas', async () => {
    const json = await t.get('/api/agreements/export?format=json&status=in_force', USERS.auditor);
    expect(json.status).toBe(200);
    expect(json.headers['content-disposition']).toBe('attachment; filename="onegate-agreements-2026-06-01.json"');
    expect(json.body.items.map((a: any) => a.id).sort()).toEqual([ids.health, ids.school].sort());

    const csv = await t.get('/api/agreements/export?format=csv&instrument=pks', USERS.proposer);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('number,partner_number,title,instrument,partner_name,partner_category,partner_country,signed_at,signed_place,valid_from,valid_until,fields,opds,value_amount,status,value_currency,value_source,terminated_at,termination_grounds,signatories,source,id');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(lines[1]).toContain(`"'@SUM(A1); Dinas Kesehatan"`);
    expect(lines[1]).toContain(',250000000,in_force,IDR,');
    expect(lines[1]).not.toMatch(/(^|,)[=+\-@]/);

    const token = await t.token(USERS.secretariat);
    const xlsx = await t.app.inject({ method: 'GET', url: '/api/agreements/export?format=xlsx', headers: { authorization: `Bearer ${token}` } });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as never);
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(4);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 15)).toEqual(['number', 'partner_number', 'title', 'instrument', 'partner_name', 'partner_category', 'partner_country', 'signed_at', 'signed_place', 'valid_from', 'valid_until', 'fields', 'opds', 'value_amount', 'status']);
    const cells: unknown[] = [];
    sheet.eachRow((row) => row.eachCell((cell) => cells.push(cell.value)));
    expect(cells).toContain(`'=HYPERLINK("http://x")`);
    expect(cells).toContain(250000000);
    for (const v of cells) if (typeof v === 'string') expect(v).not.toMatch(/^[=+\-@\t\r]/);
    for (const v of cells) expect(typeof v === 'object' && v !== null && 'formula' in v).toBe(false);
  });

  it('refuses an export without a known format with 400 naming format', async () => {
    expectError(await t.get('/api/agreements/export', USERS.secretariat), 400, 'format');
    expectError(await t.get('/api/agreements/export?format=pdf', USERS.secretariat), 400, 'format');
  });

  it('lets the secretariat complete an ended agreement’s entry too, and the chain still verifies', async () => {
    const res = await patch(t, ids.ended, USERS.secretariat, { partnerNumber: 'KB/09/MJ/2026' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ partnerNumber: 'KB/09/MJ/2026', status: 'terminated' }));
    expect((await t.get(`/api/audit/verify?caseId=${ids.ended}`, USERS.auditor)).body.ok).toBe(true);
  });

  it('documents every register path in OpenAPI', async () => {
    const doc = (await t.get('/api/docs/openapi.json')).body;
    for (const path of ['/api/agreements', '/api/agreements/export', '/api/agreements/{id}', '/public/agreements', '/public/agreements.csv', '/public/catalog.json']) {
      expect([path, Boolean(doc.paths[path])]).toEqual([path, true]);
    }
    expect(doc.paths['/api/agreements/{id}'].patch).toBeDefined();
  });

  it('answers the service’s status against an injected clock', async () => {
    clock.set(new Date('2026-08-16T03:00:00Z'));
    expect(service.today()).toBe('2026-08-16');
    clock.set(new Date('2026-06-01T03:00:00Z'));
  });
});
