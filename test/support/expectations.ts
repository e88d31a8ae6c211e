import type { Response, TestApp } from './test-app.js';
import { USERS } from './test-app.js';

/** The contract's error shape, a 4xx, and (optionally) the message naming something. */
export function expectError(res: Response, status: number, ...named: (string | RegExp)[]): void {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  expect(res.body).toEqual(expect.objectContaining({ statusCode: status, error: expect.any(String), message: expect.any(String) }));
  expect(res.body.error.length).toBeGreaterThan(0);
  for (const n of named) {
    if (typeof n === 'string') expect(res.body.message).toContain(n);
    else expect(res.body.message).toMatch(n);
  }
}

export async function countCases(t: TestApp): Promise<number> {
  const res = await t.get('/api/cases?limit=1', USERS.auditor);
  expect(res.status).toBe(200);
  return res.body.total;
}

/** Everything a refused request might have touched on one case. */
export async function caseState(t: TestApp, caseId: string) {
  const c = await t.get(`/api/cases/${caseId}`, USERS.auditor);
  expect(c.status).toBe(200);
  const history = await t.get(`/api/cases/${caseId}/history`, USERS.auditor);
  expect(history.status).toBe(200);
  const completed = await t.get(`/api/tasks?caseId=${caseId}&status=completed`, USERS.admin);
  return {
    stage: c.body.stage,
    version: c.body.version,
    updatedAt: c.body.updatedAt,
    openTasks: c.body.openTasks.map((x: any) => ({ id: x.id, assigneeId: x.assigneeId, status: x.status })),
    historyLength: history.body.length,
    lastHash: history.body[history.body.length - 1]?.hash,
    completedTasks: completed.body.total,
  };
}

/** A case created and submitted by USERS.proposer. */
export async function submittedCase(t: TestApp, body: Record<string, unknown> = {}): Promise<any> {
  const c = await t.createCase(body);
  const res = await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
  expect(res.status).toBe(201);
  return res.body;
}
