import { TestApp, USERS } from './support/test-app.js';

/** What the web app stands on: the page and its modules, the sign-in picker, the dashboard report. */
describe('web app server side', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('serves the page at / and the browser modules it imports', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    for (const m of ['preact.mjs', 'preact-hooks.mjs', 'htm.mjs', 'htm-preact.mjs']) {
      const res = await t.app.inject({ method: 'GET', url: `/vendor/${m}` });
      expect([m, res.statusCode, String(res.headers['content-type'])]).toEqual([m, 200, expect.stringMatching(/javascript/)]);
    }
    expect((await t.app.inject({ method: 'GET', url: '/vendor/../package.json' })).statusCode).not.toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/nope' })).statusCode).toBe(404);
  });

  it('publishes the procedure rules the forms use, for the current version and each version', async () => {
    const current = await t.get('/api/workflows/cooperation/current/rules');
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ workflow: { name: 'cooperation', version: 3 }, instrumentRules: { region: ['kb', 'pks'], foreign: ['loi', 'kb', 'pks'] } });
    expect(current.body.submitRequires).toMatchObject({ always: ['kak'], byCategory: { third_party: ['feasibility_study'] } });
    expect(current.body.uploadRules.mayor_signature).toEqual([{ roles: ['mayor', 'secretariat'], kinds: ['signed', 'other'] }]);
    expect(current.body.taskStageRules.technical_review).toMatchObject({ role: 'technical_reviewer', decisions: ['approve', 'revise'] });
    expect((await t.get('/api/workflows/cooperation/1/rules')).body).toMatchObject({ workflow: { version: 1 }, documentKinds: [] });
    expect((await t.get('/api/workflows/cooperation/9/rules')).status).toBe(404);
  });

  it("answers each version's rules from that version's own definition, not from another's", async () => {
    const { WORKFLOWS, findWorkflow } = await import('../workflows/registry.js');
    const v2 = findWorkflow('cooperation', 2)!;
    const v9 = {
      ...v2,
      version: 9,
      stages: ['proposal', 'mayor_signature', 'signed'],
      taskStages: ['mayor_signature'],
      finalStages: [],
      taskStageRules: { mayor_signature: { ...v2.taskStageRules.mayor_signature!, decisions: ['sign'], commentRequired: [] } },
      documents: null,
    };
    (WORKFLOWS as unknown as unknown[]).push(v9);
    try {
      const rules = (await t.get('/api/workflows/cooperation/9/rules')).body;
      expect(rules).toMatchObject({ workflow: { name: 'cooperation', version: 9 }, stages: v9.stages, taskStages: ['mayor_signature'], documentKinds: [], signRequires: null });
      expect(Object.keys(rules.taskStageRules)).toEqual(['mayor_signature']);
      expect((await t.get('/api/workflows/cooperation/current/rules')).body.workflow.version).toBe(9);
      expect((await t.get('/api/workflows/cooperation/2/rules')).body.taskStages).toEqual(v2.taskStages);
    } finally {
      (WORKFLOWS as unknown as unknown[]).pop();
    }
  });

  it('offers a sign-in picker over the directory outside production, whose token works', async () => {
    const options = await t.get('/api/auth/sign-in-options');
    expect(options.body.mode).toBe('picker');
    expect(options.body.users.map((u: any) => u.id)).toEqual(expect.arrayContaining([USERS.proposer.id, USERS.mayor.id]));
    const signed = await t.post('/api/auth/sign-in-as', undefined, { userId: USERS.mayor.id });
    expect(signed.status).toBe(200);
    expect(signed.body.user).toMatchObject({ id: USERS.mayor.id, roles: ['mayor'] });
    const me = await t.request('GET', '/api/tasks', { headers: { authorization: `Bearer ${signed.body.token}` } });
    expect(me.status).toBe(200);
    expect((await t.post('/api/auth/sign-in-as', undefined, { userId: 'nobody' })).status).toBe(400);
  });

  it('lists people by role for anyone signed in, without e-mails; the full directory stays with the admin', async () => {
    const reviewers = await t.get('/api/people?role=technical_reviewer', USERS.secretariat);
    expect(reviewers.status).toBe(200);
    expect(reviewers.body).toEqual({
      items: [
        { id: USERS.reviewerA.id, name: USERS.reviewerA.name, roles: ['technical_reviewer'] },
        { id: USERS.reviewerB.id, name: USERS.reviewerB.name, roles: ['technical_reviewer'] },
      ],
      total: 2,
    });
    const everyone = await t.get('/api/people', USERS.proposer);
    expect(everyone.body.items.map((u: any) => u.id)).toEqual(expect.arrayContaining(Object.values(USERS).map((u) => u.id)));
    expect(everyone.body.items.every((u: any) => Object.keys(u).sort().join() === 'id,name,roles')).toBe(true);
    const bad = await t.get('/api/people?role=walikota', USERS.proposer);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/role/);
    expect((await t.get('/api/people')).status).toBe(401);
    expect((await t.get('/api/users', USERS.secretariat)).status).toBe(403);
  });

  it('tells the caller who the API takes them for (/api/auth/me)', async () => {
    const me = await t.get('/api/auth/me', USERS.chair);
    expect(me.body).toEqual({ id: USERS.chair.id, name: USERS.chair.name, email: expect.any(String), roles: ['tkksd_chair', 'tkksd'] });
    expect((await t.get('/api/auth/me')).status).toBe(401);
  });

  it('refuses the picker in production', async () => {
    const prod = await TestApp.start({ production: true });
    try {
      expect((await prod.get('/api/auth/sign-in-options')).body).toMatchObject({ mode: 'bearer' });
      const refused = await prod.post('/api/auth/sign-in-as', undefined, { userId: USERS.mayor.id });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/production/);
    } finally {
      await prod.stop();
    }
  });

  it('reports open cases by stage, overdue tasks by role, signed per year and expiring agreements', async () => {
    const c = await t.createCase({ validFrom: '2026-01-01', validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) });
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    for (const [u, d] of [[USERS.secretariat, 'approve'], [USERS.reviewerA, 'approve'], [USERS.chair, 'approve'], [USERS.legal, 'approve'], [USERS.mayor, 'sign']] as const) {
      expect((await t.decide(c.id, u, d)).status).toBe(200);
    }
    const open = await t.createCase();
    await t.post(`/api/cases/${open.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    const d = (await t.get('/api/reports/dashboard', USERS.secretariat)).body;
    expect(d.openByStage).toMatchObject({ administrative_check: 1 });
    const year = new Date().getUTCFullYear();
    expect(d.signedByYear).toEqual(expect.arrayContaining([expect.objectContaining({ year, byInstrument: expect.objectContaining({ kb: 1 }) })]));
    expect(d.expiringSoon.map((x: any) => x.id)).toContain(c.id);
    expect(d.overdueByRole).toEqual({});
  });
});
