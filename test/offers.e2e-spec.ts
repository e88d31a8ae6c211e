import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { SettableClock } from '../src/common/clock.js';
import { OFFER } from '../src/database/entities.js';
import type { OfferRow } from '../src/database/rows.js';
import { expectError } from './support/expectations.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp, USERS, samplePdf, type Response } from './support/test-app.js';
import { settleAll } from './support/settled.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const backend = onPostgres ? 'PostgreSQL' : 'embedded SQLite';

/** A tiny PNG: a typed upload that is not a PDF. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

type Part = { name: string; value: string } | { name: string; filename: string; bytes: Buffer; contentType?: string };

/** A multipart/form-data request to the app, as a browser's form would send it, from `ip`. */
async function multipart(t: TestApp, url: string, parts: Part[], ip = '127.0.0.1'): Promise<Response> {
  const boundary = `----offer${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ('bytes' in p) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.contentType ?? 'application/pdf'}\r\n\r\n`), p.bytes, Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n`), Buffer.from(p.value, 'utf8'), Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const res = await t.app.inject({ method: 'POST', url, remoteAddress: ip, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(chunks) });
  let body: any = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    /* not JSON */
  }
  return { status: res.statusCode, body, headers: res.headers, text: res.body };
}

let seq = 0;
/** The form's fields of a third party's offer; `over` replaces (undefined: leaves out) any of them. */
function fields(over: Record<string, string | undefined> = {}): Part[] {
  const n = ++seq;
  const base: Record<string, string | undefined> = {
    partnerName: 'PT Air Jambi Lestari',
    category: 'third_party',
    contactName: 'Budi Santoso',
    contactEmail: `budi.${n}@airjambi.co.id`,
    contactPhone: '+62 812 7400 1234',
    title: `Penawaran pengelolaan air bersih ${n} ${Math.random().toString(36).slice(2, 8)}`,
    instrument: 'pks',
    summary: 'Kami menawarkan kerja sama pengelolaan air bersih di Kota Jambi.',
    ...over,
  };
  return Object.entries(base)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([name, value]) => ({ name, value }));
}
const files = (): Part[] => [
  { name: 'profile', filename: 'profil.pdf', bytes: samplePdf(`profil ${Math.random()}`) },
  { name: 'legal', filename: 'akta.pdf', bytes: samplePdf(`akta ${Math.random()}`) },
];
const value = (parts: Part[], name: string) => (parts.find((p) => p.name === name) as { value: string }).value;

describe(`partners' offers through /public/offers (${backend})`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let log = '';
  const clock = new SettableClock();
  /** Every tracking code handed out in this suite: none may be found in a table or the log. */
  const codes: string[] = [];

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    clock.set(new Date());
    t = await TestApp.start({ smtpUrl: smtp.url, smtpTimeoutMs: 3000 }, { log: { level: 'debug', destination }, clock });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  const settled = () => settleAll(t, clock, { runDue: 'before' });

  /** Submits an offer; returns its code, its case (as the secretariat sees it) and its contact's address. */
  async function submit(over: Record<string, string | undefined> = {}, attach: Part[] = files()) {
    const form = fields(over);
    const res = await multipart(t, '/public/offers', [...form, ...attach]);
    expect(res.status).toBe(202);
    const code: string = res.body.trackingCode;
    codes.push(code);
    const title = value(form, 'title');
    const c = (await t.get(`/api/cases?q=${encodeURIComponent(title)}`, USERS.secretariat)).body.items[0];
    const offer = await t.db.read((em) => em.findOneByOrFail<OfferRow>(OFFER, { caseId: c.id }));
    return { code, case: c, email: value(form, 'contactEmail'), title, offer, partnerId: `partner:${offer.id}`, taskId: c.openTasks[0]?.id as string };
  }
  const track = (code: string) => t.get(`/public/offers/${code}`);
  const complete = (taskId: string, body: Record<string, unknown>) => t.post(`/api/tasks/${taskId}/complete`, USERS.secretariat, body);
  const mailsTo = (address: string) => smtp.received.filter((m) => m.to.some((x) => x.includes(address)));

  it('takes an offer: 202 with a 256-bit code, a case at intake begun by partner:<offer>, its papers, and the acknowledgement with the link', async () => {
    const o = await submit();
    expect(o.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(o.code, 'base64url')).toHaveLength(32);
    const c = (await t.get(`/api/cases/${o.case.id}`, USERS.secretariat)).body;
    expect(c).toMatchObject({ stage: 'intake', initiative: 'partner', proposerId: o.partnerId, partner: { name: 'PT Air Jambi Lestari', category: 'third_party', contact: { name: 'Budi Santoso', email: o.email } } });
    expect(o.offer.codeHash).toBe(createHash('sha256').update(o.code).digest('hex'));
    const history = (await t.get(`/api/cases/${o.case.id}/history`, USERS.auditor)).body;
    expect(history.map((e: any) => `${e.type} ${e.actor.id}`)).toEqual([`CASE_CREATED ${o.partnerId}`, `DOCUMENT_UPLOADED ${o.partnerId}`, `DOCUMENT_UPLOADED ${o.partnerId}`]);
    const docs = (await t.get(`/api/cases/${o.case.id}/documents`, USERS.secretariat)).body;
    expect(docs.map((d: any) => `${d.kind} ${d.mediaType}`).sort()).toEqual(['partner_legal application/pdf', 'partner_profile application/pdf']);

    await settled();
    const [ack, ...more] = mailsTo(o.email);
    expect(more).toEqual([]);
    expect(ack!.subject).toContain(`Penawaran diterima: ${c.number}`);
    expect(ack!.text).toContain(`Yth. Budi Santoso,`);
    expect(ack!.text).toContain(`Berkas: ${c.number} — ${o.title}`);
    expect(ack!.text).toContain(`http://onegate.test/offers/${o.code}`);
    expect(ack!.text).toContain('Tahap: Penerimaan penawaran mitra');
    // When, as a clerk writes it: a local date and time, never ISO.
    expect(ack!.text).toMatch(/telah kami terima pada \p{L}+, \d{1,2} \p{L}+ \d{4} pukul \d{2}\.\d{2} WIB dengan nomor/u);
    expect(ack!.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const notes = (await t.get(`/api/cases/${o.case.id}/notifications`, USERS.auditor)).body;
    expect(notes).toEqual([expect.objectContaining({ kind: 'offer_received', to: o.email, recipientId: o.partnerId, status: 'sent' })]);
  });

  it('shows the partner its number, title, public stage and own uploads, and nothing else', async () => {
    const o = await submit();
    const res = await track(o.code);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['canReply', 'canUpload', 'documents', 'number', 'requests', 'status', 'submittedAt', 'title']);
    expect(res.body).toMatchObject({ number: o.case.number, title: o.title, status: 'received', requests: [], canReply: false, canUpload: true });
    expect(res.body.documents.map((d: any) => d.kind).sort()).toEqual(['partner_legal', 'partner_profile']);
    expect(Object.keys(res.body.documents[0]).sort()).toEqual(['kind', 'name', 'size', 'uploadedAt']);
    // No ids, no staff, no internal stage, no contact.
    for (const hidden of [o.case.id, o.offer.id, 'partner:', 'intake', 'secretariat', o.email, USERS.secretariat.id]) expect(res.text).not.toContain(hidden);
    // An upload by the secretariat on the case is not the partner's.
    expect((await t.upload(o.case.id, USERS.secretariat, 'partner_attachment')).status).toBe(201);
    expect((await track(o.code)).body.documents).toHaveLength(2);
  });

  it('revise: the partner is mailed the comment, sees the request, uploads and replies, and the offer is back at intake', async () => {
    const o = await submit();
    await settled();
    const asked = await complete(o.taskId, { decision: 'revise', comment: 'Mohon lengkapi akta perubahan terakhir' });
    expect(asked.status).toBe(200);
    await settled();
    const mail = mailsTo(o.email).find((m) => m.subject.includes('Mohon dilengkapi'));
    expect(mail).toBeDefined();
    expect(mail!.subject).toContain(o.case.number);
    expect(mail!.text).toContain('“Mohon lengkapi akta perubahan terakhir”');
    expect(mail!.text).toContain(`Berkas: ${o.case.number} — ${o.title}`);
    expect(mail!.text).not.toMatch(/\/cases\//);
    const page = (await track(o.code)).body;
    expect(page).toMatchObject({ status: 'awaiting_partner', canReply: true, canUpload: true, requests: [{ comment: 'Mohon lengkapi akta perubahan terakhir', answered: false }] });

    const up = await multipart(t, `/public/offers/${o.code}/documents`, [{ name: 'file', filename: 'akta-perubahan.pdf', bytes: samplePdf(`perubahan ${Math.random()}`) }]);
    expect(up.status).toBe(201);
    expect(up.body.documents.map((d: any) => d.kind)).toContain('partner_attachment');
    const replied = await t.post(`/public/offers/${o.code}/reply`, undefined, { comment: 'Akta perubahan sudah kami unggah' });
    expect(replied.status).toBe(200);
    expect(replied.body).toMatchObject({ status: 'received', canReply: false, requests: [{ answered: true }] });
    const c = (await t.get(`/api/cases/${o.case.id}`, USERS.secretariat)).body;
    expect(c.stage).toBe('intake');
    const history = (await t.get(`/api/cases/${o.case.id}/history`, USERS.auditor)).body;
    expect(history.slice(-2).map((e: any) => `${e.type} ${e.actor.id}`)).toEqual([`DOCUMENT_UPLOADED ${o.partnerId}`, `PARTNER_REPLY ${o.partnerId}`]);
    expect(history.at(-1).data.comment).toBe('Akta perubahan sudah kami unggah');
    // A second reply is not awaited: 409.
    expectError(await t.post(`/public/offers/${o.code}/reply`, undefined, { comment: 'Sekali lagi' }), 409);
    // The secretariat's inbox groups it with the offers, after the other work.
    const other = await t.createCase({});
    expect((await t.post(`/api/cases/${other.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    const inbox = (await t.get('/api/tasks', USERS.secretariat)).body.items;
    const mine = inbox.find((x: any) => x.caseId === o.case.id);
    expect(mine).toMatchObject({ stage: 'intake', group: 'offers' });
    const work = inbox.find((x: any) => x.caseId === other.id);
    expect(work.group).toBeUndefined();
    const firstOffer = inbox.findIndex((x: any) => x.group === 'offers');
    expect(inbox.slice(firstOffer).every((x: any) => x.group === 'offers')).toBe(true);
    expect(inbox.indexOf(work)).toBeLessThan(firstOffer);
    // A page with no room left for offers still counts them, and a page with room takes them after the work.
    const all = (await t.get('/api/tasks', USERS.secretariat)).body;
    const work1 = (await t.get(`/api/tasks?limit=${firstOffer}`, USERS.secretariat)).body;
    expect(work1.items.some((x: any) => x.group === 'offers')).toBe(false);
    expect(work1.total).toBe(all.total);
    const withOne = (await t.get(`/api/tasks?limit=${firstOffer + 1}`, USERS.secretariat)).body;
    expect(withOne.items.at(-1)).toMatchObject({ group: 'offers' });
    expect(withOne.total).toBe(all.total);
  });

  it('approve with an assignee: the OPD carries it on; the partner sees it in process and can add nothing more', async () => {
    const o = await submit();
    const res = await complete(o.taskId, { decision: 'approve', assignee: USERS.proposer2.id });
    expect(res.body.case).toMatchObject({ stage: 'proposal', proposerId: USERS.proposer2.id });
    expect((await t.get(`/api/cases/${o.case.id}`, USERS.proposer2)).body.stage).toBe('proposal');
    const page = (await track(o.code)).body;
    expect(page).toMatchObject({ status: 'in_process', canReply: false, canUpload: false });
    expect(page.documents).toHaveLength(2);
    expectError(await multipart(t, `/public/offers/${o.code}/documents`, [{ name: 'file', filename: 'x.pdf', bytes: samplePdf('x') }]), 409);
    expectError(await t.post(`/public/offers/${o.code}/reply`, undefined, { comment: 'Halo' }), 409);
    expect((await t.upload(o.case.id, USERS.proposer2, 'kak')).status).toBe(201);
  });

  it('reject: the partner is mailed the reason quoted', async () => {
    const o = await submit();
    const res = await complete(o.taskId, { decision: 'reject', comment: 'Bidang usaha tidak sesuai kebutuhan daerah' });
    expect(res.body.case.stage).toBe('rejected');
    await settled();
    const mail = mailsTo(o.email).find((m) => m.subject.includes('tidak dilanjutkan'));
    expect(mail).toBeDefined();
    expect(mail!.subject).toContain(o.case.number);
    expect(mail!.text).toContain('Alasan: “Bidang usaha tidak sesuai kebutuhan daerah”');
    expect((await track(o.code)).body).toMatchObject({ status: 'rejected', canReply: false, canUpload: false });
    const kinds = (await t.get(`/api/cases/${o.case.id}/notifications`, USERS.auditor)).body.map((n: any) => `${n.kind} → ${n.to}`);
    expect(kinds).toContain(`offer_rejected → ${o.email}`);
  });

  it('spam: closed with no mail beyond the acknowledgement', async () => {
    const o = await submit();
    await settled();
    expect((await complete(o.taskId, { decision: 'spam' })).body.case.stage).toBe('spam');
    await settled();
    expect(mailsTo(o.email).map((m) => m.subject)).toEqual([expect.stringContaining('Penawaran diterima')]);
    expect((await t.get(`/api/cases/${o.case.id}/notifications`, USERS.auditor)).body.map((n: any) => n.kind)).toEqual(['offer_received']);
    expect((await track(o.code)).body.status).toBe('closed');
  });

  it('answers 404 revealing nothing for any other code, on every route', async () => {
    const o = await submit();
    const other = Buffer.alloc(32, 7).toString('base64url');
    const flipped = (o.code[0] === 'A' ? 'B' : 'A') + o.code.slice(1);
    const answers: Response[] = [];
    for (const code of [other, flipped, o.code.slice(0, 20), `${o.code}x`, 'abc']) {
      answers.push(await track(code));
      answers.push(await t.post(`/public/offers/${code}/reply`, undefined, { comment: 'x' }));
      answers.push(await multipart(t, `/public/offers/${code}/documents`, [{ name: 'file', filename: 'x.pdf', bytes: samplePdf('x') }]));
    }
    for (const a of answers) {
      expectError(a, 404);
      expect(a.body.message).toBe('no such offer');
    }
  });

  it('refuses bad forms with a 4xx naming the field, writing nothing', async () => {
    const count = async () => (await t.get('/api/cases?limit=1', USERS.auditor)).body.total;
    const before = await count();
    const cases: [Part[], number, string][] = [
      [[...fields(), files()[0]!], 400, 'legal'],
      [fields(), 400, 'profile'],
      [[...fields(), ...files(), { name: 'extra', value: 'x' }], 400, 'extra'],
      [[...fields(), ...files(), { name: 'other', filename: 'x.pdf', bytes: samplePdf('o') }], 400, 'other'],
      [[...fields({ title: 'Judul\u0000tersembunyi' }), ...files()], 400, 'title'],
      [[...fields({ category: 'company' }), ...files()], 400, 'category'],
      [[...fields({ contactEmail: 'bukan-surel' }), ...files()], 400, 'contactEmail'],
      [[...fields({ contactPhone: 'telepon' }), ...files()], 400, 'contactPhone'],
      [[...fields({ title: '\u200b ' }), ...files()], 400, 'title'],
      [[...fields({ summary: undefined }), ...files()], 400, 'summary'],
      [[...fields({ instrument: 'nk' }), ...files()], 400, 'instrument'],
      [[...fields({ category: 'foreign' }), ...files()], 400, 'country'],
      [[...fields({ title: 'x'.repeat(301) }), ...files()], 400, 'title'],
      [[...fields(), { name: 'title', value: 'dua kali' }, ...files()], 400, 'title'],
      [[...fields(), files()[0]!, { name: 'legal', filename: 'akta.png', bytes: PNG, contentType: 'image/png' }], 415, 'legal'],
      [[...fields(), files()[0]!, { name: 'legal', filename: 'akta.pdf', bytes: Buffer.from('not a pdf at all') }], 415, 'legal'],
      [[...fields(), files()[0]!, { name: 'legal', filename: 'akta.pdf', bytes: Buffer.alloc(0) }], 400, 'legal'],
    ];
    for (const [parts, status, field] of cases) {
      const res = await multipart(t, '/public/offers', parts);
      if (res.status === 202) codes.push(res.body.trackingCode);
      expect(`${field}: ${res.status}`).toBe(`${field}: ${status}`);
      expectError(res, status, field);
    }
    expectError(await t.post('/public/offers', undefined, { title: 'json' }), 415);
    expect(await count()).toBe(before);
    expect(smtp.received.filter((m) => m.subject.includes('Judul'))).toEqual([]);
    // A region needs no papers by default (ONEGATE_OFFER_ATTACHMENTS); its offer is taken without them.
    const region = await multipart(t, '/public/offers', fields({ partnerName: 'Kabupaten Batanghari', category: 'region', instrument: 'kb' }));
    expect(region.status).toBe(202);
    codes.push(region.body.trackingCode);
    // The reply and the later upload are validated too.
    const o = await submit();
    await complete(o.taskId, { decision: 'revise', comment: 'Lengkapi' });
    for (const [body, field] of [
      [{ comment: 'ok', extra: 1 }, 'extra'],
      [{ comment: 5 }, 'comment'],
      [{ comment: 'a\u0000b' }, 'comment'],
      [{}, 'comment'],
      [{ comment: ' ' }, 'comment'],
    ] as const) {
      const res = await t.post(`/public/offers/${o.code}/reply`, undefined, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.message).toContain(field);
    }
    expectError(await multipart(t, `/public/offers/${o.code}/documents`, [{ name: 'file', filename: 'x.pdf', bytes: samplePdf('k') }, { name: 'kind', value: 'signed' }]), 400, 'kind');
    expectError(await multipart(t, `/public/offers/${o.code}/documents`, [{ name: 'doc', filename: 'x.pdf', bytes: samplePdf('k') }]), 400, 'doc');
    expect((await track(o.code)).body.status).toBe('awaiting_partner');
  });

  it('lists the routes and their schemas in OpenAPI', async () => {
    const doc = (await t.get('/api/docs/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/public/offers', '/public/offers/{code}', '/public/offers/{code}/documents', '/public/offers/{code}/reply']));
    expect(Object.keys(doc.paths['/public/offers'].post.requestBody.content)).toEqual(['multipart/form-data']);
    expect(doc.components.schemas.OfferFormDto.required).toEqual(expect.arrayContaining(['partnerName', 'category', 'contactName', 'contactEmail', 'title', 'instrument', 'summary']));
    expect(doc.components.schemas.OfferReplyDto.properties.comment.maxLength).toBe(5000);
    expect(doc.components.schemas.OfferTrackingDto.properties.status.enum).toEqual(['received', 'awaiting_partner', 'in_process', 'rejected', 'closed']);
  });

  it('keeps no tracking code in any table, nor in the log (paths redacted)', async () => {
    expect(codes.length).toBeGreaterThan(5);
    const tables: string[] = onPostgres
      ? ((await t.db.dataSource.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`)) as { name: string }[]).map((r) => r.name)
      : ((await t.db.dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'table'`)) as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['offers', 'cases', 'case_events', 'deliveries', 'timers']));
    for (const table of tables) {
      const dump = JSON.stringify(await t.db.dataSource.query(`SELECT * FROM "${table}"`));
      for (const code of codes) expect(dump.includes(code) ? `${table} holds a code` : 'clean').toBe('clean');
    }
    expect(log).toContain('/public/offers/[REDACTED]');
    for (const code of codes) expect(log.includes(code) ? 'the log holds a code' : 'clean').toBe('clean');
  });
});

describe(`/public is rate-limited per address (${backend})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ signInRateLimit: 3 });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers 429 with Retry-After after the limit, wrong codes and the form alike', async () => {
    const wrong = (ip: string) => t.app.inject({ method: 'GET', url: `/public/offers/${Buffer.alloc(32, 1).toString('base64url')}`, remoteAddress: ip });
    expect([(await wrong('10.1.0.1')).statusCode, (await wrong('10.1.0.1')).statusCode, (await wrong('10.1.0.1')).statusCode]).toEqual([404, 404, 404]);
    const limited = await wrong('10.1.0.1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    expect((await multipart(t, '/public/offers', [...fields(), ...files()], '10.1.0.1')).status).toBe(429);
    expect((await wrong('10.1.0.2')).statusCode).toBe(404);
  });
});
