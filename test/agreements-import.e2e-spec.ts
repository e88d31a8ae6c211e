import { SettableClock } from '../src/common/clock.js';
import { AgreementsService } from '../src/agreements/agreements.service.js';
import type { ImportRow } from '../src/agreements/import-row.js';
import { DeadlinePlanner } from '../src/deadlines/deadline-planner.js';
import { TIMER } from '../src/database/entities.js';
import type { TimerRow } from '../src/database/rows.js';
import { expectError } from './support/expectations.js';
import { signedCase, terminate } from './support/agreements.js';
import { TestApp, USERS } from './support/test-app.js';
import { until } from './support/until.js';

const FILE = { name: 'register-2017.csv', sha256: 'a'.repeat(64) };
const SECRETARIAT = { id: USERS.secretariat.id, roles: [...USERS.secretariat.roles] };

function row(n: number, over: Partial<ImportRow> = {}): ImportRow {
  return {
    row: n + 1,
    number: `180/${String(n).padStart(4, '0')}/KS/2017`,
    partnerNumber: `PKS/${n}/2017`,
    title: `Perjanjian kerja sama ${n}`,
    instrument: 'pks',
    partner: { name: 'Politeknik Negeri Sriwijaya', category: 'third_party', country: null },
    signedAt: '2017-03-12',
    signedPlace: 'Jambi',
    validFrom: '2017-03-12',
    validUntil: '2027-03-11',
    fields: ['pendidikan'],
    opds: ['Dinas Pendidikan'],
    value: { amount: 150000000, currency: 'IDR', source: 'APBD' },
    status: null,
    ...over,
  };
}

