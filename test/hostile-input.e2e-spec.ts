import { TestApp, USERS } from './support/test-app.js';
import { caseState, countCases, expectError, submittedCase } from './support/expectations.js';

/**
 * Input that once reached the database or the validators and came back as a 500 (found by the fault
 * suite's hostile requests, test/faults/): each is now a 400 naming the field, and writes nothing.
 */
describe('hostile input found by the fault suite is refused with a 400', () => {
  let t: TestApp;
  let caseId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    caseId = (await t.createCase()).id;
  });
  afterAll(async () => {
    await t.stop();
  });

  const raw = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: string | Buffer, contentType = 'application/json') => {
    const res = await t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${await t.token(USERS.proposer)}`, ...(payload !== undefined ? { 'content-type': contentType } : {}) } });
    return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers, text: res.body };
  };

  it('refuses the NUL character in a JSON string, naming the field (PostgreSQL cannot store it)', async () => {
    const before = await countCases(t);
    const res = await t.post('/api/cases', USERS.proposer, { title: 'KB\u0000', instrument: 'kb', partner: { name: 'Kabupaten Tebo', category: 'region' } });
    expectError(res, 400, 'title', 'NUL');
    expect(res.body.field).toBe('title');
    expectError(await t.post(`/api/cases/${caseId}/events`, USERS.proposer, { type: 'WITHDRAW', comment: '\u0000' }), 400, 'comment');
    expect(await countCases(t)).toBe(before);
    expect(await t.stageOf(caseId)).toBe('proposal');
  });

  it('refuses %00 in an id or a query parameter instead of sending it to the database', async () => {
    expectError(await t.get('/api/cases/%00', USERS.auditor), 400, 'path');
    expectError(await t.get(`/api/cases/${caseId}%00/history`, USERS.auditor), 400, 'path');
    expectError(await t.get('/api/cases?q=a%00b', USERS.auditor), 400, 'q');
  });

  it('refuses JSON nested 50,000 deep (the validators would overflow the stack)', async () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expectError(await raw('POST', `/api/cases/${caseId}/events`, deep), 400, 'nested deeper');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/cases',
      payload: '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
      headers: { authorization: `Bearer ${await t.token(USERS.proposer)}`, 'content-type': 'application/json', 'idempotency-key': 'deep-1' },
    });
    expect(res.statusCode).toBe(400);
  });

  it('refuses prototype names as fields instead of dropping them silently', async () => {
    const before = await countCases(t);
    const res = await raw('POST', '/api/cases', '{"prototype": {"isAdmin": true}, "title": "KB", "instrument": "kb", "partner": {"name": "Kabupaten Tebo", "category": "region"}}');
    expectError(res, 400, 'prototype', 'unknown field');
    expectError(await raw('POST', '/api/cases', '{"toString": 1, "title": "KB", "instrument": "kb", "partner": {"name": "Kabupaten Tebo", "category": "region"}}'), 400, 'toString');
    expect(await countCases(t)).toBe(before);
  });

  it('refuses a JSON body that is not UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"type": "WITHDRAW", "comment": "'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]);
    expectError(await raw('POST', `/api/cases/${caseId}/events`, bytes), 400, 'UTF-8');
    expect(await t.stageOf(caseId)).toBe('proposal');
  });

  it('refuses a multipart body cut short with 400, not 500', async () => {
    const boundary = '----cut';
    const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nkak\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 cut`);
    expectError(await raw('POST', `/api/cases/${caseId}/documents`, body, `multipart/form-data; boundary=${boundary}`), 400, 'multipart');
    expect((await t.get(`/api/cases/${caseId}/documents`, USERS.proposer)).body.filter((d: { kind: string }) => d.kind === 'kak')).toHaveLength(1);
  });
  const MAX_ERROR_BODY = 16 * 1024;
  const anonymous = (url: string, payload: string) => t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
  const wide = (n: number, extra: Record<string, unknown> = {}) => ({ ...extra, ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, 1])) });

  it('refuses an anonymous body of 60,000 unknown fields with one short 400, before any validator runs', async () => {
    const res = await anonymous('/api/auth/sign-in-as', JSON.stringify(wide(60_000, { userId: USERS.admin.id })));
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThanOrEqual(MAX_ERROR_BODY);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/^body: has 60001 fields/) });
    // The same spread through a nested object of a case body.
    const nested = await t.post('/api/cases', USERS.proposer, { title: 'KB', instrument: 'kb', partner: wide(60_000, { name: 'Kabupaten Tebo', category: 'region' }) });
    expectError(nested, 400, 'partner: has 60002 fields');
    expect(nested.text.length).toBeLessThanOrEqual(MAX_ERROR_BODY);
  });

  it('names only the first unknown field of a body under the field cap', async () => {
    const res = await anonymous('/api/auth/sign-in-as', JSON.stringify(wide(99, { userId: USERS.admin.id })));
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 400, message: 'f0: unknown field, not allowed', field: 'f0' });
    const before = await countCases(t);
    const nested = await t.post('/api/cases', USERS.proposer, { title: 'KB', instrument: 'kb', partner: wide(50, { name: 'Kabupaten Tebo', category: 'region' }) });
    expect(nested.body).toMatchObject({ statusCode: 400, message: 'partner.f0: unknown field, not allowed', field: 'partner.f0' });
    expect(await countCases(t)).toBe(before);
  });

  it('keeps every error body within 16 KiB, in the contract shape, whatever it quotes', async () => {
    const longName = 'n'.repeat(500_000);
    const res = await anonymous('/api/auth/sign-in-as', `{"userId": "${USERS.admin.id}", "${longName}": 1}`);
    expect(res.statusCode).toBe(400);
    expect(Buffer.byteLength(res.body)).toBeLessThanOrEqual(MAX_ERROR_BODY);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/^nnnn.*more characters\)$/) });
    const events = await raw('POST', `/api/cases/${caseId}/events`, JSON.stringify({ type: 'WITHDRAW', ['\u0001'.repeat(100_000)]: 1 }));
    expect(events.status).toBe(400);
    expect(Buffer.byteLength(events.text)).toBeLessThanOrEqual(MAX_ERROR_BODY);
  });

  it('refuses lone UTF-16 surrogates in a value or a key with 400 naming the field, writing nothing', async () => {
    const before = await countCases(t);
    const title = await raw('POST', '/api/cases', '{"title": "KB \\ud800", "instrument": "kb", "partner": {"name": "Kabupaten Tebo", "category": "region"}}');
    expectError(title, 400, 'title', 'surrogate');
    expect(title.body.field).toBe('title');
    const name = await raw('POST', '/api/cases', '{"title": "KB", "instrument": "kb", "partner": {"name": "\\udc00", "category": "region"}}');
    expect(name.body).toMatchObject({ statusCode: 400, field: 'partner.name' });
    const key = await raw('POST', '/api/cases', '{"title": "KB", "instrument": "kb", "partner": {"name": "Kabupaten Tebo", "category": "region", "\\ud800": 1}}');
    expect(key.body).toMatchObject({ statusCode: 400, field: 'partner.\\ud800' });
    expect(await countCases(t)).toBe(before);
    const stateBefore = await caseState(t, caseId);
    expectError(await raw('POST', `/api/cases/${caseId}/events`, '{"type": "WITHDRAW", "comment": "\\udfff"}'), 400, 'comment');
    expect(await caseState(t, caseId)).toEqual(stateBefore);
    // A pair is one character, and welcome.
    const emoji = await raw('POST', '/api/cases', '{"title": "KB \\ud83d\\ude00", "instrument": "kb", "partner": {"name": "Kabupaten Tebo", "category": "region"}}');
    expect(emoji.status).toBe(201);
    expect(emoji.body.title).toBe('KB 😀');
  });

  it('refuses percent-encoding that is not UTF-8 in a query or path with 400, not a search for U+FFFD', async () => {
    expectError(await t.get('/api/cases?q=%ED%A0%80', USERS.auditor), 400, 'q', 'UTF-8');
    expectError(await t.get('/api/tasks?caseId=%FF', USERS.auditor), 400, 'caseId');
    expectError(await t.get('/api/cases/%ED%A0%80', USERS.auditor), 400, 'path');
    expect((await t.get('/api/cases?q=caf%C3%A9', USERS.auditor)).status).toBe(200);
  });

  it('answers an id of 5,000 characters with a short 414 in the contract shape, on reads and writes', async () => {
    const id = 'x'.repeat(5_000);
    for (const res of [
      await t.get(`/api/cases/${id}`, USERS.auditor),
      await t.post(`/api/cases/${id}/events`, USERS.proposer, { type: 'WITHDRAW' }),
      await t.post(`/api/tasks/${id}/complete`, USERS.secretariat, { decision: 'approve' }),
      await t.upload(id, USERS.proposer, 'kak'),
    ]) {
      expectError(res, 414, 'path');
      expect(res.body).toMatchObject({ statusCode: 414, error: 'URI Too Long' });
      // Not the whole URL echoed back.
      expect(res.text.length).toBeLessThan(500);
    }
  });

  it('refuses a blank or zero-width title or partner name, naming the field, and creates nothing', async () => {
    const before = await countCases(t);
    for (const title of ['   ', '\u200b\u200b', '\u2060', '\u00a0', '\u00a0\u3000\ufeff', '\t\n']) {
      const res = await t.post('/api/cases', USERS.proposer, { title, instrument: 'kb', partner: { name: 'Kabupaten Tebo', category: 'region' } });
      expectError(res, 400, 'title');
      expect(res.body.field).toBe('title');
    }
    const name = await t.post('/api/cases', USERS.proposer, { title: 'KB', instrument: 'kb', partner: { name: '\u200b \u200c', category: 'region' } });
    expect(name.body).toMatchObject({ statusCode: 400, field: 'partner.name' });
    expect(await countCases(t)).toBe(before);
  });

  it('refuses a revise or reject whose required comment is only zero-width characters', async () => {
    const c = await submittedCase(t);
    const task = c.openTasks[0];
    const before = await caseState(t, c.id);
    for (const decision of ['revise', 'reject']) {
      const res = await t.post(`/api/tasks/${task.id}/complete`, USERS.secretariat, { decision, comment: '\u200b\u2060\u00a0' });
      expectError(res, 400, 'comment');
      expect(res.body.field).toBe('comment');
    }
    expect(await caseState(t, c.id)).toEqual(before);
  });
});
