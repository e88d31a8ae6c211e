import { TestApp, USERS } from './support/test-app.js';

describe('health, workflows, users, OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers health without a token and names the database', async () => {
    const h = await t.get('/api/health');
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ok', database: { kind: process.env.DATABASE_URL ? 'postgres' : 'sqlite', status: 'ok' }, queue: { status: 'ok' } });
  });

  it('lists workflow definitions and serves the diagram as SVG', async () => {
    const w = await t.get('/api/workflows', USERS.proposer);
    expect(w.body).toEqual([
      expect.objectContaining({ name: 'cooperation', version: 1, current: false, sealed: true, stages: expect.arrayContaining(['proposal', 'signed', 'revision']) }),
      expect.objectContaining({ name: 'cooperation', version: 2, current: false, sealed: true, stages: expect.arrayContaining(['proposal', 'signed', 'revision']) }),
      // Partners' way in (contract §11): new cases start on it.
      expect.objectContaining({ name: 'cooperation', version: 3, current: true, sealed: true, stages: expect.arrayContaining(['intake', 'awaiting_partner', 'proposal', 'partner_response', 'signed', 'spam']) }),
      // Addenda (contract §10): a workflow of its own, without the minister's approval.
      expect.objectContaining({ name: 'amendment', version: 1, current: true, sealed: true, stages: expect.not.arrayContaining(['ministry_approval']) }),
      expect.objectContaining({ name: 'evaluation', version: 1, current: true, sealed: true, stages: ['evaluation_report', 'evaluation_review', 'evaluation_conclusion', 'concluded', 'cancelled'] }),
    ]);
    expect((await t.get('/api/workflows/amendment/1/diagram', USERS.mayor)).status).toBe(200);
    expect((await t.get('/api/workflows/evaluation/1/diagram', USERS.mayor)).status).toBe(200);
    const svg = await t.get('/api/workflows/cooperation/1/diagram', USERS.mayor);
    expect(svg.status).toBe(200);
    expect(String(svg.headers['content-type'])).toMatch(/^image\/svg\+xml/);
    expect(svg.text).toMatch(/^(<\?xml[^>]*>\s*)?<svg /);
    expect(svg.text).toContain('ministry_approval');
    expect((await t.get('/api/workflows/cooperation/2/diagram', USERS.mayor)).status).toBe(200);
    expect((await t.get('/api/workflows/cooperation/3/diagram', USERS.mayor)).status).toBe(200);
    expect((await t.get('/api/workflows/cooperation/4/diagram', USERS.mayor)).status).toBe(404);
    expect((await t.get('/api/workflows/cooperation/x/diagram', USERS.mayor)).status).toBe(404);
    expect((await t.get('/api/workflows', undefined)).status).toBe(401);
  });

  it('keeps the directory through the users API (admin only)', async () => {
    const put = await t.request('PUT', '/api/users/tt-c', { as: USERS.admin, body: { name: 'Tim Teknis C', email: 'tt-c@jambikota.go.id', roles: ['technical_reviewer'], supervisorId: 'sekda', locale: 'en' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'tt-c', roles: ['technical_reviewer'], supervisorId: 'sekda', locale: 'en' });
    const list = await t.get('/api/users', USERS.admin);
    expect(list.body.items.map((u: any) => u.id)).toContain('tt-c');
    const update = await t.request('PUT', '/api/users/tt-c', { as: USERS.admin, body: { name: 'Tim Teknis C', email: 'c@jambikota.go.id', roles: ['technical_reviewer', 'tkksd'] } });
    expect(update.body).toMatchObject({ email: 'c@jambikota.go.id', roles: ['technical_reviewer', 'tkksd'], supervisorId: null, locale: 'en' });
  });

  it('serves OpenAPI at /api/docs with every contract path', async () => {
    expect((await t.get('/api/docs')).status).toBe(200);
    const doc = (await t.get('/api/docs/openapi.json')).body;
    for (const path of ['/api/cases', '/api/cases/{id}', '/api/cases/{id}/events', '/api/tasks', '/api/tasks/{id}/claim', '/api/tasks/{id}/unclaim', '/api/tasks/{id}/delegate', '/api/tasks/{id}/complete', '/api/cases/{id}/history', '/api/cases/{id}/replay', '/api/audit/verify', '/api/workflows', '/api/workflows/{name}/{version}/diagram', '/api/workflows/{name}/migrate', '/api/reports/agreements', '/api/users', '/api/users/{id}', '/api/health', '/api/agreements/{id}/evaluations']) {
      expect([path, Boolean(doc.paths[path])]).toEqual([path, true]);
    }
  });
});

describe('ONEGATE_DIRECTORY', () => {
  it('loads users from the file at start, supervisors in any order', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'onegate-dir-')), 'users.json');
    writeFileSync(
      file,
      JSON.stringify([
        { id: 'staf-1', name: 'Staf', email: 'staf@jambikota.go.id', roles: ['secretariat'], supervisorId: 'kabag-1' },
        { id: 'kabag-1', name: 'Kabag Kerja Sama', email: 'kabag@jambikota.go.id', roles: ['secretariat'], locale: 'en' },
      ]),
    );
    const t = await TestApp.start({ directoryFile: file });
    try {
      const users = (await t.get('/api/users', USERS.admin)).body.items;
      expect(users.find((u: any) => u.id === 'staf-1')).toMatchObject({ supervisorId: 'kabag-1', locale: 'id' });
      expect(users.find((u: any) => u.id === 'kabag-1')).toMatchObject({ locale: 'en', supervisorId: null });
    } finally {
      await t.stop();
    }
  });
});
