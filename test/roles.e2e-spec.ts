import { TestApp, USERS, type Response, type TestUser } from './support/test-app.js';
import { terminate } from './support/agreements.js';
import { caseState, countCases, expectError, submittedCase } from './support/expectations.js';

/**
 * Contract §3 and §6: the token's roles are checked on every action. Each refusal is a 403 in the
 * contract's shape and leaves the case exactly as it was; the right role then succeeds.
 */
describe('role checks on every action', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  const EVERYONE = Object.entries(USERS) as [string, TestUser][];
  const holding = (role: string) => EVERYONE.filter(([, u]) => (u.roles as string[]).includes(role));
  const lacking = (role: string) => EVERYONE.filter(([, u]) => !(u.roles as string[]).includes(role));

  /** A foreign partner that burdens the budget: the case passes through every task stage. */
  const EVERY_STAGE = {
    title: 'Sister city Kota Jambi – Guangzhou',
    instrument: 'kb',
    partner: { name: 'Guangzhou', category: 'foreign', country: 'China' },
    requiresDprdApproval: true,
  };

  /** Contract §4: who acts at each task stage, what moves it forward, and where it goes next. */
  const STAGES: { stage: string; role: string; actor: TestUser; decision: string; next: string }[] = [
    { stage: 'administrative_check', role: 'secretariat', actor: USERS.secretariat, decision: 'approve', next: 'technical_review' },
    { stage: 'technical_review', role: 'technical_reviewer', actor: USERS.reviewerA, decision: 'approve', next: 'tkksd_coordination' },
    { stage: 'tkksd_coordination', role: 'tkksd_chair', actor: USERS.chair, decision: 'approve', next: 'legal_review' },
    { stage: 'legal_review', role: 'legal', actor: USERS.legal, decision: 'approve', next: 'dprd_approval' },
    { stage: 'dprd_approval', role: 'dprd', actor: USERS.dprd, decision: 'approve', next: 'ministry_approval' },
    { stage: 'ministry_approval', role: 'secretariat', actor: USERS.secretariat, decision: 'approve', next: 'mayor_signature' },
    { stage: 'mayor_signature', role: 'mayor', actor: USERS.mayor, decision: 'sign', next: 'signed' },
  ];

  const caseCount = () => countCases(t);
  const stateOf = (caseId: string) => caseState(t, caseId);
  const createAndSubmit = (body: Record<string, unknown> = {}) => submittedCase(t, body);

  async function refusedWithoutChange(caseId: string, status: number, act: () => Promise<Response>): Promise<Response> {
    const before = await stateOf(caseId);
    const res = await act();
    expectError(res, status);
    expect(await stateOf(caseId)).toEqual(before);
    return res;
  }

  /** A case with every stage, driven by the right roles up to `stage`. */
  async function caseAt(stage: string): Promise<any> {
    const c = await createAndSubmit(EVERY_STAGE);
    for (const s of STAGES) {
      if (s.stage === stage) break;
      const res = await t.decide(c.id, s.actor, s.decision);
      expect(res.status).toBe(200);
      expect(res.body.case.stage).toBe(s.next);
    }
    expect(await t.stageOf(c.id)).toBe(stage);
    return (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body;
  }

  async function signedCase(): Promise<any> {
    const c = await createAndSubmit();
    for (const [u, d] of [
      [USERS.secretariat, 'approve'],
      [USERS.reviewerA, 'approve'],
      [USERS.chair, 'approve'],
      [USERS.legal, 'approve'],
      [USERS.mayor, 'sign'],
    ] as const) {
      expect((await t.decide(c.id, u, d)).status).toBe(200);
    }
    expect(await t.stageOf(c.id)).toBe('signed');
    return c;
  }

  describe('completing a task needs the stage’s role', () => {
    it.each(STAGES.map((s) => [s.stage, s] as const))('%s: every other role gets 403 and changes nothing; the right role succeeds', async (_, s) => {
      const c = await caseAt(s.stage);
      expect(c.openTasks).toHaveLength(1);
      const task = c.openTasks[0];
      expect(task).toMatchObject({ stage: s.stage, role: s.role, assigneeId: null });
      const wrong = lacking(s.role);
      expect(wrong.length).toBeGreaterThan(0);
      for (const [name, user] of wrong) {
        // Another proposer may not see the case at all: its task is as unknown as a missing one (contract §6).
        const refusal = user === USERS.proposer2 ? 404 : 403;
        const res = await refusedWithoutChange(c.id, refusal, () => t.post(`/api/tasks/${task.id}/complete`, user, { decision: s.decision, comment: `by ${name}` }));
        expect(res.body.statusCode).toBe(refusal);
        await refusedWithoutChange(c.id, refusal, () => t.post(`/api/tasks/${task.id}/claim`, user));
        if (user !== USERS.admin) {
          await refusedWithoutChange(c.id, refusal, () => t.post(`/api/tasks/${task.id}/delegate`, user, { userId: s.actor.id }));
        }
      }
      if (s.decision === 'sign') expect((await t.upload(c.id, s.actor, 'signed')).status).toBe(201);
      const ok = await t.post(`/api/tasks/${task.id}/complete`, s.actor, { decision: s.decision });
      expect(ok.status).toBe(200);
      expect(ok.body.task).toMatchObject({ status: 'completed', decision: s.decision, completedBy: s.actor.id });
      expect(ok.body.case.stage).toBe(s.next);
    });

    it('a plain TKKSD member cannot decide TKKSD coordination in any way; only the chair can', async () => {
      const c = await caseAt('tkksd_coordination');
      const task = c.openTasks[0];
      expect(task.role).toBe('tkksd_chair');
      for (const body of [{ decision: 'approve' }, { decision: 'revise', comment: 'Perbaiki' }, { decision: 'reject', comment: 'Tidak layak' }]) {
        await refusedWithoutChange(c.id, 403, () => t.post(`/api/tasks/${task.id}/complete`, USERS.tkksd, body));
      }
      await refusedWithoutChange(c.id, 403, () => t.post(`/api/tasks/${task.id}/claim`, USERS.tkksd));
      const tasks = await t.get('/api/tasks', USERS.tkksd);
      expect(tasks.body.items.map((x: any) => x.id)).not.toContain(task.id);
      expect((await t.post(`/api/tasks/${task.id}/complete`, USERS.chair, { decision: 'approve' })).status).toBe(200);
    });

    it('the other holders of a stage’s role may complete it too (secretariat2 at ministry_approval, reviewerB at technical_review)', async () => {
      const m = await caseAt('ministry_approval');
      expect(holding('secretariat').map(([, u]) => u.id)).toContain(USERS.secretariat2.id);
      expect((await t.post(`/api/tasks/${m.openTasks[0].id}/complete`, USERS.secretariat2, { decision: 'approve' })).status).toBe(200);
      const r = await caseAt('technical_review');
      expect((await t.post(`/api/tasks/${r.openTasks[0].id}/complete`, USERS.reviewerB, { decision: 'approve' })).status).toBe(200);
    });

    it('an assigned technical-review task: another role gets 403, another reviewer gets 409, the assignee succeeds', async () => {
      const c = await createAndSubmit();
      await t.decide(c.id, USERS.secretariat, 'approve', { reviewers: [USERS.reviewerA.id] });
      const task = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.openTasks[0];
      expect(task.assigneeId).toBe(USERS.reviewerA.id);
      for (const [, user] of lacking('technical_reviewer')) {
        await refusedWithoutChange(c.id, user === USERS.proposer2 ? 404 : 403, () => t.post(`/api/tasks/${task.id}/complete`, user, { decision: 'approve' }));
      }
      await refusedWithoutChange(c.id, 409, () => t.post(`/api/tasks/${task.id}/complete`, USERS.reviewerB, { decision: 'approve' }));
      expect((await t.post(`/api/tasks/${task.id}/complete`, USERS.reviewerA, { decision: 'approve' })).status).toBe(200);
    });
  });

  describe('case events', () => {
    it('SUBMIT only by the proposer who created the case', async () => {
      const c = await t.createCase();
      // Another proposer may not see the case at all: 404, as for an unknown case (contract §6).
      await refusedWithoutChange(c.id, 404, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer2, { type: 'SUBMIT' }));
      await refusedWithoutChange(c.id, 403, () => t.post(`/api/cases/${c.id}/events`, USERS.secretariat, { type: 'SUBMIT' }));
      for (const [, user] of EVERYONE.filter(([, u]) => u.id !== USERS.proposer.id && u.id !== USERS.proposer2.id)) {
        await refusedWithoutChange(c.id, 403, () => t.post(`/api/cases/${c.id}/events`, user, { type: 'SUBMIT' }));
      }
      const ok = await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
      expect(ok.status).toBe(201);
      expect(ok.body.stage).toBe('administrative_check');
    });

    it('RESUBMIT only by the proposer who created the case', async () => {
      const c = await createAndSubmit();
      expect((await t.decide(c.id, USERS.secretariat, 'revise', { comment: 'Lengkapi KAK' })).body.case.stage).toBe('revision');
      // Another proposer may not see the case at all: 404, as for an unknown case (contract §6).
      await refusedWithoutChange(c.id, 404, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer2, { type: 'RESUBMIT' }));
      await refusedWithoutChange(c.id, 403, () => t.post(`/api/cases/${c.id}/events`, USERS.secretariat, { type: 'RESUBMIT' }));
      for (const [, user] of EVERYONE.filter(([, u]) => u.id !== USERS.proposer.id && u.id !== USERS.proposer2.id)) {
        await refusedWithoutChange(c.id, 403, () => t.post(`/api/cases/${c.id}/events`, user, { type: 'RESUBMIT' }));
      }
      const ok = await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'RESUBMIT', comment: 'KAK dilampirkan' });
      expect(ok.status).toBe(201);
      expect(ok.body.stage).toBe('administrative_check');
    });

    it('WITHDRAW only by the proposer who created the case', async () => {
      const c = await createAndSubmit();
      // Another proposer may not see the case at all: 404, as for an unknown case (contract §6).
      await refusedWithoutChange(c.id, 404, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer2, { type: 'WITHDRAW' }));
      await refusedWithoutChange(c.id, 403, () => t.post(`/api/cases/${c.id}/events`, USERS.secretariat, { type: 'WITHDRAW' }));
      for (const [, user] of EVERYONE.filter(([, u]) => u.id !== USERS.proposer.id && u.id !== USERS.proposer2.id)) {
        await refusedWithoutChange(c.id, 403, () => t.post(`/api/cases/${c.id}/events`, user, { type: 'WITHDRAW' }));
      }
      const ok = await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'WITHDRAW' });
      expect(ok.status).toBe(201);
      expect(ok.body.stage).toBe('withdrawn');
    });

    it('TERMINATE only by the secretariat, not even by the case’s proposer', async () => {
      const c = await signedCase();
      for (const [, user] of lacking('secretariat')) {
        await refusedWithoutChange(c.id, 403, () => t.post(`/api/cases/${c.id}/events`, user, { type: 'TERMINATE', grounds: 'mutual_agreement', comment: 'Diakhiri' }));
      }
      const ok = await terminate(t, c.id, { comment: 'Diakhiri atas kesepakatan para pihak' }, USERS.secretariat2);
      expect(ok.status).toBe(201);
      expect(ok.body.stage).toBe('terminated');
    });
  });

  describe('endpoints restricted to roles', () => {
    it('POST /api/cases only by a proposer: everyone else gets 403 and no case appears', async () => {
      const body = { title: 'KB', instrument: 'kb', partner: { name: 'Kabupaten Batang Hari', category: 'region' } };
      const before = await caseCount();
      for (const [, user] of lacking('proposer')) expectError(await t.post('/api/cases', user, body), 403);
      expect(await caseCount()).toBe(before);
      const ok = await t.post('/api/cases', USERS.proposer2, body);
      expect(ok.status).toBe(201);
      expect(ok.body.proposerId).toBe(USERS.proposer2.id);
      expect(await caseCount()).toBe(before + 1);
    });

    it('GET /api/users and PUT /api/users/:id only by an admin', async () => {
      const list = async () => (await t.get('/api/users', USERS.admin)).body.items;
      const before = await list();
      for (const [, user] of lacking('admin')) {
        expectError(await t.get('/api/users', user), 403);
        expectError(await t.request('PUT', '/api/users/new-staff', { as: user, body: { name: 'Staf', email: 'staf@jambikota.go.id', roles: ['admin'] } }), 403);
        expectError(await t.request('PUT', `/api/users/${user.id}`, { as: user, body: { name: 'Me', email: 'me@jambikota.go.id', roles: ['admin'] } }), 403);
      }
      expect(await list()).toEqual(before);
      const ok = await t.request('PUT', '/api/users/new-staff', { as: USERS.admin, body: { name: 'Staf', email: 'staf@jambikota.go.id', roles: ['secretariat'], supervisorId: 'sekda' } });
      expect(ok.status).toBe(200);
      expect((await list()).map((u: any) => u.id)).toContain('new-staff');
    });

    it('GET /api/audit/verify only by an auditor (not even an admin)', async () => {
      for (const [, user] of lacking('auditor')) expectError(await t.get('/api/audit/verify', user), 403);
      expectError(await t.get('/api/audit/verify', USERS.admin), 403);
      const ok = await t.get('/api/audit/verify', USERS.auditor);
      expect(ok.status).toBe(200);
      expect(ok.body.ok).toBe(true);
    });

    it('GET /api/cases/:id/replay only by an auditor or an admin', async () => {
      const c = await createAndSubmit();
      for (const [, user] of EVERYONE.filter(([, u]) => !u.roles.some((r) => r === 'auditor' || r === 'admin'))) {
        expectError(await t.get(`/api/cases/${c.id}/replay?seq=1`, user), 403);
      }
      for (const user of [USERS.auditor, USERS.admin]) {
        const ok = await t.get(`/api/cases/${c.id}/replay?seq=${c.version}`, user);
        expect(ok.status).toBe(200);
        expect(ok.body).toMatchObject({ seq: c.version, stage: 'administrative_check', matchesStored: true });
      }
    });

    it('GET /api/cases/:id/history: auditor, admin and participants; other roles get 403, another proposer 404', async () => {
      const c = await createAndSubmit();
      await t.decide(c.id, USERS.secretariat, 'approve', { reviewers: [USERS.reviewerA.id] });
      for (const user of [USERS.auditor, USERS.admin, USERS.proposer, USERS.secretariat, USERS.reviewerA]) {
        const res = await t.get(`/api/cases/${c.id}/history`, user);
        expect(res.status).toBe(200);
        expect(res.body.map((e: any) => e.type)).toEqual(['CASE_CREATED', 'DOCUMENT_UPLOADED', 'DOCUMENT_UPLOADED', 'SUBMIT', 'TASK_COMPLETED']);
      }
      // Another proposer may not see the case at all (contract §6): 404, as for an unknown case.
      expectError(await t.get(`/api/cases/${c.id}/history`, USERS.proposer2), 404);
      // Roles the case never reached have no part in it either.
      expectError(await t.get(`/api/cases/${c.id}/history`, USERS.mayor), 403);
      expectError(await t.get(`/api/cases/${c.id}/history`, USERS.dprd), 403);
    });

    it('a directory user with no roles gets 403 on “any role” endpoints, whatever roles their token claims', async () => {
      const c = await t.createCase();
      const stranger = { id: 'stranger', name: 'Stranger', roles: [] };
      await t.addUser(stranger);
      for (const roles of [['citizen'], [], ['Proposer', 'ADMIN'], ['proposer', 'admin']]) {
        const token = await t.token(stranger, { roles });
        const headers = { authorization: `Bearer ${token}` };
        for (const url of ['/api/cases', `/api/cases/${c.id}`, '/api/tasks', '/api/workflows', `/api/reports/agreements?year=2026`]) {
          expectError(await t.request('GET', url, { headers }), 403);
        }
        const before = await caseCount();
        expectError(await t.request('POST', '/api/cases', { headers, body: { title: 'KB', instrument: 'kb', partner: { name: 'X', category: 'region' } } }), 403);
        expect(await caseCount()).toBe(before);
        await refusedWithoutChange(c.id, 403, () => t.request('POST', `/api/cases/${c.id}/events`, { headers, body: { type: 'WITHDRAW' } }));
      }
    });

    it('the directory’s roles count, not the token’s: a proposer’s token claiming auditor still submits, an auditor’s claiming proposer does not', async () => {
      const c = await t.createCase();
      const claimsAuditor = await t.token(USERS.proposer, { roles: ['auditor'] });
      const submitted = await t.request('POST', `/api/cases/${c.id}/events`, { headers: { authorization: `Bearer ${claimsAuditor}` }, body: { type: 'SUBMIT' } });
      expect(submitted.status).toBe(201);
      const claimsProposer = await t.token(USERS.auditor, { roles: ['proposer'] });
      const before = await caseCount();
      expectError(await t.request('POST', '/api/cases', { headers: { authorization: `Bearer ${claimsProposer}` }, body: { title: 'KB', instrument: 'kb', partner: { name: 'X', category: 'region' } } }), 403);
      expect(await caseCount()).toBe(before);
    });
  });

  describe('claiming', () => {
    it('a task claimed by another: claim and complete give 409, unclaim by a non-assignee 403; the admin may unclaim', async () => {
      const c = await createAndSubmit();
      const task = c.openTasks[0];
      const claimed = await t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat);
      expect(claimed.status).toBe(200);
      expect(claimed.body).toMatchObject({ id: task.id, assigneeId: USERS.secretariat.id, status: 'open' });
      // Claiming one's own task again is a no-op.
      const before = await stateOf(c.id);
      const again = await t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat);
      expect(again.status).toBe(200);
      expect(again.body.assigneeId).toBe(USERS.secretariat.id);
      expect(await stateOf(c.id)).toEqual(before);

      await refusedWithoutChange(c.id, 409, () => t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat2));
      await refusedWithoutChange(c.id, 409, () => t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat2, { decision: 'approve' }));
      await refusedWithoutChange(c.id, 409, () => t.post(`/api/tasks/${task.id}/delegate`, USERS.secretariat2, { userId: USERS.secretariat2.id }));
      await refusedWithoutChange(c.id, 403, () => t.post(`/api/tasks/${task.id}/unclaim`, USERS.secretariat2));
      await refusedWithoutChange(c.id, 403, () => t.post(`/api/tasks/${task.id}/unclaim`, USERS.proposer));
      await refusedWithoutChange(c.id, 403, () => t.post(`/api/tasks/${task.id}/unclaim`, USERS.auditor));
      // A user outside the role is refused for the role before anything else.
      await refusedWithoutChange(c.id, 403, () => t.post(`/api/tasks/${task.id}/complete`, USERS.legal, { decision: 'approve' }));

      const unclaimed = await t.post(`/api/tasks/${task.id}/unclaim`, USERS.admin);
      expect(unclaimed.status).toBe(200);
      expect(unclaimed.body.assigneeId).toBeNull();
      const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
      expect(history.map((e: any) => e.type).slice(-2)).toEqual(['TASK_CLAIMED', 'TASK_UNCLAIMED']);
      expect(history[history.length - 1].actor.id).toBe(USERS.admin.id);

      expect((await t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat2)).body.assigneeId).toBe(USERS.secretariat2.id);
      await refusedWithoutChange(c.id, 409, () => t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision: 'approve' }));
      const done = await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat2, { decision: 'approve' });
      expect(done.status).toBe(200);
      expect(done.body.task.completedBy).toBe(USERS.secretariat2.id);
    });

    it('the assignee may unclaim their own task', async () => {
      const c = await createAndSubmit();
      const task = c.openTasks[0];
      await t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat);
      const res = await t.post(`/api/tasks/${task.id}/unclaim`, USERS.secretariat);
      expect(res.status).toBe(200);
      expect(res.body.assigneeId).toBeNull();
    });
  });
});
