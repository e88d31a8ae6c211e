import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partnerActor } from '../src/common/actor.js';
import { SettableClock } from '../src/common/clock.js';
import { CasesService } from '../src/cases/cases.service.js';
import { DocumentsService } from '../src/documents/documents.service.js';
import { caseState, expectError } from './support/expectations.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp, USERS, samplePdf } from './support/test-app.js';
import { until } from './support/until.js';
import { settleAll } from './support/settled.js';

const HOUR = 3_600_000;
const onPostgres = Boolean(process.env.DATABASE_URL);

/**
 * cooperation@3 (contract §11): a partner's offer begins at intake, where the secretariat approves it to an
 * OPD proposer, asks the partner for more, rejects it or marks it spam; a case the city offers waits at
 * partner_response after TKKSD for the partner's written reply. partner_response's SLA is shortened here
 * (due 3 h, reminder 2 h before, escalation 1 h after) so its messages are tested by moving the clock.
 */
describe(`cooperation@3: partners' way in (${onPostgres ? 'PostgreSQL' : 'embedded'})`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new SettableClock();
  let offers = 0;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const dir = mkdtempSync(join(tmpdir(), 'onegate-v3-sla-'));
    const slaFile = join(dir, 'sla.json');
    writeFileSync(slaFile, JSON.stringify({ partner_response: { due: 'PT3H', remind: ['PT2H'], escalate: ['PT1H'] } }));
    // Now, not a past date: a clock set back records history, whose news is no message (contract §8).
    clock.set(new Date());
    t = await TestApp.start({ smtpUrl: smtp.url, slaFile, smtpTimeoutMs: 3000 }, { clock });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  const cases = () => t.app.get(CasesService);
  const OFFER = { title: 'Penawaran kerja sama pengelolaan air bersih', instrument: 'pks' as const, partner: { name: 'PT Air Jambi Lestari', category: 'third_party' as const }, summary: 'Penawaran dari mitra' };

  /** A partner's offer, started as the public form would start it, with its profile uploaded by the partner. */
  async function offer(): Promise<{ id: string; number: string; partner: ReturnType<typeof partnerActor>; taskId: string }> {
    const partner = partnerActor(`offer-${++offers}-${Math.random().toString(36).slice(2, 8)}`);
    const c = await cases().startOffer(partner, OFFER);
    expect(c.stage).toBe('intake');
    const doc = await t.app.get(DocumentsService).add(partner, c.id, 'partner_profile', { name: 'profil.pdf', bytes: samplePdf(`profil ${c.id}`) });
    expect(doc).toMatchObject({ kind: 'partner_profile', version: 1, uploadedBy: partner.id });
    return { id: c.id, number: c.number, partner, taskId: c.openTasks[0]!.id };
  }

  const complete = (taskId: string, as: (typeof USERS)[keyof typeof USERS], body: Record<string, unknown>) => t.post(`/api/tasks/${taskId}/complete`, as, body);

  const settled = () => settleAll(t, clock, { runDue: 'before' });
  const mailsFor = (caseNumber: string) => smtp.received.filter((m) => m.subject.includes(caseNumber));

  describe('POST /api/cases and initiative', () => {
    it('starts new cases on version 3, an OPD proposal by default', async () => {
      const c = await t.createCase({}, USERS.proposer, { documents: false });
      expect(c).toMatchObject({ stage: 'proposal', workflow: { name: 'cooperation', version: 3 }, initiative: 'opd', proposerId: USERS.proposer.id });
      const workflows = (await t.get('/api/workflows', USERS.auditor)).body;
      expect(workflows.find((w: any) => w.current && w.name === 'cooperation').version).toBe(3);
      expect(workflows.find((w: any) => w.name === 'cooperation' && w.version === 3).stages).not.toContain('begin');
    });

    it("takes initiative city, and refuses partner (an offer's way in) or an unknown one, naming initiative", async () => {
      const city = await t.createCase({ initiative: 'city' }, USERS.proposer, { documents: false });
      expect(city).toMatchObject({ stage: 'proposal', initiative: 'city' });
      expect((await t.get(`/api/cases/${city.id}`, USERS.proposer)).body.initiative).toBe('city');
      for (const initiative of ['partner', 'mayor', 3]) {
        expectError(await t.post('/api/cases', USERS.proposer, { title: 'x', instrument: 'kb', partner: { name: 'Kab. Batanghari', category: 'region' }, initiative }), 400, 'initiative');
      }
    });
  });

  describe("a partner's offer at intake", () => {
    it('begins at intake with a secretariat task and its SLA; it is no OPD proposer\'s case, and takes the offer papers only', async () => {
      const o = await offer();
      const c = (await t.get(`/api/cases/${o.id}`, USERS.secretariat)).body;
      expect(c).toMatchObject({ stage: 'intake', initiative: 'partner', proposerId: o.partner.id, workflow: { version: 3 } });
      expect(c.openTasks).toHaveLength(1);
      expect(c.openTasks[0]).toMatchObject({ stage: 'intake', role: 'secretariat', assigneeId: null, decisions: ['approve', 'revise', 'reject', 'spam'] });
      expect(new Date(c.openTasks[0].dueAt).getTime()).toBeGreaterThan(new Date(c.openTasks[0].createdAt).getTime() + 2 * 24 * HOUR);
      expect((await t.get(`/api/cases/${o.id}`, USERS.proposer)).status).toBe(404);
      expect((await t.get('/api/cases?stage=intake', USERS.proposer)).body.items).toEqual([]);
      expect((await t.get('/api/tasks', USERS.secretariat)).body.items.map((x: any) => x.id)).toContain(o.taskId);
      // The partner's papers at intake; an OPD's proposal papers are not taken there.
      expect((await t.upload(o.id, USERS.secretariat, 'partner_legal')).status).toBe(201);
      expectError(await t.upload(o.id, USERS.secretariat, 'kak'), 409, 'partner_profile');
      await expect(t.app.get(DocumentsService).add(partnerActor('someone-else'), o.id, 'partner_legal', { name: 'x.pdf', bytes: samplePdf('x') })).rejects.toMatchObject({ code: 'NotFound' });
      // A user may not send the partner's reply.
      expectError(await t.post(`/api/cases/${o.id}/events`, USERS.secretariat, { type: 'PARTNER_REPLY' }), 403, 'partner');
    });

    it('is decided by the secretariat only', async () => {
      const o = await offer();
      const before = await caseState(t, o.id);
      // An OPD proposer does not even see an offer not handed to it (404, as an unknown task); other staff roles are refused.
      expectError(await complete(o.taskId, USERS.proposer, { decision: 'approve', assignee: USERS.proposer.id }), 404);
      for (const who of [USERS.chair, USERS.legal, USERS.auditor]) expectError(await complete(o.taskId, who, { decision: 'reject', comment: 'Tidak' }), 403, 'secretariat');
      expect(await caseState(t, o.id)).toEqual(before);
    });

    it('is approved only with an assignee who holds the proposer role; the OPD then carries it as its proposer', async () => {
      const o = await offer();
      const before = await caseState(t, o.id);
      expectError(await complete(o.taskId, USERS.secretariat, { decision: 'approve' }), 400, 'assignee');
      expectError(await complete(o.taskId, USERS.secretariat, { decision: 'approve', assignee: 'nobody-here' }), 400, 'assignee', 'nobody-here');
      expectError(await complete(o.taskId, USERS.secretariat, { decision: 'approve', assignee: USERS.legal.id }), 400, 'assignee', 'proposer');
      expectError(await complete(o.taskId, USERS.secretariat, { decision: 'approve', assignee: 'partner:x' }), 400, 'assignee');
      expectError(await complete(o.taskId, USERS.secretariat, { decision: 'reject', comment: 'Tidak sesuai', assignee: USERS.proposer2.id }), 400, 'assignee');
      expect(await caseState(t, o.id)).toEqual(before);

      const res = await complete(o.taskId, USERS.secretariat, { decision: 'approve', assignee: USERS.proposer2.id });
      expect(res.status).toBe(200);
      expect(res.body.case).toMatchObject({ stage: 'proposal', proposerId: USERS.proposer2.id, initiative: 'partner', openTasks: [] });
      // Visibility follows: the named OPD sees and carries it, another OPD does not, nor does the partner act on it any more.
      expect((await t.get(`/api/cases/${o.id}`, USERS.proposer2)).body.stage).toBe('proposal');
      expect((await t.get('/api/cases', USERS.proposer2)).body.items.map((c: any) => c.id)).toContain(o.id);
      expect((await t.get(`/api/cases/${o.id}`, USERS.proposer)).status).toBe(404);
      await expect(cases().partnerReply(o.partner, o.id)).rejects.toMatchObject({ code: 'NotFound' });
      const history = (await t.get(`/api/cases/${o.id}/history`, USERS.auditor)).body;
      expect(history.at(-1)).toMatchObject({ type: 'TASK_COMPLETED', stageBefore: 'intake', stageAfter: 'proposal', data: { decision: 'approve', assignee: USERS.proposer2.id } });
      expect(history[0].actor.id).toBe(o.partner.id);
      // The OPD drafts and submits it as any proposal.
      for (const kind of ['kak', 'feasibility_study', 'draft_pks']) expect((await t.upload(o.id, USERS.proposer2, kind)).status).toBe(201);
      expectError(await t.post(`/api/cases/${o.id}/events`, USERS.proposer, { type: 'SUBMIT' }), 404);
      expect((await t.post(`/api/cases/${o.id}/events`, USERS.proposer2, { type: 'SUBMIT' })).body.stage).toBe('administrative_check');
      expect((await t.get('/api/audit/verify', USERS.auditor)).body.ok).toBe(true);
      const replay = (await t.get(`/api/cases/${o.id}/replay?seq=${history.length + 4}`, USERS.auditor)).body;
      expect(replay).toMatchObject({ stage: 'administrative_check', matchesStored: true });
    });

    it('asks the partner (a comment required), who answers back to intake with PARTNER_REPLY; then it is rejected', async () => {
      const o = await offer();
      expectError(await complete(o.taskId, USERS.secretariat, { decision: 'revise' }), 400, 'comment');
      await expect(cases().partnerReply(o.partner, o.id)).rejects.toMatchObject({ code: 'InvalidTransition' });
      const asked = await complete(o.taskId, USERS.secretariat, { decision: 'revise', comment: 'Mohon lengkapi akta pendirian' });
      expect(asked.body.case).toMatchObject({ stage: 'awaiting_partner', openTasks: [] });
      expect((await t.get('/api/tasks?caseId=' + o.id, USERS.proposer)).body.items).toEqual([]);
      // The partner sends what was asked and replies; another partner's reply is as to an unknown case.
      const attachment = await t.app.get(DocumentsService).add(o.partner, o.id, 'partner_attachment', { name: 'akta.pdf', bytes: samplePdf(`akta ${o.id}`) });
      expect(attachment.kind).toBe('partner_attachment');
      await expect(cases().partnerReply(partnerActor('another-offer'), o.id)).rejects.toMatchObject({ code: 'NotFound' });
      await expect(cases().partnerReply(USERS.secretariat as never, o.id)).rejects.toMatchObject({ code: 'Forbidden' });
      const replied = await cases().partnerReply(o.partner, o.id, { comment: 'Akta terlampir' });
      expect(replied.stage).toBe('intake');
      expect(replied.openTasks).toHaveLength(1);
      expect(replied.openTasks[0]).toMatchObject({ stage: 'intake', role: 'secretariat' });
      const history = (await t.get(`/api/cases/${o.id}/history`, USERS.auditor)).body;
      expect(history.at(-1)).toMatchObject({ type: 'PARTNER_REPLY', actor: { id: o.partner.id }, stageBefore: 'awaiting_partner', stageAfter: 'intake', data: { comment: 'Akta terlampir' } });

      expectError(await complete(replied.openTasks[0]!.id, USERS.secretariat, { decision: 'reject' }), 400, 'comment');
      const rejected = await complete(replied.openTasks[0]!.id, USERS.secretariat, { decision: 'reject', comment: 'Bidang usaha tidak sesuai' });
      expect(rejected.body.case.stage).toBe('rejected');
      await settled();
      // The rejection goes to the secretariat as before (the partner is no user: its mail is its tracking page's).
      const kinds = (await t.get(`/api/cases/${o.id}/notifications`, USERS.auditor)).body.map((n: any) => `${n.kind} → ${n.to}`);
      expect(kinds.sort()).toEqual([`case_rejected → ${USERS.secretariat.id}@jambikota.go.id`, `case_rejected → ${USERS.secretariat2.id}@jambikota.go.id`].sort());
    });

    it('marks spam: a final stage, closed without any message', async () => {
      const o = await offer();
      const res = await complete(o.taskId, USERS.secretariat, { decision: 'spam' });
      expect(res.body.case).toMatchObject({ stage: 'spam', openTasks: [] });
      await t.advance(10 * 24 * HOUR);
      await settled();
      expect((await t.get(`/api/cases/${o.id}/notifications`, USERS.auditor)).body).toEqual([]);
      expect(mailsFor(o.number)).toEqual([]);
      expectError(await t.upload(o.id, USERS.secretariat, 'partner_attachment'), 409);
    });
  });

  describe("the city's offer at partner_response", () => {
    /** A city-initiated case at tkksd_coordination, the mayor's offer letter uploaded there. */
    async function atTkksd(initiative: 'city' | 'opd' = 'city'): Promise<{ id: string; number: string }> {
      const c = await t.createCase({ initiative });
      expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
      await t.decide(c.id, USERS.secretariat, 'approve');
      await t.decide(c.id, USERS.reviewerA, 'approve');
      expect(await t.stageOf(c.id)).toBe('tkksd_coordination');
      return { id: c.id, number: c.number };
    }

    it('passes partner_response after TKKSD; approved by the secretariat only with the partner_reply uploaded, on to legal review', async () => {
      const c = await atTkksd();
      expect((await t.upload(c.id, USERS.secretariat, 'offer_letter')).status).toBe(201);
      const res = await t.decide(c.id, USERS.chair, 'approve');
      expect(res.body.case.stage).toBe('partner_response');
      const task = res.body.case.openTasks[0];
      expect(task).toMatchObject({ stage: 'partner_response', role: 'secretariat', decisions: ['approve', 'reject'] });
      expectError(await complete(task.id, USERS.proposer, { decision: 'approve' }), 403, 'secretariat');
      expectError(await complete(task.id, USERS.secretariat, { decision: 'revise', comment: 'x' }), 400, 'decision');
      const before = await caseState(t, c.id);
      const refused = await complete(task.id, USERS.secretariat, { decision: 'approve' });
      expectError(refused, 409, 'partner_reply');
      expect(refused.body.missingDocuments).toEqual(['partner_reply']);
      expect(await caseState(t, c.id)).toEqual(before);
      expectError(await t.upload(c.id, USERS.proposer, 'partner_reply'), 403);
      expect((await t.upload(c.id, USERS.secretariat, 'partner_reply')).status).toBe(201);
      const approved = await complete(task.id, USERS.secretariat, { decision: 'approve' });
      expect(approved.status).toBe(200);
      expect(approved.body.case.stage).toBe('legal_review');
      const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
      expect(history.at(-1).data.documents).toMatchObject({ offer_letter: 1, partner_reply: 1 });
    });

    it('is rejected at partner_response with a comment', async () => {
      const c = await atTkksd();
      const task = (await t.decide(c.id, USERS.chair, 'approve')).body.case.openTasks[0];
      expectError(await complete(task.id, USERS.secretariat, { decision: 'reject' }), 400, 'comment');
      expect((await complete(task.id, USERS.secretariat, { decision: 'reject', comment: 'Mitra menolak penawaran' })).body.case.stage).toBe('rejected');
    });

    it("skips partner_response for an OPD's proposal", async () => {
      const c = await atTkksd('opd');
      expect((await t.decide(c.id, USERS.chair, 'approve')).body.case.stage).toBe('legal_review');
    });

    it('reminds the secretariat before the partner_response is due and escalates after, once each', async () => {
      const c = await atTkksd();
      const task = (await t.decide(c.id, USERS.chair, 'approve')).body.case.openTasks[0];
      expect(new Date(task.dueAt).getTime() - new Date(task.createdAt).getTime()).toBe(3 * HOUR);
      await settled();
      const deadlineMails = () =>
        mailsFor(c.number)
          .filter((m) => /Pengingat|Terlambat/.test(m.subject))
          .map((m) => `${m.subject.match(/Pengingat|Terlambat/)![0]} → ${m.to.join(',')}`)
          .sort();
      await t.advance(HOUR - 60_000);
      await settled();
      expect(deadlineMails()).toEqual([]);
      await t.advance(60_000);
      await settled();
      await until(deadlineMails, (m) => m.length >= 2, 20_000);
      expect(deadlineMails()).toEqual([`Pengingat → ${USERS.secretariat.id}@jambikota.go.id`, `Pengingat → ${USERS.secretariat2.id}@jambikota.go.id`]);
      await t.advance(3 * HOUR);
      await settled();
      await until(deadlineMails, (m) => m.length >= 3, 20_000);
      expect(deadlineMails()).toEqual([`Pengingat → ${USERS.secretariat.id}@jambikota.go.id`, `Pengingat → ${USERS.secretariat2.id}@jambikota.go.id`, `Terlambat → sekda@jambikota.go.id`]);
      await t.advance(24 * HOUR);
      await settled();
      expect(deadlineMails()).toHaveLength(3);
    });
  });

  describe('rules and diagram of version 3', () => {
    it("answers v3's own rules, and v2's without the new stages", async () => {
      const v3 = (await t.get('/api/workflows/cooperation/3/rules')).body;
      expect(v3.stages).toEqual(expect.arrayContaining(['intake', 'awaiting_partner', 'partner_response', 'spam']));
      expect(v3.stages).not.toContain('begin');
      expect(v3.taskStageRules.intake).toMatchObject({ role: 'secretariat', decisions: ['approve', 'revise', 'reject', 'spam'], assignee: { decision: 'approve', role: 'proposer' } });
      expect(v3.taskStageRules.partner_response).toMatchObject({ role: 'secretariat', decisions: ['approve', 'reject'] });
      expect(v3.caseEventRules.PARTNER_REPLY).toMatchObject({ roles: [], byPartner: true });
      expect(v3.uploadRules.intake[0]).toMatchObject({ partner: true, kinds: expect.arrayContaining(['partner_profile', 'partner_legal', 'partner_attachment']) });
      expect(v3.uploadRules.partner_response[0].kinds).toEqual(expect.arrayContaining(['offer_letter', 'partner_reply']));
      expect(v3.decisionRequires).toEqual([{ stage: 'partner_response', decision: 'approve', kind: 'partner_reply' }]);
      expect(v3.initiatives).toEqual(['opd', 'partner', 'city']);
      const v2 = (await t.get('/api/workflows/cooperation/2/rules')).body;
      expect(v2.stages).not.toContain('intake');
      expect(v2.initiatives).toEqual(['opd']);
    });

    it('draws the new stages in Indonesian, and the city branch', async () => {
      const svg = (await t.get('/api/workflows/cooperation/3/diagram?lang=id', USERS.auditor)).text;
      for (const stage of ['intake', 'awaiting_partner', 'partner_response', 'spam']) expect(svg).toContain(`id="stage-${stage}"`);
      // Names wrap over lines (tspans): read the words.
      const words = svg.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      for (const name of ['Penerimaan penawaran mitra', 'Tanggapan mitra atas penawaran', 'Ditandai spam', 'Pemerintah Kota']) expect(words).toContain(name);
      expect(svg).not.toMatch(/begin/);
    });
  });
});
