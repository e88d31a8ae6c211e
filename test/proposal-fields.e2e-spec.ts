import { expectError } from './support/expectations.js';
import { findWorkflow } from '../workflows/registry.js';
import { SIGNING, signedCase } from './support/agreements.js';
import { TestApp, USERS } from './support/test-app.js';

/** A structured proposal (issue 19): what the register needs later is asked once, in the proposal, and carried to the register at signing. */
describe('structured proposals', () => {
  let t: TestApp;

  const PROPOSAL = {
    title: 'PKS layanan kesehatan',
    instrument: 'pks',
    partner: { name: 'BPJS Kesehatan', category: 'third_party', contact: { name: ' Ir. Budi Santoso ', email: 'budi@bpjs-kesehatan.go.id', phone: '+62 741 123456' } },
    fields: ['kesehatan', ' kesehatan', 'sosial'],
    opds: ['Dinas Kesehatan', 'RSUD H. Abdul Manap'],
    value: { amount: 250000000, currency: 'IDR', source: 'APBD Kota Jambi 2027' },
    validFrom: '2027-01-01',
    validUntil: '2029-12-31',
  };

  beforeAll(async () => {
    t = await TestApp.start();
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('keeps the urusan, OPDs, value, term and the partner’s contact with the case and shows them on it', async () => {
    const c = await t.createCase(PROPOSAL, USERS.proposer, { documents: false });
    expect(c).toMatchObject({
      partner: { name: 'BPJS Kesehatan', category: 'third_party', country: null, contact: { name: 'Ir. Budi Santoso', email: 'budi@bpjs-kesehatan.go.id', phone: '+62 741 123456' } },
      fields: ['kesehatan', 'sosial'],
      opds: ['Dinas Kesehatan', 'RSUD H. Abdul Manap'],
      value: { amount: 250000000, currency: 'IDR', source: 'APBD Kota Jambi 2027' },
      validFrom: '2027-01-01',
      validUntil: '2029-12-31',
    });
    // Recorded in the case's first event, on its chain.
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
    expect(history[0].data.case.proposal).toEqual({ fields: c.fields, opds: c.opds, value: c.value, contact: c.partner.contact });
    // The list shows them too.
    const list = (await t.get(`/api/cases?q=${encodeURIComponent('PKS layanan kesehatan')}`, USERS.secretariat)).body.items;
    expect(list.find((x: any) => x.id === c.id)).toMatchObject({ fields: ['kesehatan', 'sosial'], partner: { contact: { email: 'budi@bpjs-kesehatan.go.id' } } });
  });

  it('leaves them empty for a proposal that gives none, and a phone is optional', async () => {
    const plain = await t.createCase({}, USERS.proposer, { documents: false });
    expect(plain).toMatchObject({ fields: [], opds: [], value: null, partner: { contact: null } });
    const noPhone = await t.createCase({ partner: { name: 'Kabupaten Muaro Jambi', category: 'region', contact: { name: 'Sekda Muaro Jambi', email: 'sekda@muarojambikab.go.id' } } }, USERS.proposer, { documents: false });
    expect(noPhone.partner.contact).toEqual({ name: 'Sekda Muaro Jambi', email: 'sekda@muarojambikab.go.id', phone: null });
  });

  it.each([
    ['fields', { fields: 'kesehatan' }],
    ['fields', { fields: ['  '] }],
    ['fields', { fields: ['x'.repeat(101)] }],
    ['opds', { opds: [42] }],
    ['opds', { opds: Array.from({ length: 51 }, (_, i) => `OPD ${i}`) }],
    ['value', { value: 250000000 }],
    ['value.amount', { value: { amount: -1, currency: 'IDR' } }],
    ['value.amount', { value: { amount: '250jt', currency: 'IDR' } }],
    ['value.currency', { value: { amount: 1, currency: 'rupiah' } }],
    ['partner.contact', { partner: { name: 'BPJS', category: 'third_party', contact: 'budi@bpjs.go.id' } }],
    ['partner.contact.name', { partner: { name: 'BPJS', category: 'third_party', contact: { name: ' ', email: 'budi@bpjs.go.id' } } }],
    ['partner.contact.email', { partner: { name: 'BPJS', category: 'third_party', contact: { name: 'Budi', email: 'not-an-email' } } }],
    ['partner.contact.email', { partner: { name: 'BPJS', category: 'third_party', contact: { name: 'Budi' } } }],
    ['partner.contact.phone', { partner: { name: 'BPJS', category: 'third_party', contact: { name: 'Budi', email: 'budi@bpjs.go.id', phone: 'call me' } } }],
    ['partner.contact.fax', { partner: { name: 'BPJS', category: 'third_party', contact: { name: 'Budi', email: 'budi@bpjs.go.id', fax: '1' } } }],
  ])('refuses a bad %s with a 400 naming it', async (field, extra) => {
    const res = await t.post('/api/cases', USERS.proposer, { title: 'PKS', instrument: 'pks', partner: { name: 'BPJS', category: 'third_party' }, ...extra });
    expectError(res, 400, field);
  });

  it('refuses them with amends: an addendum changes the agreement through changes', async () => {
    const signed = await signedCase(t, { title: 'PKS lama', instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' } });
    const res = await t.post('/api/cases', USERS.proposer, { title: 'Adendum', amends: signed.id, changes: { validUntil: '2031-12-31' }, fields: ['kesehatan'] });
    expectError(res, 400, 'fields');
  });

  it('fills the register entry from the proposal when the case is signed; PATCH still changes it', async () => {
    const signed = await signedCase(t, PROPOSAL);
    expect(signed.stage).toBe('signed');
    const entry = (await t.get(`/api/agreements/${signed.id}`, USERS.secretariat)).body;
    expect(entry).toMatchObject({
      fields: ['kesehatan', 'sosial'],
      opds: ['Dinas Kesehatan', 'RSUD H. Abdul Manap'],
      value: { amount: 250000000, currency: 'IDR', source: 'APBD Kota Jambi 2027' },
      validFrom: '2027-01-01',
      validUntil: '2029-12-31',
    });
    const patched = await t.request('PATCH', `/api/agreements/${signed.id}`, { as: USERS.secretariat, body: { opds: ['Dinas Kesehatan'], value: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ fields: ['kesehatan', 'sosial'], opds: ['Dinas Kesehatan'], value: null });
    // The case keeps what was proposed.
    expect((await t.get(`/api/cases/${signed.id}`, USERS.auditor)).body).toMatchObject({ opds: ['Dinas Kesehatan', 'RSUD H. Abdul Manap'], value: { amount: 250000000 } });
    expect((await t.get(`/api/audit/verify?caseId=${signed.id}`, USERS.auditor)).body).toMatchObject({ ok: true });
  });

  it("carries the contact into a renewal, whose register entry takes the agreement's fields as they stand", async () => {
    const old = await signedCase(t, { ...PROPOSAL, title: 'PKS yang diperpanjang' });
    expect((await t.request('PATCH', `/api/agreements/${old.id}`, { as: USERS.secretariat, body: { fields: ['kesehatan'] } })).status).toBe(200);
    const res = await t.post(`/api/agreements/${old.id}/renew`, USERS.proposer, { validFrom: '2030-01-01', validUntil: '2032-12-31' });
    expect(res.status).toBe(201);
    const renewal = res.body;
    expect(renewal).toMatchObject({ kind: 'renewal', fields: [], opds: [], value: null, partner: { contact: { name: 'Ir. Budi Santoso', email: 'budi@bpjs-kesehatan.go.id' } } });
    const w = findWorkflow(renewal.workflow.name, renewal.workflow.version)!;
    for (const kind of w.documents!.requiredForSubmit(renewal.instrument, renewal.partner.category)) expect((await t.upload(renewal.id, USERS.proposer, kind)).status).toBe(201);
    expect((await t.post(`/api/cases/${renewal.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    for (const [user, decision] of SIGNING) expect((await t.decide(renewal.id, user, decision)).status).toBe(200);
    expect((await t.get(`/api/agreements/${renewal.id}`, USERS.secretariat)).body).toMatchObject({ fields: ['kesehatan'], opds: PROPOSAL.opds, value: PROPOSAL.value });
  });

  it('enters a case proposed without them with an empty entry, as before', async () => {
    const signed = await signedCase(t, { title: 'PKS tanpa rincian', instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' } });
    expect((await t.get(`/api/agreements/${signed.id}`, USERS.secretariat)).body).toMatchObject({ fields: [], opds: [], value: null });
  });
});