/** The import's use case (AgreementsService.importRows) as the import endpoint calls it, on both backends. */
describe('importing legacy agreements into the register', () => {
  let t: TestApp;
  let service: AgreementsService;
  const clock = new SettableClock();

  beforeAll(async () => {
    clock.set(new Date('2026-12-07T03:00:00Z'));
    t = await TestApp.start({}, { clock });
    service = t.app.get(AgreementsService);
  });
  afterAll(() => t.stop());

  const total = async () => (await t.get('/api/agreements?limit=1', USERS.auditor)).body.total as number;

  it('counts on a dry run and writes nothing', async () => {
    const result = await service.importRows([row(1), row(2)], FILE, SECRETARIAT, { dryRun: true });
    expect(result).toEqual({ rows: 2, created: 2, skipped: 0, errors: [] });
    expect(await total()).toBe(0);
  });

  it('creates one agreement per new number, each a case with ONE IMPORTED event holding the file and its row', async () => {
    const rows = [
      row(1),
      row(2, { status: 'terminated' }),
      row(3, { validUntil: '2020-03-11' }),
      row(4, { status: 'expired', validUntil: '2030-01-01' }),
      row(5, { validFrom: null, validUntil: null, partnerNumber: null, value: null, fields: [], opds: [] }),
      row(1, { row: 99, title: 'Baris ganda' }),
    ];
    const result = await service.importRows(rows, FILE, SECRETARIAT, { dryRun: false });
    expect(result).toEqual({ rows: 6, created: 5, skipped: 1, errors: [] });
    const list = (await t.get('/api/agreements?q=180%2F0001', USERS.auditor)).body;
    expect(list.total).toBe(1);
    const a = list.items[0];
    expect(a).toEqual(
      expect.objectContaining({
        number: '180/0001/KS/2017',
        partnerNumber: 'PKS/1/2017',
        title: 'Perjanjian kerja sama 1',
        instrument: 'pks',
        partner: { name: 'Politeknik Negeri Sriwijaya', category: 'third_party', country: null },
        status: 'in_force',
        signedAt: '2017-03-12',
        signedPlace: 'Jambi',
        signatories: [],
        validFrom: '2017-03-12',
        validUntil: '2027-03-11',
        fields: ['pendidikan'],
        opds: ['Dinas Pendidikan'],
        value: { amount: 150000000, currency: 'IDR', source: 'APBD' },
        source: 'imported',
        parentId: null,
      }),
    );
    const c = (await t.get(`/api/cases/${a.id}`, USERS.auditor)).body;
    expect(c.number).toMatch(/^IMP-\d{6}$/);
    expect(c.version).toBe(1);
    expect(c.openTasks).toEqual([]);
    expect(c.signedAt).toBe('2017-03-11T17:00:00.000Z'); // 00:00 WIB on 12 March 2017
    const history = (await t.get(`/api/cases/${a.id}/history`, USERS.auditor)).body;
    expect(history).toHaveLength(1);
    expect(history[0]).toEqual(expect.objectContaining({ seq: 1, type: 'IMPORTED', stageBefore: null, stageAfter: c.stage, actor: SECRETARIAT }));
    expect(history[0].data.file).toEqual(FILE);
    expect(history[0].data.row).toEqual(row(1));

    const statusOf = async (n: number) => (await t.get(`/api/agreements?q=180%2F000${n}`, USERS.auditor)).body.items[0].status;
    expect(await statusOf(2)).toBe('terminated');
    expect(await statusOf(3)).toBe('expired');
    expect(await statusOf(4)).toBe('expired');
    expect(await statusOf(5)).toBe('in_force');
    const incomplete = (await t.get('/api/agreements?incomplete=true&q=180%2F0005', USERS.secretariat)).body.items[0];
    expect(incomplete.missing).toEqual(['partnerNumber', 'signatories', 'validFrom', 'validUntil', 'fields', 'opds']);
  });

  it('skips every number already in the register: the same file twice creates nothing twice', async () => {
    const before = await total();
    const again = await service.importRows([row(1), row(2), row(3), row(4), row(5)], FILE, SECRETARIAT, { dryRun: false });
    expect(again).toEqual({ rows: 5, created: 0, skipped: 5, errors: [] });
    expect(await total()).toBe(before);
  });

  it('passes verify and replay, and a later TERMINATE on an imported agreement replays too', async () => {
    const verify = (await t.get('/api/audit/verify', USERS.auditor)).body;
    expect(verify).toEqual(expect.objectContaining({ ok: true, problems: [] }));
    expect(verify.casesChecked).toBeGreaterThanOrEqual(5);
    const a = (await t.get('/api/agreements?q=180%2F0001', USERS.auditor)).body.items[0];
    expect((await t.get(`/api/cases/${a.id}/replay?seq=1`, USERS.auditor)).body).toEqual(expect.objectContaining({ seq: 1, matchesStored: true, openTasks: [] }));
    expect((await t.request('PATCH', `/api/agreements/${a.id}`, { as: USERS.secretariat, body: { signatories: [{ party: 'city', name: 'dr. H. Syarif Fasha', position: 'Wali Kota Jambi' }] } })).status).toBe(200);
    expect((await terminate(t, a.id, { grounds: 'breach', comment: 'Wanprestasi' })).status).toBe(201);
    expect((await t.get(`/api/agreements/${a.id}`, USERS.auditor)).body.status).toBe('terminated');
    // IMPORTED, REGISTER_UPDATED, DOCUMENT_UPLOADED (the letter), TERMINATE.
    const replay = (await t.get(`/api/cases/${a.id}/replay?seq=4`, USERS.auditor)).body;
    expect(replay).toEqual(expect.objectContaining({ seq: 4, stage: 'terminated', matchesStored: true }));
    expect((await t.get(`/api/audit/verify?caseId=${a.id}`, USERS.auditor)).body.ok).toBe(true);
  });

  it('plans an imported agreement’s expiry and only the reminders still ahead; none for an ended one', async () => {
    const a = (await t.get('/api/agreements?q=180%2F0005', USERS.auditor)).body.items[0];
    expect((await t.db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: a.id })))).toEqual([]);
    const b = (await t.get('/api/agreements?q=180%2F0003', USERS.auditor)).body.items[0];
    expect((await t.db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: b.id })))).toEqual([]);
    const soon = await service.importRows([row(50, { validUntil: '2026-12-27' })], FILE, SECRETARIAT, { dryRun: false });
    expect(soon.created).toBe(1);
    const c = (await t.get('/api/agreements?q=180%2F0050', USERS.auditor)).body.items[0];
    const timers = await t.db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: c.id }));
    // 20 days left: the 90-, 60- and 30-day reminders are past and never sent; 7 and 0 days ahead, and the expiry.
    expect(timers.map((x) => `${x.kind}:${x.idx}`).sort()).toEqual(['expire:0', 'expiry_reminder:0', 'expiry_reminder:7']);
    expect(timers.every((x) => x.status === 'pending' && x.fireAt.getTime() > clock.now().getTime())).toBe(true);
    // When its term passes, the imported agreement expires like a signed one: its case takes EXPIRE, the chain still whole.
    // (On Redis a BullMQ worker runs what the clock made due: awaited with `until`.)
    try {
      await t.advance(14 * 86_400_000); // 21 December: the 7-day reminder has gone out
      const reminders = async () => (await t.get(`/api/cases/${c.id}/notifications`, USERS.auditor)).body.filter((m: any) => m.kind === 'expiry_reminder').length;
      expect(await until(reminders, (n) => n > 0)).toBeGreaterThan(0);
      await t.advance(7 * 86_400_000); // 28 December: past 27 December, the last day in force
      const history = async () => (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body.map((e: any) => e.type);
      expect(await until(history, (h) => h.length === 2)).toEqual(['IMPORTED', 'EXPIRE']);
      expect((await t.get(`/api/agreements/${c.id}`, USERS.auditor)).body.status).toBe('expired');
      expect((await t.get(`/api/audit/verify?caseId=${c.id}`, USERS.auditor)).body.ok).toBe(true);
    } finally {
      clock.set(new Date('2026-12-07T03:00:00Z'));
    }
  });

  it('refuses rows the register cannot hold, naming row and column, and creates nothing', async () => {
    const before = await total();
    const result = await service.importRows(
      [
        row(60),
        row(61, { instrument: 'mou' }),
        row(62, { partner: { name: ' ', category: 'ngo', country: null } }),
        row(63, { validFrom: '2020-01-01', validUntil: '2019-01-01', signedAt: '2017-02-30' }),
        row(64, { value: { amount: -5, currency: 'Rp', source: null } }),
        row(65, { number: '' }),
      ],
      FILE,
      SECRETARIAT,
      { dryRun: false },
    );
    expect(result.created).toBe(0);
    expect(result.errors).toEqual([
      { row: 62, column: 'instrument', message: expect.any(String) },
      { row: 63, column: 'partner_name', message: expect.any(String) },
      { row: 63, column: 'partner_category', message: expect.any(String) },
      { row: 64, column: 'signed_at', message: expect.any(String) },
      { row: 64, column: 'valid_until', message: expect.any(String) },
      { row: 65, column: 'value_amount', message: expect.any(String) },
      { row: 65, column: 'value_currency', message: expect.any(String) },
      { row: 66, column: 'number', message: expect.any(String) },
    ]);
    expect(await total()).toBe(before);
    expect((await t.get('/api/agreements?q=180%2F0060', USERS.auditor)).body.total).toBe(0);
  });

  it('writes nothing of a batch when any part of it fails', async () => {
    const before = await total();
    const cases = (await t.get('/api/cases?limit=1', USERS.auditor)).body.total;
    const planner = t.app.get(DeadlinePlanner);
    let calls = 0;
    const spy = jest.spyOn(planner, 'planAgreementExpiry').mockImplementation(() => {
      if (++calls === 3) throw new Error('disk full');
      return [];
    });
    try {
      await expect(service.importRows([row(70), row(71), row(72), row(73)], FILE, SECRETARIAT, { dryRun: false })).rejects.toThrow('disk full');
    } finally {
      spy.mockRestore();
    }
    expect(await total()).toBe(before);
    expect((await t.get('/api/cases?limit=1', USERS.auditor)).body.total).toBe(cases);
  });

  it('takes a batch larger than one INSERT statement, and the import is numbered on', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => row(1000 + i, { status: i % 3 === 0 ? 'expired' : null }));
    const result = await service.importRows(rows, FILE, SECRETARIAT, { dryRun: false });
    expect(result).toEqual({ rows: 1200, created: 1200, skipped: 0, errors: [] });
    const numbers = new Set((await t.get('/api/agreements/export?format=json', USERS.auditor)).body.items.map((a: any) => a.number));
    for (const r of rows) expect(numbers.has(r.number)).toBe(true);
    expect((await t.get('/api/audit/verify', USERS.auditor)).body.ok).toBe(true);
  });

  it('creates each number once when the same file is imported twice at the same moment', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(5000 + i));
    const [a, b] = await Promise.all([service.importRows(rows, FILE, SECRETARIAT, { dryRun: false }), service.importRows(rows, FILE, SECRETARIAT, { dryRun: false })]);
    expect([a.created + b.created, a.skipped + b.skipped]).toEqual([30, 30]);
    const numbers = (await t.get('/api/agreements/export?format=json&q=%2F5', USERS.auditor)).body.items.map((x: any) => x.number).filter((n: string) => rows.some((r) => r.number === n));
    expect(numbers.sort()).toEqual(rows.map((r) => r.number).sort());
  });

  it('lets no one but the secretariat change an imported entry', async () => {
    const a = (await t.get('/api/agreements?q=180%2F0005', USERS.auditor)).body.items[0];
    expectError(await t.request('PATCH', `/api/agreements/${a.id}`, { as: USERS.admin, body: { fields: ['kesehatan'] } }), 403);
  });

  it("takes the scanned signed copy of an imported agreement afterwards, from the secretariat, on the case's chain", async () => {
    const a = (await t.get('/api/agreements?q=180%2F0005', USERS.auditor)).body.items[0];
    const before = (await t.get(`/api/cases/${a.id}`, USERS.auditor)).body;
    const up = await t.upload(a.id, USERS.secretariat, 'signed');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ kind: 'signed', version: 1, mediaType: 'application/pdf', uploadedBy: USERS.secretariat.id });
    // A second scan is the next version; the stage does not move.
    expect((await t.upload(a.id, USERS.secretariat, 'signed')).body.version).toBe(2);
    const after = (await t.get(`/api/cases/${a.id}`, USERS.auditor)).body;
    expect([after.stage, after.version]).toEqual([before.stage, before.version + 2]);
    const history = (await t.get(`/api/cases/${a.id}/history`, USERS.auditor)).body;
    expect(history.map((e: any) => e.type)).toEqual(['IMPORTED', 'DOCUMENT_UPLOADED', 'DOCUMENT_UPLOADED']);
    expect(history[1].data.document).toMatchObject({ kind: 'signed', sha256: up.body.sha256 });
    expect(history[1].data.event).toBeUndefined();
    const docs = (await t.get(`/api/cases/${a.id}/documents`, USERS.auditor)).body;
    expect(docs.map((d: any) => [d.kind, d.version])).toEqual([
      ['signed', 1],
      ['signed', 2],
    ]);
    const replay = (await t.get(`/api/cases/${a.id}/replay?seq=3`, USERS.auditor)).body;
    expect(replay).toMatchObject({ stage: before.stage, matchesStored: true });
    expect((await t.get('/api/audit/verify', USERS.auditor)).body.ok).toBe(true);
    // Only the secretariat, only a scan or other papers; nothing written when refused.
    expectError(await t.upload(a.id, USERS.legal, 'signed'), 403);
    expectError(await t.upload(a.id, USERS.secretariat, 'draft_pks'), 409);
    expect((await t.get(`/api/cases/${a.id}`, USERS.auditor)).body.version).toBe(before.version + 2);
  });

  it('takes from the secretariat only the papers of an agreement in force on a signed case that ran the procedure (the register says so)', async () => {
    const c = await signedCase(t);
    expect(c.stage).toBe('signed');
    // Its version's stage rules end at signing; life after signing is the register's (contract §10).
    expect((await t.upload(c.id, USERS.secretariat, 'other')).status).toBe(201);
    expectError(await t.upload(c.id, USERS.secretariat, 'signed'), 409, 'termination_letter, other');
    expectError(await t.upload(c.id, USERS.mayor, 'other'), 403);
  });

  it('reads a chunked source twice to import (check, then write in the transaction), once for a dry run, holding no more than a chunk', async () => {
    const rows = Array.from({ length: 1_100 }, (_, i) => row(8000 + i));
    let readings = 0;
    let largest = 0;
    const source = async (onRows: (chunk: ImportRow[]) => Promise<void>) => {
      readings++;
      for (let i = 0; i < rows.length; i += 400) {
        const chunk = rows.slice(i, i + 400);
        largest = Math.max(largest, chunk.length);
        await onRows(chunk);
      }
    };
    expect(await service.importFrom(source, FILE, SECRETARIAT, { dryRun: true })).toEqual({ rows: 1_100, created: 1_100, skipped: 0, errors: [] });
    expect(readings).toBe(1);
    const before = await total();
    expect(await service.importFrom(source, FILE, SECRETARIAT, { dryRun: false })).toEqual({ rows: 1_100, created: 1_100, skipped: 0, errors: [] });
    expect([readings, largest]).toEqual([3, 400]);
    expect(await total()).toBe(before + 1_100);
    // Again: every number is in the register now; checked, nothing written, the source read once more.
    expect(await service.importFrom(source, FILE, SECRETARIAT, { dryRun: false })).toEqual({ rows: 1_100, created: 0, skipped: 1_100, errors: [] });
    expect(readings).toBe(4);
    expect((await t.get('/api/audit/verify', USERS.auditor)).body.ok).toBe(true);
  });
});
