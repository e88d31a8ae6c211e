import { newestWorkflow } from '../workflows/registry.js';
import { TestApp, USERS } from './support/test-app.js';
import { terminate } from './support/agreements.js';

/** The "done when": three agreements signed through every stage they need, one revised, all verified. */
describe('procedure end to end over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  async function throughTechnicalAndTkksd(id: string) {
    expect((await t.decide(id, USERS.secretariat, 'approve')).status).toBe(200);
    expect(await t.stageOf(id)).toBe('technical_review');
    expect((await t.decide(id, USERS.reviewerA, 'approve')).status).toBe(200);
    expect(await t.stageOf(id)).toBe('tkksd_coordination');
    expect((await t.decide(id, USERS.chair, 'approve')).status).toBe(200);
    expect(await t.stageOf(id)).toBe('legal_review');
    expect((await t.decide(id, USERS.legal, 'approve')).status).toBe(200);
  }

  it('signs a KB with a region: proposal → check → Tim Teknis → TKKSD → legal → mayor → signed', async () => {
    const c = await t.createCase({ validFrom: '2027-01-01', validUntil: '2031-12-31' });
    // Created (version 1) with its KAK and draft KB uploaded (versions 2 and 3).
    expect(c).toMatchObject({ stage: 'proposal', version: 3, workflow: { name: 'cooperation', version: 3 }, openTasks: [], number: expect.stringMatching(/^KS-\d{4}-\d{4}$/) });
    const submitted = await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ stage: 'administrative_check', version: 4 });
    expect(submitted.body.openTasks).toEqual([expect.objectContaining({ stage: 'administrative_check', role: 'secretariat', assigneeId: null })]);
    await throughTechnicalAndTkksd(c.id);
    expect(await t.stageOf(c.id)).toBe('mayor_signature');
    const signed = await t.decide(c.id, USERS.mayor, 'sign');
    expect(signed.status).toBe(200);
    expect(signed.body.task).toMatchObject({ status: 'completed', decision: 'sign', completedBy: USERS.mayor.id });
    expect(signed.body.case).toMatchObject({ stage: 'signed', openTasks: [], signedAt: expect.any(String) });

    const history = await t.get(`/api/cases/${c.id}/history`, USERS.auditor);
    expect(history.status).toBe(200);
    expect(history.body.map((e: any) => `${e.type} ${e.stageBefore}>${e.stageAfter}`)).toEqual([
      'CASE_CREATED null>proposal',
      'DOCUMENT_UPLOADED proposal>proposal',
      'DOCUMENT_UPLOADED proposal>proposal',
      'SUBMIT proposal>administrative_check',
      'TASK_COMPLETED administrative_check>technical_review',
      'TASK_COMPLETED technical_review>tkksd_coordination',
      'TASK_COMPLETED tkksd_coordination>legal_review',
      'TASK_COMPLETED legal_review>mayor_signature',
      'DOCUMENT_UPLOADED mayor_signature>mayor_signature',
      'TASK_COMPLETED mayor_signature>signed',
    ]);
    history.body.forEach((e: any, i: number) => {
      expect(e).toMatchObject({ seq: i + 1, workflowVersion: newestWorkflow('cooperation')!.version, actor: { id: expect.any(String), roles: expect.any(Array) }, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      if (i > 0) expect(e.prevHash).toBe(history.body[i - 1].hash);
    });
    // The signature records the version of every document the case held when it was given.
    expect(history.body[9]).toMatchObject({ type: 'TASK_COMPLETED', actor: { id: 'walikota', roles: ['mayor'] }, data: { decision: 'sign', documents: { kak: 1, draft_kb: 1, signed: 1 } } });
    expect(history.body[8]).toMatchObject({ type: 'DOCUMENT_UPLOADED', data: { document: { kind: 'signed', version: 1, mediaType: 'application/pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } } });
  });

  it('takes a PKS that burdens the budget through DPRD approval', async () => {
    const c = await t.createCase({ title: 'PKS pelayanan kesehatan', instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' }, requiresDprdApproval: true });
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await throughTechnicalAndTkksd(c.id);
    expect(await t.stageOf(c.id)).toBe('dprd_approval');
    const tasks = await t.get('/api/tasks', USERS.dprd);
    expect(tasks.body.items.map((x: any) => x.caseId)).toContain(c.id);
    expect((await t.decide(c.id, USERS.dprd, 'approve', { comment: 'Keputusan DPRD No. 12/2027' })).status).toBe(200);
    expect(await t.stageOf(c.id)).toBe('mayor_signature');
    expect((await t.decide(c.id, USERS.mayor, 'sign')).status).toBe(200);
    expect(await t.stageOf(c.id)).toBe('signed');
  });

  it('takes a KB with a foreign city through the minister’s approval, recorded by the secretariat', async () => {
    const c = await t.createCase({ title: 'Sister city Kota Jambi – Guangzhou', instrument: 'kb', partner: { name: 'Guangzhou', category: 'foreign', country: 'China' } });
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await throughTechnicalAndTkksd(c.id);
    expect(await t.stageOf(c.id)).toBe('ministry_approval');
    expect((await t.decide(c.id, USERS.secretariat, 'approve', { comment: 'Persetujuan Menteri diterima' })).status).toBe(200);
    expect((await t.decide(c.id, USERS.mayor, 'sign')).status).toBe(200);
    expect(await t.stageOf(c.id)).toBe('signed');
  });

  it('returns a case for revision and RESUBMIT brings it back to the stage that asked', async () => {
    const c = await t.createCase();
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await t.decide(c.id, USERS.secretariat, 'approve', { reviewers: [USERS.reviewerA.id, USERS.reviewerB.id] });
    const atReview = await t.get(`/api/cases/${c.id}`, USERS.auditor);
    expect(atReview.body.openTasks.map((x: any) => x.assigneeId).sort()).toEqual(['tt-a', 'tt-b']);
    expect((await t.decide(c.id, USERS.reviewerA, 'approve')).status).toBe(200);
    expect(await t.stageOf(c.id)).toBe('technical_review');
    const revise = await t.decide(c.id, USERS.reviewerB, 'revise', { comment: 'Lengkapi studi kelayakan' });
    expect(revise.status).toBe(200);
    // The proposer's revision task (contract §8): theirs, one decision, resubmit.
    expect(revise.body.case).toMatchObject({ stage: 'revision', openTasks: [{ stage: 'revision', role: 'proposer', assigneeId: USERS.proposer.id, decisions: ['resubmit'], status: 'open' }] });
    const resubmit = await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'RESUBMIT', comment: 'Studi kelayakan dilampirkan' });
    expect(resubmit.status).toBe(201);
    expect(resubmit.body.stage).toBe('technical_review');
    expect(resubmit.body.openTasks.map((x: any) => x.assigneeId).sort()).toEqual(['tt-a', 'tt-b']);
    await t.decide(c.id, USERS.reviewerA, 'approve');
    await t.decide(c.id, USERS.reviewerB, 'approve');
    expect(await t.stageOf(c.id)).toBe('tkksd_coordination');
    const tasks = await t.get(`/api/tasks?caseId=${c.id}&status=completed`, USERS.reviewerB);
    expect(tasks.body.items.map((x: any) => x.decision).sort()).toEqual(['approve', 'approve', 'approve', 'revise']);
  });

  it('rejects at TKKSD, and lets the proposer withdraw before signing but not after', async () => {
    const rejected = await t.createCase();
    await t.post(`/api/cases/${rejected.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await t.decide(rejected.id, USERS.secretariat, 'approve');
    await t.decide(rejected.id, USERS.reviewerA, 'approve');
    expect((await t.decide(rejected.id, USERS.chair, 'reject', { comment: 'Tidak layak' })).body.case.stage).toBe('rejected');
    const late = await t.post(`/api/cases/${rejected.id}/events`, USERS.proposer, { type: 'WITHDRAW' });
    expect(late.status).toBe(409);
    expect(late.body.allowedEvents).toEqual([]);

    const withdrawn = await t.createCase();
    await t.post(`/api/cases/${withdrawn.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    const w = await t.post(`/api/cases/${withdrawn.id}/events`, USERS.proposer, { type: 'WITHDRAW', comment: 'Mitra mundur' });
    expect(w.status).toBe(201);
    expect(w.body).toMatchObject({ stage: 'withdrawn', openTasks: [] });
    const cancelled = await t.get(`/api/tasks?caseId=${withdrawn.id}`, USERS.secretariat);
    expect(cancelled.body.items).toEqual([]);
  });

  it('terminates a signed agreement by the secretariat', async () => {
    const c = await t.createCase();
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await throughTechnicalAndTkksd(c.id);
    await t.decide(c.id, USERS.mayor, 'sign');
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'TERMINATE', grounds: 'mutual_agreement' })).status).toBe(403);
    const term = await terminate(t, c.id, { comment: 'Diakhiri atas kesepakatan para pihak' });
    expect(term.status).toBe(201);
    expect(term.body.stage).toBe('terminated');
  });

  it('replays any point from events alone and the auditor’s verify says ok', async () => {
    const list = await t.get('/api/cases?stage=signed', USERS.auditor);
    expect(list.body.total).toBeGreaterThanOrEqual(3);
    const c = list.body.items[0];
    const r4 = await t.get(`/api/cases/${c.id}/replay?seq=4`, USERS.auditor);
    expect(r4.body).toMatchObject({ seq: 4, stage: 'administrative_check', matchesStored: true });
    expect(Object.keys(r4.body.context.documents).sort()).toEqual(['draft_kb', 'kak']);
    const last = await t.get(`/api/cases/${c.id}/replay?seq=${c.version}`, USERS.auditor);
    expect(last.body).toMatchObject({ seq: c.version, stage: 'signed', matchesStored: true });
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
    const byTime = await t.get(`/api/cases/${c.id}/replay?at=${encodeURIComponent(history[4].at)}`, USERS.auditor);
    expect(byTime.body.seq).toBeGreaterThanOrEqual(5);
    expect(byTime.body.matchesStored).toBe(true);
    const verify = await t.get('/api/audit/verify', USERS.auditor);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
    expect(verify.body.casesChecked).toBeGreaterThanOrEqual(7);
    expect(verify.body.eventsChecked).toBeGreaterThan(30);
  });

  it('counts signed agreements by instrument and partner category for the year', async () => {
    const year = new Date().getUTCFullYear();
    const res = await t.get(`/api/reports/agreements?year=${year}`, USERS.secretariat);
    expect(res.status).toBe(200);
    expect(res.body.byInstrument).toMatchObject({ kb: 3, pks: 1 });
    expect(res.body.byCategory).toMatchObject({ region: 2, third_party: 1, foreign: 1 });
    expect(res.body.total).toBe(4);
    expect((await t.get(`/api/reports/agreements?year=${year - 1}`, USERS.secretariat)).body.total).toBe(0);
  });
});
