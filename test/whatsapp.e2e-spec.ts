import { SettableClock } from '../src/common/clock.js';
import { DELIVERY, TASK } from '../src/database/entities.js';
import type { DeliveryRow, TaskRow } from '../src/database/rows.js';
import { WHATSAPP_MAX_CHARS } from '../src/notifications/templates.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp, USERS, deleteRedisKeys } from './support/test-app.js';
import { until } from './support/until.js';
import { settleAll } from './support/settled.js';
import { WhatsAppStandIn } from './support/whatsapp-stand-in.js';

const REDIS = Boolean(process.env.REDIS_URL);
const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'}, ${REDIS ? 'BullMQ on Redis' : 'in-process queue'}`;
const TOKEN = 'gateway-token-123';
const PHONE = '6281234567890';

/**
 * Contract §12: WhatsApp beside e-mail, through a stand-in gateway that answers HTTP 200 with
 * `{status:false}` when it fails, as real ones do. The app's clock stands at real time and is moved by
 * the test for retries; on Redis, BullMQ's own backoff (real time) brings a retry back.
 */
describe(`WhatsApp beside e-mail (${backend}, real SMTP, stand-in gateway)`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let gateway: WhatsAppStandIn;
  const clock = new SettableClock();

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    gateway = await new WhatsAppStandIn().start();
    clock.set(new Date());
    t = await TestApp.start({ smtpUrl: smtp.url, whatsapp: { url: gateway.url, token: TOKEN }, queueLockMs: 1000, smtpTimeoutMs: 3000 }, { clock });
  });
  // Each test starts at real time again: on Redis a step's news is delayed by how far the clock stands ahead.
  beforeEach(() => clock.set(new Date()));
  afterAll(async () => {
    gateway?.release();
    await t?.stop();
    await smtp?.stop();
    await gateway?.stop();
  });

  const putUser = (id: string, body: Record<string, unknown>) => t.request('PUT', `/api/users/${id}`, { as: USERS.admin, body });
  const secretariat2 = (extra: Record<string, unknown>) =>
    putUser(USERS.secretariat2.id, { name: USERS.secretariat2.name, email: `${USERS.secretariat2.id}@jambikota.go.id`, roles: [...USERS.secretariat2.roles], ...extra });

  const deliveriesOf = (caseId: string) => t.db.read((em) => em.find<DeliveryRow>(DELIVERY, { where: { caseId }, order: { channel: 'ASC' } }));

  const settled = () => settleAll(t, clock);

  /** In-process a retry waits on the app's clock: moved here. On Redis BullMQ's backoff counts real time, and the clock stays. */
  const retryTime = async () => {
    if (!REDIS) await t.advance(2_000);
  };

  /** Moves the clock a retry's backoff at a time until the case's WhatsApp delivery is settled (in-process the clock brings the retry; on Redis real time does). */
  async function whatsAppSettled(caseId: string): Promise<DeliveryRow> {
    const row = await until(
      async () => {
        await retryTime();
        return (await deliveriesOf(caseId)).find((d) => d.channel === 'whatsapp');
      },
      (d) => d?.status === 'sent' || d?.status === 'failed',
      20_000,
    );
    expect(row).toBeDefined();
    return row!;
  }

  /** A case at the administrative check, its task claimed by sec-1 and delegated to sec-2: a task_assigned message to sec-2. */
  async function delegatedToSecretariat2(): Promise<{ id: string; number: string; taskId: string }> {
    const c = await t.createCase();
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    const task = await t.db.read((em) => em.findOneByOrFail<TaskRow>(TASK, { caseId: c.id, stage: 'administrative_check', status: 'open' }));
    expect((await t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat)).status).toBe(200);
    expect((await t.post(`/api/tasks/${task.id}/delegate`, USERS.secretariat, { userId: USERS.secretariat2.id })).status).toBe(200);
    return { id: c.id, number: c.number, taskId: task.id };
  }

  const mailsTo = (caseNumber: string, id: string) => smtp.received.filter((m) => m.subject.includes(caseNumber) && m.to.includes(`${id}@jambikota.go.id`));
  const textsFor = (caseNumber: string) => gateway.requests.filter((r) => r.message.includes(caseNumber));

  it('normalises a number at PUT /api/users and refuses an invalid one with a 400 naming phone', async () => {
    for (const written of ['0812 3456 7890', '+62 812-3456-7890', '6281234567890']) {
      const res = await secretariat2({ phone: written, channels: ['email', 'whatsapp'] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ phone: PHONE, channels: ['email', 'whatsapp'], digest: 'none' });
    }
    for (const bad of ['12345', '+1 415 555 0100', '0812-34x6-7890']) {
      const res = await secretariat2({ phone: bad });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^phone: /);
    }
    // WhatsApp without a number is refused, naming the number.
    const noPhone = await putUser('wa-nobody', { name: 'Tanpa Nomor', email: 'wa-nobody@jambikota.go.id', roles: ['tkksd'], channels: ['whatsapp'] });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.message).toMatch(/^phone: /);
    expect((await putUser('wa-nobody', { name: 'Tanpa Nomor', email: 'wa-nobody@jambikota.go.id', roles: ['tkksd'], channels: ['whatsap'] })).status).toBe(400);
    expect((await putUser('wa-nobody', { name: 'Tanpa Nomor', email: 'wa-nobody@jambikota.go.id', roles: ['tkksd'], digest: 'weekly' })).status).toBe(400);
    // The refused PUTs changed nothing; a plain PUT keeps the contact settings.
    const listed = (await t.get('/api/users', USERS.admin)).body.items.find((u: any) => u.id === USERS.secretariat2.id);
    expect(listed).toMatchObject({ phone: PHONE, channels: ['email', 'whatsapp'], digest: 'none' });
    expect((await secretariat2({})).body).toMatchObject({ phone: PHONE, channels: ['email', 'whatsapp'] });
  });

  it('lets a signed-in user set their own number, channels and digest on their profile, nothing else', async () => {
    const me = USERS.tkksd;
    expect((await t.get('/api/profile', me)).body).toEqual({ id: me.id, name: me.name, email: `${me.id}@jambikota.go.id`, phone: null, channels: ['email'], digest: 'none' });
    const res = await t.request('PUT', '/api/profile', { as: me, body: { phone: '0812-9999-0000', channels: ['email', 'whatsapp'], digest: 'daily' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ phone: '6281299990000', channels: ['email', 'whatsapp'], digest: 'daily' });
    const bad = await t.request('PUT', '/api/profile', { as: me, body: { phone: '99' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^phone: /);
    // Roles are the admin's: a body naming them is refused, and they stay as they were.
    expect((await t.request('PUT', '/api/profile', { as: me, body: { roles: ['admin'] } })).status).toBe(400);
    const listed = (await t.get('/api/users', USERS.admin)).body.items.find((u: any) => u.id === me.id);
    expect(listed).toMatchObject({ roles: ['tkksd'], phone: '6281299990000', digest: 'daily' });
    await t.request('PUT', '/api/profile', { as: me, body: { phone: null, channels: ['email'], digest: 'none' } });
  });

  it('retries a message the gateway refused ({status:false}) and sends it once, recorded on the case with its channel', async () => {
    expect((await secretariat2({ phone: '0812 3456 7890', channels: ['email', 'whatsapp'] })).status).toBe(200);
    gateway.script(['fail']);
    const c = await delegatedToSecretariat2();
    // The e-mail went at once, whatever the gateway said.
    expect(await until(() => mailsTo(c.number, USERS.secretariat2.id), (m) => m.length === 1)).toHaveLength(1);
    const wa = await whatsAppSettled(c.id);
    await settled();
    expect(wa).toMatchObject({ status: 'sent', attempts: 2, lastError: null, recipientPhone: PHONE, kind: 'task_assigned' });
    const texts = textsFor(c.number);
    expect(texts.map((r) => r.outcome)).toEqual(['refused', 'sent']);
    for (const r of texts) {
      expect(r).toMatchObject({ authorization: TOKEN, target: PHONE, contentType: 'application/x-www-form-urlencoded' });
    }
    const message = texts[1]!.message;
    expect(message).toContain(`Tugas untuk Anda: ${c.number}`);
    expect(message).toContain(`http://onegate.test/tasks/${c.taskId}`);
    expect(message).toMatch(/Batas waktu: (Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WI/);
    expect(message.length).toBeLessThanOrEqual(WHATSAPP_MAX_CHARS);
    expect(mailsTo(c.number, USERS.secretariat2.id)).toHaveLength(1);
    const notes = (await t.get(`/api/cases/${c.id}/notifications`, USERS.auditor)).body;
    expect(notes.map((n: any) => `${n.kind} ${n.channel} ${n.to} ${n.status} ${n.attempts}`).sort()).toEqual([
      `task_assigned email ${USERS.secretariat2.id}@jambikota.go.id sent 1`,
      `task_assigned whatsapp ${PHONE} sent 2`,
    ]);
  });

  it('records each refusal of a gateway that keeps refusing, and the e-mail still went', async () => {
    gateway.script([], 'fail');
    try {
      const c = await delegatedToSecretariat2();
      expect(await until(() => mailsTo(c.number, USERS.secretariat2.id), (m) => m.length === 1)).toHaveLength(1);
      const email = await until(async () => (await deliveriesOf(c.id)).find((d) => d.channel === 'email'), (d) => d?.status === 'sent');
      expect(email).toMatchObject({ status: 'sent', attempts: 1 });
      // In-process the clock brings each retry; on Redis BullMQ's backoff does (1 s, then 2 s, in real time).
      const wa = await until(
        async () => {
          await retryTime();
          return (await deliveriesOf(c.id)).find((d) => d.channel === 'whatsapp');
        },
        (d) => (d?.attempts ?? 0) >= 3,
        20_000,
      );
      expect(wa).toMatchObject({ status: 'pending', lastError: expect.stringContaining('device disconnected') });
      expect(wa!.attempts).toBeGreaterThanOrEqual(3);
      expect(textsFor(c.number).filter((r) => r.outcome === 'sent')).toEqual([]);
      expect(textsFor(c.number).length).toBeGreaterThanOrEqual(3);
    } finally {
      gateway.script([]);
    }
    await settled();
  });

  it('does not hold the e-mail back while the gateway does not answer', async () => {
    gateway.script(['hold']);
    const c = await delegatedToSecretariat2();
    // The gateway holds the WhatsApp message unanswered; the e-mail arrives meanwhile.
    expect(await until(() => textsFor(c.number), (r) => r.length === 1)).toHaveLength(1);
    expect(await until(() => mailsTo(c.number, USERS.secretariat2.id), (m) => m.length === 1)).toHaveLength(1);
    const during = await until(async () => (await deliveriesOf(c.id)).map((d) => `${d.channel} ${d.status}`), (s) => s[0] === 'email sent');
    expect(during).toEqual(['email sent', 'whatsapp sending']);
    gateway.release();
    await until(async () => (await deliveriesOf(c.id)).find((d) => d.channel === 'whatsapp')?.status, (s) => s === 'sent');
    await settled();
    expect(textsFor(c.number).filter((r) => r.outcome === 'sent')).toHaveLength(1);
  });

  it('sends neither channel twice when the queue loses its data during delivery and the process restarts', async () => {
    gateway.script(['fail']);
    const c = await delegatedToSecretariat2();
    expect(await until(() => mailsTo(c.number, USERS.secretariat2.id), (m) => m.length === 1)).toHaveLength(1);
    // The first WhatsApp attempt was refused: its retry waits in the queue when the queue loses every key.
    expect(await until(() => textsFor(c.number), (r) => r.length >= 1)).toHaveLength(1);
    if (REDIS) await deleteRedisKeys(t.config.redisUrl!, `${t.config.queuePrefix}:*`);
    await t.restart();
    const wa = await whatsAppSettled(c.id);
    await settled();
    expect(wa.status).toBe('sent');
    expect(textsFor(c.number).filter((r) => r.outcome === 'sent')).toHaveLength(1);
    expect(mailsTo(c.number, USERS.secretariat2.id)).toHaveLength(1);
    expect((await deliveriesOf(c.id)).map((d) => `${d.channel} ${d.status}`)).toEqual(['email sent', 'whatsapp sent']);
  });

  it('sends e-mail alone to a user without WhatsApp among their channels', async () => {
    expect((await secretariat2({ channels: ['email'] })).status).toBe(200);
    const c = await delegatedToSecretariat2();
    expect(await until(() => mailsTo(c.number, USERS.secretariat2.id), (m) => m.length === 1)).toHaveLength(1);
    await settled();
    expect((await deliveriesOf(c.id)).map((d) => d.channel)).toEqual(['email']);
    expect(textsFor(c.number)).toEqual([]);
  });
});
