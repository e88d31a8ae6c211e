import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { getMetricsFromStream, type PromHistogramData, type PromMetrics } from 'prom2javascript';
import { serveMetrics } from '../src/metrics/metrics-server.js';
import { MetricsService } from '../src/metrics/metrics.service.js';
import { SettableClock } from '../src/common/clock.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp, USERS } from './support/test-app.js';

const REDIS = Boolean(process.env.REDIS_URL);

/**
 * Parses an exposition with prom2javascript. Its number pattern has no NaN or -Inf, which the format
 * allows (Prometheus reads them with Go's ParseFloat); prom-client writes `Nan` for the event-loop-lag
 * statistics before the loop monitor has a sample. Only those lines may be left out, and they are checked.
 */
async function parseExposition(text: string): Promise<PromMetrics> {
  const lines = text.split('\n');
  const special = lines.filter((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?\s+(nan|-inf)(\s+-?\d+)?$/i.test(l));
  for (const l of special) expect(l).toMatch(/^nodejs_eventloop_lag_[a-z0-9_]+ Nan$/);
  return getMetricsFromStream(Readable.from([lines.filter((l) => !special.includes(l)).join('\n')]));
}
const TOKEN = 'scrape-token-5f1c2a';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOUR = 3_600_000;

/**
 * `GET /metrics` read back with a real Prometheus text-format parser (prom2javascript), after steps,
 * a refusal, a fired timer and mail. The administrative check is due 2 h after SUBMIT with a reminder
 * 1 h before, and an escalation 30 minutes after that stays queued; the test moves the app's clock.
 */
describe(`GET /metrics (${REDIS ? 'BullMQ on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new SettableClock();

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const dir = mkdtempSync(join(tmpdir(), 'onegate-metrics-'));
    const slaFile = join(dir, 'sla.json');
    writeFileSync(slaFile, JSON.stringify({ administrative_check: { due: 'PT2H', remind: ['PT1H'], escalate: ['PT30M'] } }));
    clock.set(new Date());
    t = await TestApp.start({ smtpUrl: smtp.url, slaFile, metricsToken: TOKEN, smtpTimeoutMs: 3000 }, { clock });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  async function scrape(): Promise<PromMetrics> {
    const res = await t.request('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(res.text);
  }

  /** The sample of a counter or gauge whose labels are exactly these (0 when there is none yet). */
  function value(m: PromMetrics, name: string, labels: Record<string, string> = {}): number {
    const family = m[name];
    if (!family) return 0;
    const sample = (family.data as { labels: Record<string, string>; value: number }[]).find((d) => sameLabels(d.labels, labels));
    return sample?.value ?? 0;
  }

  function histogram(m: PromMetrics, name: string, labels: Record<string, string>): PromHistogramData | undefined {
    return (m[name]?.data as PromHistogramData[] | undefined)?.find((d) => sameLabels(d.labels, labels));
  }

  const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

  async function until(what: string, check: (m: PromMetrics) => boolean, timeoutMs = 15_000): Promise<PromMetrics> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = await scrape();
      if (check(m)) return m;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  }

  it('wants the ONEGATE_METRICS_TOKEN bearer token when one is set', async () => {
    expect((await t.request('GET', '/metrics')).status).toBe(401);
    const wrong = await t.request('GET', '/metrics', { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ statusCode: 401, message: expect.stringContaining('ONEGATE_METRICS_TOKEN') });
    // A user's token is not the scrape token.
    expect((await t.request('GET', '/metrics', { as: USERS.admin })).status).toBe(401);
  });

  it('counts steps by stage and outcome, times the fired reminder, counts its mail and shows the task overdue', async () => {
    const before = await scrape();
    expect(before.onegate_steps_total?.type).toBe('counter');
    const c = await t.createCase(); // CASE_CREATED, then the KAK and the draft KB uploaded in `proposal`
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);

    const queued = await scrape();
    expect(value(queued, 'onegate_queue_up', { kind: REDIS ? 'redis' : 'in-process' })).toBe(1);
    // The reminder and the escalation wait in the queue.
    expect(value(queued, 'onegate_queue_jobs', { state: 'delayed' })).toBeGreaterThanOrEqual(2);
    expect(value(queued, 'onegate_open_tasks', { stage: 'administrative_check', role: 'secretariat' })).toBe(1);
    expect(value(queued, 'onegate_overdue_tasks', { stage: 'administrative_check', role: 'secretariat' })).toBe(0);

    // Refused: SUBMIT again (409); invalid: a revision without the comment it needs (400).
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(409);
    expect((await t.decide(c.id, USERS.secretariat, 'revise')).status).toBe(400);

    // The reminder goes to both holders of the secretariat role.
    await t.advance(HOUR);
    const reminded = await until('the reminder mails', (m) => value(m, 'onegate_mail_sent_total', { kind: 'reminder' }) === 2);
    expect(smtp.received.filter((mail) => mail.subject.includes(c.number))).toHaveLength(2);
    const lateness = histogram(reminded, 'onegate_timer_lateness_seconds', { kind: 'remind' });
    expect(reminded.onegate_timer_lateness_seconds?.type).toBe('histogram');
    expect(lateness).toMatchObject({ count: 1 });
    expect(lateness!.buckets['+Inf']).toBe(1);
    expect(lateness!.sum).toBeGreaterThanOrEqual(0);
    expect(lateness!.sum).toBeLessThan(10);

    await t.advance(HOUR + 1000); // a second past the task's due time
    const after = await scrape();
    const delta = (labels: Record<string, string>) => value(after, 'onegate_steps_total', labels) - value(before, 'onegate_steps_total', labels);
    expect(delta({ stage: 'none', outcome: 'committed' })).toBe(1);
    expect(delta({ stage: 'proposal', outcome: 'committed' })).toBe(3);
    expect(delta({ stage: 'administrative_check', outcome: 'refused' })).toBe(1);
    expect(delta({ stage: 'administrative_check', outcome: 'invalid' })).toBe(1);
    expect(delta({ stage: 'administrative_check', outcome: 'committed' })).toBe(0);
    expect(value(after, 'onegate_overdue_tasks', { stage: 'administrative_check', role: 'secretariat' })).toBe(1);
    const age = value(after, 'onegate_open_task_oldest_age_seconds', { stage: 'administrative_check' });
    expect(age).toBeGreaterThanOrEqual(2 * HOUR / 1000 + 1);
    expect(age).toBeLessThan(2 * HOUR / 1000 + 60);
    expect(value(after, 'onegate_database_up')).toBe(1);
    // prom-client's process metrics sit beside onegate's.
    expect(after.process_cpu_user_seconds_total?.type).toBe('counter');
    expect(after.nodejs_eventloop_lag_seconds?.type).toBe('gauge');

    expect((await t.decide(c.id, USERS.secretariat, 'approve')).status).toBe(200);
    const approved = await scrape();
    expect(value(approved, 'onegate_steps_total', { stage: 'administrative_check', outcome: 'committed' }) - value(after, 'onegate_steps_total', { stage: 'administrative_check', outcome: 'committed' })).toBe(1);
    expect(value(approved, 'onegate_open_tasks', { stage: 'administrative_check', role: 'secretariat' })).toBe(0);
    expect(value(approved, 'onegate_open_tasks', { stage: 'technical_review', role: 'technical_reviewer' })).toBe(1);
  });

  it('counts a failed mail attempt, then the mail sent once the server accepts', async () => {
    const before = await scrape();
    smtp.refuse();
    const c = await t.createCase();
    expect((await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
    await t.advance(HOUR);
    try {
      await until('a failed attempt', (m) => value(m, 'onegate_mail_failed_total', { kind: 'reminder', final: 'false' }) > value(before, 'onegate_mail_failed_total', { kind: 'reminder', final: 'false' }));
    } finally {
      smtp.accept();
    }
    const sentBefore = value(before, 'onegate_mail_sent_total', { kind: 'reminder' });
    await t.advance(1000); // in-process the retry waits a second on the clock; on Redis BullMQ's backoff brings it back
    await until('the retried mails', (m) => value(m, 'onegate_mail_sent_total', { kind: 'reminder' }) === sentBefore + 2);
  });

  it('serves the same metrics from a worker process, which has no API', async () => {
    const { server, port } = await serveMetrics(t.app.get(MetricsService), 0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      const m = await parseExposition(await res.text());
      expect(value(m, 'onegate_mail_sent_total', { kind: 'reminder' })).toBeGreaterThanOrEqual(2);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/api/cases`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

/** Production guards what maps the installation: /metrics and /api/docs want a signed-in user's token (issue 15). */
describe(`/metrics and /api/docs in production (${REDIS ? 'BullMQ on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ production: true, metricsToken: null });
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each(['/metrics', '/api/docs', '/api/docs/openapi.json'])('%s: 401 without a token or with a stranger’s, 200 with a user’s token', async (path) => {
    const anonymous = await t.request('GET', path);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('production') });
    const stranger = await t.request('GET', path, { headers: { authorization: `Bearer ${await t.token({ id: 'nobody-here', name: 'x', roles: ['admin'] })}` } });
    expect(stranger.status).toBe(401);
    expect((await t.request('GET', path, { as: USERS.auditor })).status).toBe(200);
  });

  it("a worker's /metrics follows the same rule", async () => {
    const { server, port } = await serveMetrics(t.app.get(MetricsService), 0);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      const ok = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${await t.token(USERS.auditor)}` } });
      expect(ok.status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
