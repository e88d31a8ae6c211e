import { TestApp, USERS } from './support/test-app.js';
import { countCases, expectError } from './support/expectations.js';

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
});
