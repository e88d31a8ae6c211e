/**
 * Who sees which case (issue 15 item 7, contract §6): a proposer sees only their own cases; every staff
 * role sees them all, and so does a proposer who also holds a staff role. Everywhere a case's data is
 * read — the list (filters, `q`, pagination, totals), the case, its tasks, documents, history, e-mails,
 * the diagram's highlight, the dashboard's list, and the writes that answer with the case — another
 * proposer's case answers exactly as an unknown id does (404, the same body but for the id asked),
 * so not even its existence shows. The last test opens another's case link in the web app (the
 * system's Chromium, never downloaded; it fails, not skips, when Chromium is missing).
 */
import { randomUUID } from 'node:crypto';
import { type Browser } from 'playwright-core';
import { DirectoryService } from '../src/directory/directory.service.js';
import { CASE } from '../src/database/entities.js';
import type { CaseRow } from '../src/database/rows.js';
import { TestApp, USERS, type Response, type TestUser } from './support/test-app.js';
import { launchChromium, newPage, signIn } from './support/browser.js';

/** A proposer who is also on the secretariat: the staff role opens every case. */
const BOTH: TestUser = { id: 'opd-sec', name: 'Dinas Kominfo (juga Sekretariat)', roles: ['proposer', 'secretariat'] };

let t: TestApp;
const soon = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);

interface Journey {
  id: string;
  title: string;
  /** The proposer's revision task, completed by the RESUBMIT (signed cases) or still open (in revision). */
  revisionTaskId: string;
  documentId: string;
}
/** opd-1's cases: A1 signed (expiring soon), A2 in revision. opd-2's: B1 signed (expiring soon), B2 in revision. */
let A1: Journey, A2: Journey, B1: Journey, B2: Journey;
/** The end-of-term evaluations (contract §10) A1 and B1 opened at signing, their terms ending soon: cases of their proposers too. */
let EA1: string, EB1: string;
const unknownId = randomUUID();

/** A case of `as`, submitted and sent back to revision; then resubmitted and taken to signed unless `to` is revision. */
async function journey(as: TestUser, title: string, partner: string, to: 'revision' | 'signed'): Promise<Journey> {
  const c = await t.createCase({ title, partner: { name: partner, category: 'region' }, validFrom: '2026-01-01', validUntil: soon }, as);
  expect((await t.post(`/api/cases/${c.id}/events`, as, { type: 'SUBMIT' })).status).toBe(201);
  expect((await t.decide(c.id, USERS.secretariat, 'revise', { comment: 'Lengkapi KAK' })).status).toBe(200);
  const revision = (await t.get(`/api/cases/${c.id}`, as)).body.openTasks[0];
  expect(revision).toMatchObject({ stage: 'revision', assigneeId: as.id });
  const documentId = (await t.get(`/api/cases/${c.id}/documents`, as)).body[0].id;
  const made = { id: c.id, title, revisionTaskId: revision.id, documentId };
  if (to === 'revision') return made;
  expect((await t.post(`/api/cases/${c.id}/events`, as, { type: 'RESUBMIT' })).status).toBe(201);
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
  return made;
}

beforeAll(async () => {
  t = await TestApp.start();
  await t.app.get(DirectoryService).put(BOTH.id, { name: BOTH.name, email: `${BOTH.id}@jambikota.go.id`, roles: [...BOTH.roles] });
  A1 = await journey(USERS.proposer, 'Alpha kesehatan ibu dan anak', 'Kabupaten Batanghari', 'signed');
  A2 = await journey(USERS.proposer, 'Alpha puskesmas keliling', 'Kabupaten Tebo', 'revision');
  B1 = await journey(USERS.proposer2, 'Beta rahasia beasiswa guru', 'Kabupaten Sarolangun', 'signed');
  B2 = await journey(USERS.proposer2, 'Beta rahasia sekolah rakyat', 'Kabupaten Bungo', 'revision');
  const evaluationOf = async (j: Journey) => {
    const found = await t.db.read((em) => em.findBy<CaseRow>(CASE, { parentCaseId: j.id, kind: 'evaluation' }));
    expect(found).toHaveLength(1);
    return found[0]!.id;
  };
  EA1 = await evaluationOf(A1);
  EB1 = await evaluationOf(B1);
}, 120_000);

afterAll(async () => {
  await t?.stop();
}, 30_000);

const STAFF: [string, TestUser][] = [
  ['secretariat', USERS.secretariat],
  ['auditor', USERS.auditor],
  ['proposer and secretariat', BOTH],
];

