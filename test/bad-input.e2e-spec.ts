import { randomUUID } from 'node:crypto';
import { TestApp, USERS, type Response, type TestUser } from './support/test-app.js';
import { caseState, countCases, expectError, submittedCase } from './support/expectations.js';

/**
 * Contract §7: every bad input gets its 4xx with JSON `{statusCode, error, message}` naming the field
 * (or the allowed events), never a 500, and a refused request leaves nothing behind.
 */
describe('bad input is refused with the contract’s 4xx and changes nothing', () => {
  let t: TestApp;

  const VALID_CASE = {
    title: 'Kesepakatan Bersama pengelolaan sampah',
    instrument: 'kb',
    partner: { name: 'Kabupaten Muaro Jambi', category: 'region' },
  };

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  const caseCount = () => countCases(t);
  const stateOf = (caseId: string) => caseState(t, caseId);
  const submitted = (extra: Record<string, unknown> = {}) => submittedCase(t, extra);

  /** Runs `act`, which must be refused, and checks the case looks exactly as before. */
  async function refusedWithoutChange(caseId: string, act: () => Promise<Response>, status: number, ...named: (string | RegExp)[]): Promise<Response> {
    const before = await stateOf(caseId);
    const count = await caseCount();
    const res = await act();
    expectError(res, status, ...named);
    expect(await stateOf(caseId)).toEqual(before);
    expect(await caseCount()).toBe(count);
    return res;
  }

  /** POST /api/cases that must be refused: no case may appear. */
  async function createRefused(
    body: unknown,
    status: number,
    named: (string | RegExp)[] = [],
    options: { as?: TestUser; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const before = await caseCount();
    const res = await t.request('POST', '/api/cases', {
      as: 'as' in options ? options.as : USERS.proposer,
      ...(options.rawBody !== undefined ? { rawBody: options.rawBody } : { body }),
      headers: options.headers,
    });
    expectError(res, status, ...named);
    expect(await caseCount()).toBe(before);
    return res;
  }

  async function openTask(caseId: string, index = 0): Promise<any> {
    const c = await t.get(`/api/cases/${caseId}`, USERS.auditor);
    const task = c.body.openTasks[index];
    if (!task) throw new Error(`no open task on ${caseId} at ${c.body.stage}`);
    return task;
  }

  async function atTechnicalReview(reviewers?: string[]): Promise<any> {
    const c = await submitted();
    const res = await t.decide(c.id, USERS.secretariat, 'approve', reviewers ? { reviewers } : {});
    expect(res.status).toBe(200);
    expect(res.body.case.stage).toBe('technical_review');
    return res.body.case;
  }

  describe('POST /api/cases body', () => {
    it('refuses malformed JSON with 400 and creates nothing', async () => {
      const res = await createRefused(undefined, 400, [], { rawBody: '{"title": "KB", "instrument": ' });
      expect(res.body.message).toMatch(/json/i);
      await createRefused(undefined, 400, [], { rawBody: "{'title': 'single quotes'}" });
      await createRefused(undefined, 400, [], { rawBody: '{"title": "trailing comma",}' });
    });

    it('refuses a body that is not a JSON object (array, null, string, number) with 400', async () => {
      await createRefused(undefined, 400, [], { rawBody: '[]' });
      await createRefused(undefined, 400, [], { rawBody: JSON.stringify([VALID_CASE]) });
      await createRefused(undefined, 400, [], { rawBody: 'null' });
      await createRefused(undefined, 400, [], { rawBody: '"a string"' });
      await createRefused(undefined, 400, [], { rawBody: '42' });
    });

    it('refuses an empty body with 400 naming the required fields', async () => {
      await createRefused({}, 400, ['title', 'instrument', 'partner']);
      const none = await t.request('POST', '/api/cases', { as: USERS.proposer, headers: { 'content-type': 'application/json' }, rawBody: '' });
      expect(none.status).toBeGreaterThanOrEqual(400);
      expect(none.status).toBeLessThan(500);
    });

    it.each([
      ['title', { instrument: 'kb', partner: VALID_CASE.partner }],
      ['instrument', { title: 'KB', partner: VALID_CASE.partner }],
      ['partner', { title: 'KB', instrument: 'kb' }],
      ['partner.name', { ...VALID_CASE, partner: { category: 'region' } }],
      ['partner.category', { ...VALID_CASE, partner: { name: 'Kabupaten Muaro Jambi' } }],
    ])('refuses a body without %s with 400 naming it', async (field, body) => {
      const res = await createRefused(body, 400, [field]);
      expect(res.body.field).toBe(field);
    });

    it.each([
      ['title', { ...VALID_CASE, title: '' }],
      ['title', { ...VALID_CASE, title: 42 }],
      ['title', { ...VALID_CASE, title: 'x'.repeat(301) }],
      ['partner', { ...VALID_CASE, partner: 'Kabupaten Muaro Jambi' }],
      ['partner', { ...VALID_CASE, partner: null }],
      ['partner.name', { ...VALID_CASE, partner: { name: '', category: 'region' } }],
      ['requiresDprdApproval', { ...VALID_CASE, requiresDprdApproval: 'yes' }],
      ['summary', { ...VALID_CASE, summary: { text: 'not a string' } }],
      ['parentCaseId', { ...VALID_CASE, parentCaseId: 'not-a-uuid' }],
      ['validFrom', { ...VALID_CASE, validFrom: '2027-13-45' }],
      ['validUntil', { ...VALID_CASE, validUntil: 'next year' }],
    ])('refuses a wrongly typed %s with 400 naming it', async (field, body) => {
      await createRefused(body, 400, [field]);
    });

    it('refuses a parentCaseId that is no case with 400 naming it', async () => {
      await createRefused({ ...VALID_CASE, parentCaseId: randomUUID() }, 400, ['parentCaseId']);
    });

    it('refuses unknown fields at the top level and nested, naming them', async () => {
      await createRefused({ ...VALID_CASE, budget: 1000 }, 400, ['budget']);
      await createRefused({ ...VALID_CASE, stage: 'signed' }, 400, ['stage']);
      await createRefused({ ...VALID_CASE, partner: { ...VALID_CASE.partner, npwp: '01.234' } }, 400, ['partner.npwp']);
    });

    it('refuses wrong enum values for instrument and partner.category', async () => {
      await createRefused({ ...VALID_CASE, instrument: 'mou' }, 400, ['instrument']);
      await createRefused({ ...VALID_CASE, instrument: 'KB' }, 400, ['instrument']);
      await createRefused({ ...VALID_CASE, partner: { name: 'X', category: 'planet' } }, 400, ['partner.category']);
    });

    it('refuses an instrument the partner category may not use, naming instrument', async () => {
      const res = await createRefused({ ...VALID_CASE, instrument: 'nk' }, 400, ['instrument']);
      expect(res.body.field).toBe('instrument');
      await createRefused({ ...VALID_CASE, instrument: 'loi' }, 400, ['instrument']);
      await createRefused({ ...VALID_CASE, instrument: 'kb', partner: { name: 'Kementerian PUPR', category: 'central_government' } }, 400, ['instrument']);
    });

    it('refuses a foreign partner without a country, naming partner.country', async () => {
      const res = await createRefused({ ...VALID_CASE, instrument: 'loi', partner: { name: 'Guangzhou', category: 'foreign' } }, 400, ['partner.country']);
      expect(res.body.field).toBe('partner.country');
      await createRefused({ ...VALID_CASE, instrument: 'loi', partner: { name: 'Guangzhou', category: 'foreign', country: '' } }, 400, ['partner.country']);
    });

    it('refuses validUntil before (or on) validFrom, naming validUntil', async () => {
      const res = await createRefused({ ...VALID_CASE, validFrom: '2027-06-01', validUntil: '2026-06-01' }, 400, ['validUntil']);
      expect(res.body.field).toBe('validUntil');
      await createRefused({ ...VALID_CASE, validFrom: '2027-06-01', validUntil: '2027-06-01' }, 400, ['validUntil']);
    });

    it('refuses a JSON body over 1 MiB with 413', async () => {
      await createRefused({ ...VALID_CASE, summary: 'x'.repeat(1024 * 1024 + 16) }, 413);
    });

    it('refuses a text/plain body with 415', async () => {
      await createRefused(undefined, 415, [], { rawBody: JSON.stringify(VALID_CASE), headers: { 'content-type': 'text/plain' } });
      await createRefused(undefined, 415, [], { rawBody: '<case><title>KB</title></case>', headers: { 'content-type': 'application/xml' } });
    });

    // The API speaks JSON (contract §6); src/app.ts says a non-JSON body is "refused with 415, not guessed at".
    it('refuses a form-urlencoded body with 415 rather than parsing it', async () => {
      await createRefused(undefined, 415, [], { rawBody: 'title=KB&instrument=kb', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    });

    it('still accepts the valid body (the refusals above were for their own reasons)', async () => {
      const before = await caseCount();
      const res = await t.post('/api/cases', USERS.proposer, VALID_CASE);
      expect(res.status).toBe(201);
      expect(await caseCount()).toBe(before + 1);
    });
  });

  describe('authentication', () => {
    const cases: [string, () => Promise<Record<string, string>>][] = [
      ['no Authorization header', async () => ({})],
      ['a token signed with another secret', async () => ({ authorization: `Bearer ${await t.token(USERS.proposer, { secret: 'someone-elses-secret-0123456789abcdef' })}` })],
      ['an expired token', async () => ({ authorization: `Bearer ${await t.token(USERS.proposer, { expiresIn: '-1h' })}` })],
      ['a Basic Authorization header', async () => ({ authorization: 'Basic b3BkLTE6c2VjcmV0' })],
      ['"Bearer" without a token', async () => ({ authorization: 'Bearer' })],
      ['a token that is not a JWT', async () => ({ authorization: 'Bearer not-a-jwt' })],
      ['two tokens', async () => ({ authorization: `Bearer ${await t.token(USERS.proposer)} ${await t.token(USERS.proposer)}` })],
      ['a token with its signature cut off', async () => ({ authorization: `Bearer ${(await t.token(USERS.proposer)).split('.').slice(0, 2).join('.')}.` })],
      ['an unsigned (alg none) token', async () => ({ authorization: `Bearer ${unsignedToken(USERS.proposer)}` })],
    ];

    it.each(cases)('gives 401 for %s on reads and refuses writes without a trace', async (_, headers) => {
      const h = await headers();
      expectError(await t.request('GET', '/api/cases', { headers: h }), 401);
      expectError(await t.request('GET', '/api/tasks', { headers: h }), 401);
      await createRefused(VALID_CASE, 401, [], { as: undefined, headers: h });
    });

    it('gives 401 (not 404) for unknown ids without a valid token, and lets /api/health through', async () => {
      expectError(await t.request('GET', `/api/cases/${randomUUID()}`), 401);
      expectError(await t.request('POST', `/api/tasks/${randomUUID()}/complete`, { body: { decision: 'approve' } }), 401);
      expect((await t.request('GET', '/api/health')).status).toBe(200);
    });

    it('refuses a case event with a bad token and leaves the case as it was', async () => {
      const c = await t.createCase();
      const forged = await t.token(USERS.proposer, { secret: 'someone-elses-secret-0123456789abcdef' });
      await refusedWithoutChange(c.id, () => t.request('POST', `/api/cases/${c.id}/events`, { body: { type: 'SUBMIT' }, headers: { authorization: `Bearer ${forged}` } }), 401);
      await refusedWithoutChange(c.id, () => t.request('POST', `/api/cases/${c.id}/events`, { body: { type: 'SUBMIT' } }), 401);
    });
  });

  describe('unknown ids', () => {
    const ids = [randomUUID(), 'not-a-uuid', 'KS-2027-0001', '12345', 'x'.repeat(100), "1' OR '1'='1", 'ünïcødé'];

    it.each(ids)('GET case, history, replay, events of %s → 404', async (raw) => {
      const id = encodeURIComponent(raw);
      const before = await caseCount();
      expectError(await t.get(`/api/cases/${id}`, USERS.auditor), 404);
      expectError(await t.get(`/api/cases/${id}/history`, USERS.auditor), 404);
      expectError(await t.get(`/api/cases/${id}/replay?seq=1`, USERS.auditor), 404);
      expectError(await t.post(`/api/cases/${id}/events`, USERS.proposer, { type: 'SUBMIT' }), 404);
      expectError(await t.post(`/api/cases/${id}/events`, USERS.secretariat, { type: 'TERMINATE', grounds: 'mutual_agreement' }), 404);
      expect(await caseCount()).toBe(before);
    });

    it.each(ids)('claim, unclaim, delegate, complete task %s → 404', async (raw) => {
      const id = encodeURIComponent(raw);
      expectError(await t.post(`/api/tasks/${id}/claim`, USERS.secretariat), 404);
      expectError(await t.post(`/api/tasks/${id}/unclaim`, USERS.admin), 404);
      expectError(await t.post(`/api/tasks/${id}/delegate`, USERS.secretariat, { userId: USERS.secretariat2.id }), 404);
      expectError(await t.post(`/api/tasks/${id}/complete`, USERS.secretariat, { decision: 'approve' }), 404);
    });

    it('a very long id is refused with a 4xx in the contract’s shape, never a 500', async () => {
      for (const url of [`/api/cases/${'x'.repeat(5000)}`, `/api/cases/${'x'.repeat(300)}/history`]) {
        const res = await t.get(url, USERS.auditor);
        expect([404, 414]).toContain(res.status);
        expect(res.body).toMatchObject({ statusCode: res.status, error: expect.any(String), message: expect.any(String) });
      }
      const res = await t.post(`/api/tasks/${'x'.repeat(300)}/complete`, USERS.secretariat, { decision: 'approve' });
      expect([404, 414]).toContain(res.status);
    });

    it('a 404 on an unknown case leaves other cases alone', async () => {
      const c = await t.createCase();
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${randomUUID()}/events`, USERS.proposer, { type: 'SUBMIT' }), 404);
    });

    it('an unknown route is 404 in the contract’s shape', async () => {
      expectError(await t.get('/api/nothing-here', USERS.auditor), 404);
    });
  });

  describe('POST /api/cases/:id/events', () => {
    it('refuses an unknown event type, a missing type and unknown fields with 400 naming them', async () => {
      const c = await t.createCase();
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'APPROVE' }), 400, 'type');
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'submit' }), 400, 'type');
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, {}), 400, 'type');
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT', stage: 'signed' }), 400, 'stage');
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT', expectedVersion: 'one' }), 400, 'expectedVersion');
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT', expectedVersion: 0 }), 400, 'expectedVersion');
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT', comment: 7 }), 400, 'comment');
      await refusedWithoutChange(
        c.id,
        () => t.request('POST', `/api/cases/${c.id}/events`, { as: USERS.proposer, rawBody: '{"type":"SUBMIT"' }),
        400,
      );
      await refusedWithoutChange(
        c.id,
        () => t.request('POST', `/api/cases/${c.id}/events`, { as: USERS.proposer, rawBody: '{"type":"SUBMIT"}', headers: { 'content-type': 'text/plain' } }),
        415,
      );
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT', comment: 'x'.repeat(1024 * 1024 + 16) }), 413);
    });

    // The API speaks JSON (contract §6); a form body must not be guessed at and acted upon.
    it('refuses a form-urlencoded body with 415 rather than parsing it into a case event', async () => {
      const c = await t.createCase();
      await refusedWithoutChange(
        c.id,
        () => t.request('POST', `/api/cases/${c.id}/events`, { as: USERS.proposer, rawBody: 'type=SUBMIT', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        415,
      );
    });

    it('refuses RESUBMIT in proposal with 409 listing SUBMIT and WITHDRAW', async () => {
      const c = await t.createCase();
      const res = await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'RESUBMIT' }), 409);
      expect(res.body.allowedEvents).toEqual(['SUBMIT', 'WITHDRAW']);
    });

    it('refuses SUBMIT again and RESUBMIT at administrative_check with 409 listing only WITHDRAW', async () => {
      const c = await submitted();
      for (const type of ['SUBMIT', 'RESUBMIT']) {
        const res = await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type }), 409);
        expect(res.body.allowedEvents).toEqual(['WITHDRAW']);
      }
    });

    it('refuses TERMINATE before the agreement is signed with 409', async () => {
      const c = await submitted();
      const res = await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.secretariat, { type: 'TERMINATE', grounds: 'mutual_agreement', comment: 'Batal' }), 409);
      expect(Array.isArray(res.body.allowedEvents)).toBe(true);
      expect(res.body.allowedEvents).not.toContain('TERMINATE');
    });

    it('refuses any event on a final case with 409 and an empty allowedEvents', async () => {
      const c = await t.createCase();
      expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'WITHDRAW' })).status).toBe(201);
      for (const type of ['SUBMIT', 'RESUBMIT', 'WITHDRAW']) {
        const res = await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type }), 409);
        expect(res.body.allowedEvents).toEqual([]);
      }
    });

    it('refuses a stale expectedVersion with 409, accepts the current one', async () => {
      const c = await t.createCase();
      const v: number = c.version;
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT', expectedVersion: v + 1 }), 409);
      const ok = await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT', expectedVersion: v });
      expect(ok.status).toBe(201);
      expect(ok.body.version).toBe(v + 1);
      await refusedWithoutChange(c.id, () => t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'WITHDRAW', expectedVersion: v }), 409, /stale|version/i);
    });

    // PostgreSQL's integer columns end at 2^31−1: a larger integer (1e308 is one to JavaScript) must be a 400
    // naming the field, not a database error (the hostile-request fault suite found seq=1e308 answering 500).
    it.each(['1e308', '2147483648'])('refuses integers beyond the database’s range (%s) with 400 naming the field', async (big) => {
      const c = await t.createCase();
      await refusedWithoutChange(c.id, () => t.request('POST', `/api/cases/${c.id}/events`, { as: USERS.proposer, rawBody: `{"type":"SUBMIT","expectedVersion":${big}}` }), 400, 'expectedVersion');
      expectError(await t.get(`/api/cases/${c.id}/replay?seq=${big}`, USERS.auditor), 400, 'seq');
      expectError(await t.get(`/api/cases?offset=${big}`, USERS.auditor), 400, 'offset');
      // The largest one is a fair question the database answers: no such event yet.
      expectError(await t.get(`/api/cases/${c.id}/replay?seq=2147483647`, USERS.auditor), 404);
    });
  });

  describe('POST /api/tasks/:id/complete', () => {
    it('refuses a missing or unknown decision and unknown fields with 400 naming them', async () => {
      const c = await submitted();
      const task = await openTask(c.id);
      const url = `/api/tasks/${task.id}/complete`;
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, {}), 400, 'decision');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'accept' }), 400, 'decision');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'APPROVE' }), 400, 'decision');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'approve', stage: 'signed' }), 400, 'stage');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'approve', comment: ['a'] }), 400, 'comment');
      await refusedWithoutChange(c.id, () => t.request('POST', url, { as: USERS.secretariat, rawBody: '{"decision":' }), 400);
    });

    it('refuses a decision the stage does not take with 400 naming decision', async () => {
      const c = await submitted();
      const task = await openTask(c.id);
      const res = await refusedWithoutChange(c.id, () => t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision: 'sign' }), 400, 'decision');
      expect(res.body.field).toBe('decision');

      const review = await atTechnicalReview();
      const rt = await openTask(review.id);
      await refusedWithoutChange(review.id, () => t.post(`/api/tasks/${rt.id}/complete`, USERS.reviewerA, { decision: 'reject', comment: 'Tidak layak' }), 400, 'decision');
      await refusedWithoutChange(review.id, () => t.post(`/api/tasks/${rt.id}/complete`, USERS.reviewerA, { decision: 'sign' }), 400, 'decision');
    });

    it('refuses approve at mayor_signature (sign replaces it) with 400 naming decision', async () => {
      const c = await submitted();
      await t.decide(c.id, USERS.secretariat, 'approve');
      await t.decide(c.id, USERS.reviewerA, 'approve');
      await t.decide(c.id, USERS.chair, 'approve');
      await t.decide(c.id, USERS.legal, 'approve');
      expect(await t.stageOf(c.id)).toBe('mayor_signature');
      const task = await openTask(c.id);
      await refusedWithoutChange(c.id, () => t.post(`/api/tasks/${task.id}/complete`, USERS.mayor, { decision: 'approve' }), 400, 'decision');
    });

    it('refuses revise and reject without a comment (or with only blanks) with 400 naming comment', async () => {
      const c = await submitted();
      const task = await openTask(c.id);
      const url = `/api/tasks/${task.id}/complete`;
      for (const decision of ['revise', 'reject']) {
        const res = await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision }), 400, 'comment');
        expect(res.body.field).toBe('comment');
        await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision, comment: '   ' }), 400, 'comment');
        await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision, comment: null }), 400, 'comment');
      }
      const review = await atTechnicalReview();
      const rt = await openTask(review.id);
      await refusedWithoutChange(review.id, () => t.post(`/api/tasks/${rt.id}/complete`, USERS.reviewerA, { decision: 'revise' }), 400, 'comment');
    });

    it('refuses reviewers with a decision other than approve, or at another stage, with 400 naming reviewers', async () => {
      const c = await submitted();
      const task = await openTask(c.id);
      const url = `/api/tasks/${task.id}/complete`;
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'revise', comment: 'Lengkapi KAK', reviewers: [USERS.reviewerA.id] }), 400, 'reviewers');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'reject', comment: 'Tidak sesuai', reviewers: [USERS.reviewerA.id] }), 400, 'reviewers');

      const review = await atTechnicalReview();
      const rt = await openTask(review.id);
      await refusedWithoutChange(review.id, () => t.post(`/api/tasks/${rt.id}/complete`, USERS.reviewerA, { decision: 'approve', reviewers: [USERS.reviewerB.id] }), 400, 'reviewers');
      await refusedWithoutChange(review.id, () => t.post(`/api/tasks/${rt.id}/complete`, USERS.reviewerA, { decision: 'approve', reviewers: [] }), 400, 'reviewers');
    });

    it('refuses reviewers who are not directory users or not technical reviewers, or malformed, with 400 naming reviewers', async () => {
      const c = await submitted();
      const task = await openTask(c.id);
      const url = `/api/tasks/${task.id}/complete`;
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'approve', reviewers: ['nobody-here'] }), 400, 'reviewers', 'nobody-here');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'approve', reviewers: [USERS.reviewerA.id, 'nobody-here'] }), 400, 'reviewers');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'approve', reviewers: [USERS.legal.id] }), 400, 'reviewers', USERS.legal.id);
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'approve', reviewers: [USERS.reviewerA.id, USERS.chair.id] }), 400, 'reviewers');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'approve', reviewers: USERS.reviewerA.id }), 400, 'reviewers');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'approve', reviewers: ['no spaces allowed'] }), 400, 'reviewers');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { decision: 'approve', reviewers: [42] }), 400, 'reviewers');
      // And the valid list still works afterwards.
      const ok = await t.post(url, USERS.secretariat, { decision: 'approve', reviewers: [USERS.reviewerA.id] });
      expect(ok.status).toBe(200);
      expect(ok.body.case.openTasks.map((x: any) => x.assigneeId)).toEqual([USERS.reviewerA.id]);
    });

    it('refuses completing an already-completed task with 409', async () => {
      const c = await submitted();
      const task = await openTask(c.id);
      const first = await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision: 'approve' });
      expect(first.status).toBe(200);
      const res = await refusedWithoutChange(c.id, () => t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision: 'approve' }), 409);
      expect(res.body.message).toMatch(/completed/);
      await refusedWithoutChange(c.id, () => t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat2, { decision: 'reject', comment: 'Terlambat' }), 409);
      await refusedWithoutChange(c.id, () => t.post(`/api/tasks/${task.id}/claim`, USERS.secretariat), 409);
    });

    it('refuses completing a task cancelled by a withdrawal with 409', async () => {
      const c = await submitted();
      const task = await openTask(c.id);
      expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'WITHDRAW' })).status).toBe(201);
      await refusedWithoutChange(c.id, () => t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision: 'approve' }), 409);
    });
  });

  describe('POST /api/tasks/:id/delegate', () => {
    it('refuses an unknown user, a user without the task’s role, and a missing or malformed userId with 400 naming userId', async () => {
      const c = await submitted();
      const task = await openTask(c.id);
      const url = `/api/tasks/${task.id}/delegate`;
      let res = await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { userId: 'nobody-here' }), 400, 'userId');
      expect(res.body.field).toBe('userId');
      res = await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { userId: USERS.legal.id }), 400, 'userId');
      expect(res.body.field).toBe('userId');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { userId: USERS.proposer.id }), 400, 'userId');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, {}), 400, 'userId');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { userId: 42 }), 400, 'userId');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { userId: 'has spaces' }), 400, 'userId');
      await refusedWithoutChange(c.id, () => t.post(url, USERS.secretariat, { userId: USERS.secretariat2.id, note: 'x' }), 400, 'note');
      // A valid delegation still works.
      const ok = await t.post(url, USERS.secretariat, { userId: USERS.secretariat2.id });
      expect(ok.status).toBe(200);
      expect(ok.body.assigneeId).toBe(USERS.secretariat2.id);
    });
  });

  describe('PUT /api/users/:id', () => {
    const VALID_USER = { name: 'Staf Baru', email: 'staf.baru@jambikota.go.id', roles: ['secretariat'] };

    async function users(): Promise<any[]> {
      const res = await t.get('/api/users', USERS.admin);
      expect(res.status).toBe(200);
      return res.body.items;
    }

    async function putRefused(id: string, body: unknown, status: number, ...named: (string | RegExp)[]): Promise<Response> {
      const before = await users();
      const res = await t.request('PUT', `/api/users/${encodeURIComponent(id)}`, { as: USERS.admin, body });
      expectError(res, status, ...named);
      expect(await users()).toEqual(before);
      return res;
    }

    it.each([
      ['email', { ...VALID_USER, email: 'not-an-email' }],
      ['email', { ...VALID_USER, email: '' }],
      ['email', { name: VALID_USER.name, roles: VALID_USER.roles }],
      ['roles', { ...VALID_USER, roles: ['superuser'] }],
      ['roles', { ...VALID_USER, roles: ['secretariat', 'root'] }],
      ['roles', { ...VALID_USER, roles: [] }],
      ['roles', { ...VALID_USER, roles: 'secretariat' }],
      ['name', { email: VALID_USER.email, roles: VALID_USER.roles }],
      ['supervisorId', { ...VALID_USER, supervisorId: 'nobody-here' }],
      ['supervisorId', { ...VALID_USER, supervisorId: 'bad id!' }],
      ['locale', { ...VALID_USER, locale: 'fr' }],
      ['password', { ...VALID_USER, password: 'hunter2' }],
    ])('refuses a new user with bad %s with 400 naming it, and creates nobody', async (field, body) => {
      await putRefused('staf-baru', body, 400, field);
    });

    it('refuses bad input for an existing user and leaves them as they were', async () => {
      await putRefused(USERS.legal.id, { ...VALID_USER, email: 'nope' }, 400, 'email');
      await putRefused(USERS.legal.id, { ...VALID_USER, roles: ['judge'] }, 400, 'roles');
      await putRefused(USERS.legal.id, { ...VALID_USER, supervisorId: 'nobody-here' }, 400, 'supervisorId');
      await putRefused(USERS.legal.id, { ...VALID_USER, supervisorId: USERS.legal.id }, 400, 'supervisorId');
    });

    it('refuses malformed JSON and a text body', async () => {
      const before = await users();
      expectError(await t.request('PUT', '/api/users/staf-baru', { as: USERS.admin, rawBody: '{"name":' }), 400);
      expectError(await t.request('PUT', '/api/users/staf-baru', { as: USERS.admin, rawBody: JSON.stringify(VALID_USER), headers: { 'content-type': 'text/plain' } }), 415);
      expect(await users()).toEqual(before);
    });

    it('refuses a user id with characters outside the allowed set with 400 naming id', async () => {
      await putRefused('bad id!', VALID_USER, 400, 'id');
    });

    // USER_ID_PATTERN (src/directory/user.dto.ts) and the 400 message promise ids of 1–128 characters.
    it('accepts a user id of 128 characters, the longest the directory allows', async () => {
      const id = 'u'.repeat(128);
      const res = await t.request('PUT', `/api/users/${id}`, { as: USERS.admin, body: VALID_USER });
      expect(res.status).toBe(200);
      expect((await users()).map((u) => u.id)).toContain(id);
    });
  });

  describe('GET /api/cases/:id/replay', () => {
    let caseId: string;
    let version: number;
    beforeAll(async () => {
      const c = await submitted();
      caseId = c.id;
      version = c.version;
    });

    it('refuses neither seq nor at, and both, with 400', async () => {
      expectError(await t.get(`/api/cases/${caseId}/replay`, USERS.auditor), 400, /seq|at/);
      expectError(await t.get(`/api/cases/${caseId}/replay?seq=1&at=${encodeURIComponent(new Date().toISOString())}`, USERS.auditor), 400, /seq|at/);
    });

    it('refuses a malformed seq or at with 400 naming it', async () => {
      expectError(await t.get(`/api/cases/${caseId}/replay?seq=abc`, USERS.auditor), 400, 'seq');
      expectError(await t.get(`/api/cases/${caseId}/replay?seq=0`, USERS.auditor), 400, 'seq');
      expectError(await t.get(`/api/cases/${caseId}/replay?seq=-1`, USERS.auditor), 400, 'seq');
      expectError(await t.get(`/api/cases/${caseId}/replay?seq=1.5`, USERS.auditor), 400, 'seq');
      expectError(await t.get(`/api/cases/${caseId}/replay?at=yesterday`, USERS.auditor), 400, 'at');
      expectError(await t.get(`/api/cases/${caseId}/replay?seq=1&foo=bar`, USERS.auditor), 400, 'foo');
    });

    it('gives 404 for a seq beyond the last event, 200 for the last', async () => {
      expectError(await t.get(`/api/cases/${caseId}/replay?seq=${version + 1}`, USERS.auditor), 404);
      expectError(await t.get(`/api/cases/${caseId}/replay?seq=999999`, USERS.auditor), 404);
      const last = await t.get(`/api/cases/${caseId}/replay?seq=${version}`, USERS.auditor);
      expect(last.status).toBe(200);
      expect(last.body).toMatchObject({ seq: version, stage: 'administrative_check', matchesStored: true });
    });

    it('gives 404 for an at before the case existed', async () => {
      expectError(await t.get(`/api/cases/${caseId}/replay?at=2000-01-01T00:00:00Z`, USERS.auditor), 404);
    });
  });

  describe('query strings of lists', () => {
    it('refuses unknown filter values with 400 naming the parameter', async () => {
      expectError(await t.get('/api/cases?stage=approved', USERS.auditor), 400, 'stage');
      expectError(await t.get('/api/cases?instrument=mou', USERS.auditor), 400, 'instrument');
      expectError(await t.get('/api/cases?category=planet', USERS.auditor), 400, 'category');
      expectError(await t.get('/api/cases?year=last', USERS.auditor), 400, 'year');
      expectError(await t.get('/api/cases?limit=100000', USERS.auditor), 400, 'limit');
      expectError(await t.get('/api/cases?sort=title', USERS.auditor), 400, 'sort');
      expectError(await t.get('/api/tasks?status=done', USERS.secretariat), 400, 'status');
      expectError(await t.get('/api/tasks?caseId=KS-2027-0001', USERS.secretariat), 400, 'caseId');
    });
  });

  describe('the database after all of the above', () => {
    it('holds a sound event log: audit verify finds no problem', async () => {
      const res = await t.get('/api/audit/verify', USERS.auditor);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, problems: [] });
    });
  });
});

/** A JWT with `alg: none`: it must never be accepted. */
function unsignedToken(user: TestUser): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: user.id, name: user.name, roles: user.roles, iat: now, exp: now + 3600 })}.`;
}
