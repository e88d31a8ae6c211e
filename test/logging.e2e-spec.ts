import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SettableClock } from '../src/common/clock.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TEST_SECRET, TestApp, USERS } from './support/test-app.js';

const REDIS = Boolean(process.env.REDIS_URL);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LogLine {
  level: string;
  time: string;
  msg?: string;
  context?: string;
  requestId?: string;
  jobId?: string;
  [field: string]: unknown;
}

/**
 * The app's JSON log, captured at debug level: each line is one JSON object; a request's lines carry
 * its id, and so do the timer and mail jobs it causes; no bearer token or secret is printed.
 * The administrative check is due 2 h after SUBMIT, with a reminder 1 h before (the test moves the app's clock).
 */
describe(`structured logs (${REDIS ? 'BullMQ on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let raw = '';
  const lines: LogLine[] = [];
  const clock = new SettableClock();

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const dir = mkdtempSync(join(tmpdir(), 'onegate-logs-'));
    const slaFile = join(dir, 'sla.json');
    writeFileSync(slaFile, JSON.stringify({ administrative_check: { due: 'PT2H', remind: ['PT1H'], escalate: ['PT30M'] } }));
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        raw += chunk.toString();
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as LogLine);
        done();
      },
    });
    clock.set(new Date());
    t = await TestApp.start({ smtpUrl: smtp.url, slaFile, smtpTimeoutMs: 3000 }, { log: { level: 'debug', destination }, clock });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  const withId = (id: string) => lines.filter((l) => l.requestId === id);

  async function waitForLine(what: string, match: (l: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(match);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no log line ${what}`);
      await sleep(100);
    }
  }

  it('writes one JSON object per line with level, time, msg and context', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(typeof l.level).toBe('string');
      expect(new Date(l.time).toISOString()).toBe(l.time);
    }
    expect(raw.trim().split('\n')).toHaveLength(lines.length);
  });

  it("keeps a sane X-Request-Id, echoes it, and stamps the request's lines with it; a bearer token is never printed", async () => {
    const token = await t.token(USERS.proposer);
    const res = await t.request('POST', '/api/cases', {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-create-0001' },
      body: { title: 'KB pengelolaan sampah', instrument: 'kb', partner: { name: 'Kabupaten Muaro Jambi', category: 'region' } },
    });
    expect(res.status).toBe(201);
    expect(res.headers['x-request-id']).toBe('req-create-0001');
    const mine = withId('req-create-0001');
    expect(mine.map((l) => l.msg)).toEqual(['request received', 'request completed']);
    expect(mine[1]).toMatchObject({ level: 'info', context: 'HTTP', method: 'POST', path: '/api/cases', statusCode: 201, ms: expect.any(Number) });
    // The debug line shows the headers, with the credential replaced.
    expect(mine[0]).toMatchObject({ headers: { authorization: '[REDACTED]', 'x-request-id': 'req-create-0001' } });
    // A rejected token is not printed either.
    const bad = await t.request('GET', '/api/cases', { headers: { authorization: `Bearer ${token}x` } });
    expect(bad.status).toBe(401);
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(token.split('.')[2]!);
    expect(raw).not.toContain(TEST_SECRET);
  });

  it('replaces an unusable X-Request-Id with a new one', async () => {
    const res = await t.request('GET', '/api/health', { headers: { 'x-request-id': 'two words\u0000' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const other = await t.request('GET', '/api/health', { headers: { 'x-request-id': 'x'.repeat(200) } });
    expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(withId(res.headers['x-request-id'] as string).at(-1)).toMatchObject({ msg: 'request completed', path: '/api/health', level: 'debug' });
  });

  it("carries the id of the request that scheduled a timer into the timer job's lines and those of the mail it sends", async () => {
    const c = await t.createCase();
    const token = await t.token(USERS.proposer);
    // Over a real socket, the body in two packets: it is read on the socket's callbacks, which must not lose the request's context.
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const body = JSON.stringify({ type: 'SUBMIT' });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: `/api/cases/${c.id}/events`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': 'req-submit-0042' } },
        (res) => res.resume().on('end', () => resolve(res.statusCode!)),
      );
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => req.end(body.slice(5)), 100);
    });
    expect(status).toBe(201);
    await t.advance(60 * 60_000); // to the reminder
    const fired = await waitForLine('about the fired reminder', (l) => l.context === 'Timers' && String(l.msg).includes(`of case ${c.id}`));
    expect(fired).toMatchObject({ requestId: 'req-submit-0042', jobId: expect.stringMatching(/^timer-/), msg: expect.stringMatching(/^remind 0 of case .* fired: 2 e-mail\(s\) for this moment$/) });
    const sent = await waitForLine('about a sent reminder', (l) => l.context === 'Mail' && String(l.msg).includes(`case ${c.id}) sent`));
    // The reminder's mail is sent straight after the timer's transaction, by the same job.
    expect(sent).toMatchObject({ requestId: 'req-submit-0042', jobId: fired.jobId });
    // Every timer and mail line of this suite comes from that one SUBMIT.
    expect(lines.filter((l) => l.context === 'Timers' || l.context === 'Mail').every((l) => l.requestId === 'req-submit-0042')).toBe(true);
  });
});