/** The other's answer is the unknown id's, word for word, but for the id that was asked. */
function expectSameAsUnknown(other: Response, unknown: Response, otherId: string, askedUnknownId = unknownId): void {
  expect(unknown.status).toBe(404);
  expect(other.status).toBe(404);
  expect(other.body).toEqual(JSON.parse(JSON.stringify(unknown.body).split(askedUnknownId).join(otherId)));
}

const ids = (res: Response) => (res.body.items as { id: string }[]).map((c) => c.id).sort();

describe('GET /api/cases', () => {
  it("lists a proposer's own cases only, counted in total; staff see every case", async () => {
    const mine = await t.get('/api/cases', USERS.proposer);
    expect(mine.status).toBe(200);
    expect(ids(mine)).toEqual([A1.id, A2.id, EA1].sort());
    expect(mine.body.total).toBe(3);
    const theirs = await t.get('/api/cases', USERS.proposer2);
    expect(ids(theirs)).toEqual([B1.id, B2.id, EB1].sort());
    expect(theirs.body.total).toBe(3);
    for (const [, user] of STAFF) {
      const all = await t.get('/api/cases', user);
      expect(ids(all)).toEqual([A1.id, A2.id, B1.id, B2.id, EA1, EB1].sort());
      expect(all.body.total).toBe(6);
    }
  });

  it("finds nothing of another's with q (title, partner or number), and filters and pages within the own cases", async () => {
    const number = (await t.get(`/api/cases/${B1.id}`, USERS.secretariat)).body.number;
    // B1's evaluation carries its title and partner too.
    for (const [q, found] of [['Beta rahasia', 3], ['Sarolangun', 2], [number, 1]] as const) {
      const res = await t.get(`/api/cases?q=${encodeURIComponent(q)}`, USERS.proposer);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ items: [], total: 0 });
      expect(res.text).not.toContain('Beta');
      expect((await t.get(`/api/cases?q=${encodeURIComponent(q)}`, USERS.secretariat)).body.total).toBe(found);
    }
    const signed = await t.get('/api/cases?stage=signed', USERS.proposer);
    expect(ids(signed)).toEqual([A1.id]);
    expect(signed.body.total).toBe(1);
    const byYear = await t.get(`/api/cases?year=${new Date().getFullYear()}&category=region&instrument=kb`, USERS.proposer);
    expect(ids(byYear)).toEqual([A1.id, A2.id, EA1].sort());
    expect(byYear.body.total).toBe(3);
    const pages = await Promise.all([0, 1, 2, 3].map((offset) => t.get(`/api/cases?limit=1&offset=${offset}`, USERS.proposer)));
    expect(pages.map((p) => p.body.total)).toEqual([3, 3, 3, 3]);
    expect(pages.flatMap(ids).sort()).toEqual([A1.id, A2.id, EA1].sort());
  });
});

describe('GET /api/cases/:id', () => {
  it("is 404 for another proposer's case, the same answer as an unknown id; 200 for the own case and for staff", async () => {
    const unknown = await t.get(`/api/cases/${unknownId}`, USERS.proposer);
    for (const other of [B1, B2]) expectSameAsUnknown(await t.get(`/api/cases/${other.id}`, USERS.proposer), unknown, other.id);
    for (const other of [A1, A2]) expectSameAsUnknown(await t.get(`/api/cases/${other.id}`, USERS.proposer2), await t.get(`/api/cases/${unknownId}`, USERS.proposer2), other.id);
    expect((await t.get(`/api/cases/${A1.id}`, USERS.proposer)).body).toMatchObject({ id: A1.id, title: A1.title, stage: 'signed' });
    for (const [, user] of STAFF) expect((await t.get(`/api/cases/${B1.id}`, user)).body).toMatchObject({ id: B1.id, title: B1.title });
  });
});

