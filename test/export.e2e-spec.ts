import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expectError } from './support/expectations.js';
import { TestApp, USERS } from './support/test-app.js';

/** The schema of IEEE 1849-2016 (April 2020 revision), shipped in shared/data. */
const XES_SCHEMA = [resolve('../shared/data/xes-ieee-1849.xsd'), resolve('../../shared/data/xes-ieee-1849.xsd')].find((p) => existsSync(p));

describe('audit export: JSON lines, CSV and XES, streamed', () => {
  let t: TestApp;
  let signedId: string;
  beforeAll(async () => {
    t = await TestApp.start();
    const c = await t.createCase({ title: 'KB "sampah" & <daur ulang>' });
    signedId = c.id;
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await t.decide(c.id, USERS.secretariat, 'approve');
    await t.decide(c.id, USERS.reviewerA, 'revise', { comment: '=HYPERLINK("x"), baris\nkedua' });
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'RESUBMIT' });
    for (const [u, d] of [[USERS.reviewerA, 'approve'], [USERS.chair, 'approve'], [USERS.legal, 'approve'], [USERS.mayor, 'sign']] as const) await t.decide(c.id, u, d);
    await t.createCase({ title: 'PKS kedua', instrument: 'pks', partner: { name: 'BPJS Kesehatan', category: 'third_party' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  const exportAs = (format: string, query = '') => t.app.inject({ method: 'GET', url: `/api/audit/export?format=${format}${query}`, headers: { authorization: `Bearer ${tokens.auditor}` } });
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    tokens.auditor = await t.token(USERS.auditor);
  });

  it('writes every event as a JSON line, with its hash', async () => {
    const res = await exportAs('jsonl');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/ndjson/);
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l));
    const history = (await t.get(`/api/cases/${signedId}/history`, USERS.auditor)).body;
    const mine = lines.filter((l) => l.caseId === signedId);
    expect(mine.map((l) => [l.seq, l.hash])).toEqual(history.map((e: any) => [e.seq, e.hash]));
    expect(lines.length).toBe(history.length + 4); // the second case: created, KAK, feasibility study, draft PKS
    expect(mine.map((l) => l.hashFormat)).toEqual(history.map((e: any) => e.hashFormat));
  });

  it('carries all an offline auditor needs to recompute every hash and link, even from a cut by time', async () => {
    const { verifyExportedLines } = await import('../src/audit/export-verify.js');
    const whole = (await exportAs('jsonl')).body;
    expect(verifyExportedLines(whole)).toEqual({ eventsChecked: whole.trim().split('\n').length, problems: [] });
    const history = (await t.get(`/api/cases/${signedId}/history`, USERS.auditor)).body;
    const cut = (await exportAs('jsonl', `&from=${encodeURIComponent(history[4].at)}`)).body;
    expect(verifyExportedLines(cut).problems).toEqual([]);
    // A line dropped from the middle of a case, an edited comment, and a line that is not an event.
    const lines = whole.trim().split('\n');
    const comment = lines.findIndex((l) => l.includes('HYPERLINK'));
    const edited = lines.map((l, i) => (i === comment ? l.replace('baris', 'BARIS') : l)).filter((_, i) => i !== 2);
    expect(verifyExportedLines([...edited, '{"caseId":1}'].join('\n')).problems).toEqual([
      expect.objectContaining({ caseId: signedId, seq: 4, kind: 'gap' }),
      expect.objectContaining({ caseId: signedId, seq: 4, kind: 'hash_mismatch', detail: 'does not link to the event before it' }),
      expect.objectContaining({ caseId: signedId, seq: comment + 1, kind: 'hash_mismatch', detail: 'its content does not give its hash' }),
      { caseId: '*', seq: 0, kind: 'hash_mismatch', detail: `line ${edited.length + 1}: caseId is missing or not a string` },
    ]);
  });

  it('writes CSV with quoting and formula-safe cells', async () => {
    const res = await exportAs('csv');
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const body = res.body;
    expect(body.split('\n')[0]).toBe('case_id,case_number,seq,type,activity,actor_id,actor_roles,at,stage_before,stage_after,workflow,decision,comment,hash,hash_format');
    expect(body).toContain(`"'=HYPERLINK(""x""), baris\nkedua"`);
  });

  it('writes XES that the IEEE 1849 schema accepts, one trace per case, with the standard extensions', async () => {
    expect(XES_SCHEMA).toBeDefined();
    const res = await exportAs('xes');
    expect(res.statusCode).toBe(200);
    const file = join(mkdtempSync(join(tmpdir(), 'onegate-xes-')), 'log.xes');
    writeFileSync(file, res.body);
    // xmllint exits non-zero when the document does not validate.
    const out = execFileSync('xmllint', ['--noout', '--schema', XES_SCHEMA!, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
    expect(res.body.match(/<trace>/g)).toHaveLength(2);
    expect(res.body).toContain('<string key="concept:name" value="technical_review: revise"/>');
    expect(res.body).toContain('<string key="org:resource" value="walikota"/>');
    expect(res.body).toContain('KB &quot;sampah&quot; &amp; &lt;daur ulang&gt;');
  });

  it('filters by time and refuses bad input with a named field', async () => {
    const history = (await t.get(`/api/cases/${signedId}/history`, USERS.auditor)).body;
    const from = history[4].at;
    const lines = (await exportAs('jsonl', `&from=${encodeURIComponent(from)}`)).body.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.every((l) => l.at >= from)).toBe(true);
    expect(lines.length).toBeLessThan(history.length + 4);
    expectError(await t.get('/api/audit/export?format=pdf', USERS.auditor), 400, 'format');
    expectError(await t.get('/api/audit/export', USERS.auditor), 400, 'format');
    expectError(await t.get('/api/audit/export?format=csv&from=yesterday', USERS.auditor), 400, 'from');
    expectError(await t.get('/api/audit/export?format=csv&from=2027-01-02&to=2027-01-01', USERS.auditor), 400, 'to');
    expectError(await t.get('/api/audit/export?format=csv', USERS.secretariat), 403);
  });
});
