import { CASE_EVENT, TASK } from '../src/database/entities.js';
import { expectError } from './support/expectations.js';
import { TestApp, USERS } from './support/test-app.js';

describe('tasks: inbox, claim, unclaim, delegate, concurrent completion', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  async function atAdministrativeCheck() {
    const c = await t.createCase();
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    const task = (await t.get(`/api/cases/${c.id}`, USERS.secretariat)).body.openTasks[0];
    return { c, task };
  }

  it('shows an unclaimed task to every holder of its role and a claimed one only to its assignee', async () => {
    const { c, task } = await atAdministrativeCheck();
    const inbox1 = await t.get('/api/tasks', USERS.secretariat);
    const inbox2 = await t.get('/api/tasks', USERS.secretariat2);
    expect(inbox1.body.items.map((x: any) => x.id)).toContain(task.id);
    expect(inbox2.body.items.map((x: any) => x.id)).toContain(task.id);
    expect(inbox1.body.items.find((x: any) => x.id === task.id)).toMatchObject({ case: { number: c.number, title: c.title }, decisions: ['approve', 'revise', 'reject'] });
    expect((await t.get('/api/tasks', USERS.legal)).body.items.map((x: any) => x.id)).not.toContain(task.id);

    const claimed = await t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ id: task.id, assigneeId: USERS.secretariat.id, status: 'open' });
    expect((await t.get('/api/tasks', USERS.secretariat2)).body.items.map((x: any) => x.id)).not.toContain(task.id);
    expect((await t.get('/api/tasks', USERS.secretariat)).body.items.map((x: any) => x.id)).toContain(task.id);
    // Claiming one's own task again changes nothing.
    const again = await t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat);
    expect(again.status).toBe(200);
    const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body;
    expect(history.filter((e: any) => e.type === 'TASK_CLAIMED')).toHaveLength(1);

    expect((await t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat2)).status).toBe(409);
    expect((await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat2, { decision: 'approve' })).status).toBe(409);
    const unclaimed = await t.post(`/api/tasks/${task.id}/unclaim`, USERS.secretariat);
    expect(unclaimed.body.assigneeId).toBeNull();
    expect((await t.post(`/api/tasks/${task.id}/unclaim`, USERS.secretariat)).status).toBe(409);
  });

  it('delegates a task to another holder of its role, recorded in the history', async () => {
    const { c, task } = await atAdministrativeCheck();
    await t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat);
    const d = await t.post(`/api/tasks/${task.id}/delegate`, USERS.secretariat, { userId: USERS.secretariat2.id });
    expect(d.status).toBe(200);
    expect(d.body.assigneeId).toBe(USERS.secretariat2.id);
    expect((await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision: 'approve' })).status).toBe(409);
    const done = await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat2, { decision: 'approve' });
    expect(done.status).toBe(200);
    const types = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body.map((e: any) => e.type);
    expect(types).toEqual(['CASE_CREATED', 'DOCUMENT_UPLOADED', 'DOCUMENT_UPLOADED', 'SUBMIT', 'TASK_CLAIMED', 'TASK_DELEGATED', 'TASK_COMPLETED']);
    const completed = await t.get('/api/tasks?status=completed', USERS.secretariat2);
    expect(completed.body.items.find((x: any) => x.id === task.id)).toMatchObject({ status: 'completed', completedBy: USERS.secretariat2.id, decision: 'approve' });
  });

  it('pages the history view newest completion first, each completed task once, by cursor', async () => {
    const done: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { task } = await atAdministrativeCheck();
      expect((await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat2, { decision: 'approve' })).status).toBe(200);
      done.push(task.id);
    }
    const pages: any[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: any } = await t.get(`/api/tasks?status=completed&limit=2${cursor ? `&cursor=${cursor}` : ''}`, USERS.secretariat2);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      pages.push(res.body);
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 100);
    const items = pages.flatMap((p) => p.items);
    const ids = items.map((x: any) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(done));
    // Newest completion first; the five just completed lead, latest first.
    const order = items.map((x: any) => [Date.parse(x.completedAt), x.id] as const);
    for (let i = 1; i < order.length; i++) expect(order[i - 1]![0] > order[i]![0] || (order[i - 1]![0] === order[i]![0] && order[i - 1]![1] > order[i]![1])).toBe(true);
    expect(ids.slice(0, 5).sort()).toEqual([...done].sort());
    // Every completed task of the role or by the caller, counted exactly below the cap.
    const expected = await t.db.read((em) => em.query(`SELECT COUNT(*) AS n FROM tasks WHERE status = 'completed' AND (completed_by = 'sec-2' OR role = 'secretariat')`));
    expect(items).toHaveLength(Number(expected[0].n));
    expect(pages[0]).toMatchObject({ total: items.length, totalCapped: false });
    expect(pages.at(-1).nextCursor).toBeNull();
    // Another role's history does not hold them.
    const legal = await t.get('/api/tasks?status=completed', USERS.legal);
    expect(legal.body.items.map((x: any) => x.id)).not.toEqual(expect.arrayContaining([done[0]]));
  });

  it('refuses a cursor it did not give, a cursor on the inbox and a limit out of range, naming the field', async () => {
    expectError(await t.get('/api/tasks?status=completed&cursor=bm90LWEtY3Vyc29y', USERS.secretariat), 400, 'cursor');
    const page = await t.get('/api/tasks?status=completed&limit=1', USERS.secretariat2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    expectError(await t.get(`/api/tasks?cursor=${page.body.nextCursor}`, USERS.secretariat2), 400, 'cursor');
    expectError(await t.get('/api/tasks?limit=0', USERS.secretariat), 400, 'limit');
    expectError(await t.get('/api/tasks?status=completed&limit=501', USERS.secretariat), 400, 'limit');
    expectError(await t.get('/api/tasks?limit=ten', USERS.secretariat), 400, 'limit');
  });

  it('lets exactly one of 20 simultaneous completions of a task through, with one event', async () => {
    const { c, task } = await atAdministrativeCheck();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.post(`/api/tasks/${task.id}/complete`, i % 2 ? USERS.secretariat : USERS.secretariat2, { decision: 'approve' })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.statusCode).toBe(409);
    const events = await t.db.read((em) => em.countBy(CASE_EVENT, { caseId: c.id, type: 'TASK_COMPLETED' }));
    expect(events).toBe(1);
    const completed = await t.db.read((em) => em.countBy(TASK, { caseId: c.id, status: 'completed' }));
    expect(completed).toBe(1);
    expect(await t.stageOf(c.id)).toBe('technical_review');
    expect((await t.get('/api/audit/verify', USERS.auditor)).body.ok).toBe(true);
  });

  it('keeps 20 simultaneous different commands on one case consistent (each applied once, chain intact)', async () => {
    const c = await t.createCase();
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    const admin = (await t.get(`/api/cases/${c.id}`, USERS.secretariat)).body.openTasks[0];
    await t.post(`/api/tasks/${admin.id}/complete`, USERS.secretariat, { decision: 'approve', reviewers: [USERS.reviewerA.id, USERS.reviewerB.id] });
    const [ta, tb] = (await t.get(`/api/cases/${c.id}`, USERS.auditor)).body.openTasks.sort((x: any, y: any) => (x.assigneeId < y.assigneeId ? -1 : 1));
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => t.post(`/api/tasks/${ta.id}/complete`, USERS.reviewerA, { decision: 'approve' })),
      ...Array.from({ length: 10 }, () => t.post(`/api/tasks/${tb.id}/complete`, USERS.reviewerB, { decision: 'approve' })),
    ]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(await t.stageOf(c.id)).toBe('tkksd_coordination');
    const verify = await t.get(`/api/audit/verify?caseId=${c.id}`, USERS.auditor);
    expect(verify.body).toMatchObject({ ok: true, casesChecked: 1, eventsChecked: 7 });
  });
});