describe('tasks', () => {
  it("GET /api/tasks/:id is 404 for a task of another's case, as for an unknown task", async () => {
    const unknown = await t.get(`/api/tasks/${unknownId}`, USERS.proposer);
    for (const other of [B1, B2]) expectSameAsUnknown(await t.get(`/api/tasks/${other.revisionTaskId}`, USERS.proposer), unknown, other.revisionTaskId);
    expect((await t.get(`/api/tasks/${A2.revisionTaskId}`, USERS.proposer)).body).toMatchObject({ id: A2.revisionTaskId, caseId: A2.id });
    expect((await t.get(`/api/tasks/${B2.revisionTaskId}`, USERS.proposer2)).status).toBe(200);
    for (const [, user] of STAFF) expect((await t.get(`/api/tasks/${B2.revisionTaskId}`, user)).body).toMatchObject({ id: B2.revisionTaskId, caseId: B2.id });
  });

  it("completing, claiming or delegating a task of another's case is 404, as for an unknown task, and changes nothing", async () => {
    const before = (await t.get(`/api/cases/${B2.id}`, USERS.auditor)).body;
    const writes: [string, Record<string, unknown>][] = [
      ['complete', { decision: 'resubmit' }],
      ['claim', {}],
      ['unclaim', {}],
      ['delegate', { userId: USERS.proposer.id }],
    ];
    for (const [verb, body] of writes) {
      const unknown = await t.post(`/api/tasks/${unknownId}/${verb}`, USERS.proposer, body);
      expectSameAsUnknown(await t.post(`/api/tasks/${B2.revisionTaskId}/${verb}`, USERS.proposer, body), unknown, B2.revisionTaskId);
    }
    expect((await t.get(`/api/cases/${B2.id}`, USERS.auditor)).body).toEqual(before);
  });

  it("the history view (status=completed, with or without caseId) holds no task of another's case", async () => {
    const history = await t.get('/api/tasks?status=completed', USERS.proposer);
    expect(history.status).toBe(200);
    const caseIds = (res: Response) => [...new Set((res.body.items as { caseId: string }[]).map((x) => x.caseId))].sort();
    expect(caseIds(history)).toEqual([A1.id]);
    expect(history.body.total).toBe(1);
    expect(history.text).not.toContain('Beta');
    const ofOther = await t.get(`/api/tasks?status=completed&caseId=${B1.id}`, USERS.proposer);
    expect(ofOther.body).toMatchObject({ items: [], total: 0 });
    expect(ofOther.body).toEqual(await t.get(`/api/tasks?status=completed&caseId=${unknownId}`, USERS.proposer).then((r) => r.body));
    expect(caseIds(await t.get(`/api/tasks?status=completed&caseId=${B1.id}`, USERS.proposer2))).toEqual([B1.id]);
    expect((await t.get(`/api/tasks?status=completed&caseId=${B1.id}`, USERS.secretariat)).body.total).toBeGreaterThan(0);
  });
});

describe("a case's record: documents, history, e-mails", () => {
  it("each is 404 for another proposer's case, as for an unknown case; 200 for the own case and for staff", async () => {
    for (const path of ['documents', 'history', 'notifications']) {
      const unknown = await t.get(`/api/cases/${unknownId}/${path}`, USERS.proposer);
      for (const other of [B1, B2]) expectSameAsUnknown(await t.get(`/api/cases/${other.id}/${path}`, USERS.proposer), unknown, other.id);
      expect((await t.get(`/api/cases/${A1.id}/${path}`, USERS.proposer)).status).toBe(200);
      expect((await t.get(`/api/cases/${B1.id}/${path}`, USERS.proposer2)).status).toBe(200);
      for (const user of [USERS.auditor, BOTH]) expect((await t.get(`/api/cases/${B1.id}/${path}`, user)).status).toBe(200);
    }
  });

  it("a document of another's case is 404, the same answer as an unknown document", async () => {
    const unknown = await t.get(`/api/documents/${unknownId}/content`, USERS.proposer);
    const other = await t.get(`/api/documents/${B1.documentId}/content`, USERS.proposer);
    expectSameAsUnknown(other, unknown, B1.documentId);
    expect(other.text).not.toContain(B1.id);
    expect((await t.get(`/api/documents/${A1.documentId}/content`, USERS.proposer)).status).toBe(200);
    expect((await t.get(`/api/documents/${B1.documentId}/content`, USERS.proposer2)).status).toBe(200);
    expect((await t.get(`/api/documents/${B1.documentId}/content`, USERS.auditor)).status).toBe(200);
  });
});

describe('GET /api/workflows/:name/:version/diagram?caseId=', () => {
  it("does not draw another's case's stage: 404 as for an unknown case", async () => {
    const diagram = (caseId: string, as: TestUser) => t.get(`/api/workflows/cooperation/3/diagram?caseId=${caseId}`, as);
    const other = await diagram(B2.id, USERS.proposer);
    expectSameAsUnknown(other, await diagram(unknownId, USERS.proposer), B2.id);
    expect(other.text).not.toMatch(/\bcurrent\b/);
    const own = await diagram(A2.id, USERS.proposer);
    expect(own.status).toBe(200);
    expect(own.text).toMatch(/<g class="stage\b[^"]*\bcurrent\b[^"]*" id="stage-revision"/);
    for (const [, user] of STAFF) expect((await diagram(B2.id, user)).text).toMatch(/<g class="stage\b[^"]*\bcurrent\b[^"]*" id="stage-revision"/);
  });
});

describe('GET /api/reports/dashboard', () => {
  it("lists only the proposer's own agreements among those expiring soon; staff see all", async () => {
    const expiring = async (as: TestUser) => ((await t.get('/api/reports/dashboard', as)).body.expiringSoon as { id: string }[]).map((x) => x.id).sort();
    expect(await expiring(USERS.proposer)).toEqual([A1.id]);
    expect(await expiring(USERS.proposer2)).toEqual([B1.id]);
    expect((await t.get('/api/reports/dashboard', USERS.proposer)).text).not.toContain('Beta');
    for (const [, user] of STAFF) expect(await expiring(user)).toEqual([A1.id, B1.id].sort());
  });

  it('keeps the counts, which name no case, the same for every role (as /api/reports/agreements)', async () => {
    const { expiringSoon: _p, ...proposerCounts } = (await t.get('/api/reports/dashboard', USERS.proposer)).body;
    const { expiringSoon: _s, ...staffCounts } = (await t.get('/api/reports/dashboard', USERS.secretariat)).body;
    expect(proposerCounts).toEqual(staffCounts);
    expect(proposerCounts.openByStage).toMatchObject({ revision: 2 });
    const agreements = await t.get('/api/reports/agreements', USERS.proposer);
    expect(agreements.body).toMatchObject({ total: 2 });
    expect(agreements.body).toEqual((await t.get('/api/reports/agreements', USERS.secretariat)).body);
  });
});

describe('writes that would show another proposer’s case', () => {
  it("an event sent to another's case is 404, as to an unknown case, and changes nothing", async () => {
    const before = (await t.get(`/api/cases/${B2.id}`, USERS.auditor)).body;
    const unknown = await t.post(`/api/cases/${unknownId}/events`, USERS.proposer, { type: 'WITHDRAW' });
    expectSameAsUnknown(await t.post(`/api/cases/${B2.id}/events`, USERS.proposer, { type: 'WITHDRAW' }), unknown, B2.id);
    // A stale expectedVersion would name the case's version (409): it is not asked before the 404.
    const staleUnknown = await t.post(`/api/cases/${unknownId}/events`, USERS.proposer, { type: 'WITHDRAW', expectedVersion: 999 });
    expectSameAsUnknown(await t.post(`/api/cases/${B2.id}/events`, USERS.proposer, { type: 'WITHDRAW', expectedVersion: 999 }), staleUnknown, B2.id);
    expect((await t.get(`/api/cases/${B2.id}`, USERS.auditor)).body).toEqual(before);
  });

  it("another's case as parentCaseId is refused as an unknown one is", async () => {
    const body = (parentCaseId: string) => ({ title: 'Turunan', instrument: 'kb', partner: { name: 'Kabupaten Merangin', category: 'region' }, parentCaseId });
    const unknown = await t.post('/api/cases', USERS.proposer, body(unknownId));
    const other = await t.post('/api/cases', USERS.proposer, body(B1.id));
    expect(unknown.status).toBe(400);
    expect(other.status).toBe(400);
    expect(other.body).toEqual(JSON.parse(JSON.stringify(unknown.body).split(unknownId).join(B1.id)));
    expect((await t.post('/api/cases', USERS.proposer, body(A1.id))).status).toBe(201);
    expect((await t.get('/api/cases', USERS.proposer2)).body.total).toBe(3);
  });
});

describe('the web app', () => {
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    base = await t.listen();
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("shows a proposer their own cases, and the not-found message for another's case link", async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const errors: string[] = [];
    const page = await newPage(context, errors, [404]);
    await signIn(page, base, USERS.proposer);
    await page.goto(`${base}/cases`);
    await page.getByText(A2.title).waitFor();
    await page.getByRole('link', { name: A1.title, exact: true }).waitFor();
    expect(await page.getByText('Beta rahasia').count()).toBe(0);
    await page.goto(`${base}/cases/${A1.id}`);
    await page.getByRole('heading', { name: A1.title }).waitFor();
    await page.goto(`${base}/cases/${B1.id}`);
    const message = page.getByText(/This case was not found, or you are not allowed to see it\.|Berkas kerja sama ini tidak ditemukan, atau Anda tidak berhak melihatnya\./);
    await message.waitFor();
    expect(await page.getByText(B1.title).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
