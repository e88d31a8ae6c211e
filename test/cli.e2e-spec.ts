import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isoDate, parseSeq, parseTtl, UsageError } from '../src/cli/arguments.js';
import { exportCommand, readCheckpointFile, replayCommand, verifyCommand, verifyExportCommand, type CliIo } from '../src/cli/auditor.js';
import { TerminalProgress } from '../src/cli/progress.js';
import { CASE_EVENT } from '../src/database/entities.js';
import type { CaseEventRow } from '../src/database/rows.js';
import { TEST_SECRET, TestApp, USERS } from './support/test-app.js';

/** The auditor's commands (`npm run onegate -- replay|verify|export`), on the same services as the API. */
describe('auditor CLI commands', () => {
  let t: TestApp;
  let caseId: string;
  const lines: string[] = [];
  const errors: string[] = [];
  const progress: [string, number, number][] = [];
  const io: CliIo = { out: (l) => lines.push(l), err: (l) => errors.push(l), progress: (label, done, total) => progress.push([label, done, total]) };
  const dir = mkdtempSync(join(tmpdir(), 'onegate-cli-'));

  beforeAll(async () => {
    t = await TestApp.start();
    const c = await t.createCase();
    caseId = c.id;
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await t.decide(c.id, USERS.secretariat, 'approve');
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    lines.length = 0;
    errors.length = 0;
    progress.length = 0;
  });

  it('replay prints the timeline and the state at a point', async () => {
    expect(await replayCommand(t.app, caseId, { seq: 4 }, io)).toBe(0);
    expect(lines.filter((l) => /^\s+\d+\s/.test(l))).toHaveLength(5);
    expect(lines.find((l) => l.startsWith('state at'))).toMatch(/state at seq 4 .*: administrative_check on cooperation@3; stored snapshot matches/);
    expect(lines.at(-1)).toBe('  open task t1 (administrative_check) for any secretariat');
  });

  it('verify reports ok with progress, checks a kept checkpoint file, and exits 1 on tampering', async () => {
    expect(await verifyCommand(t.app, {}, io)).toBe(0);
    expect(lines.at(-1)).toMatch(/^ok: 1 cases, 5 events checked, 0 problem/);
    expect(progress.at(-1)).toEqual(['verifying', 1, 1]);
    const kept = (await t.post('/api/audit/checkpoints', USERS.auditor)).body;
    const file = join(dir, 'checkpoint.json');
    writeFileSync(file, JSON.stringify(kept));
    expect(await verifyCommand(t.app, { checkpoint: readCheckpointFile(file) }, io)).toBe(0);
    writeFileSync(join(dir, 'bad.json'), '{not json');
    expect(() => readCheckpointFile(join(dir, 'bad.json'))).toThrow(UsageError);
    await t.db.transaction(async (em) => {
      const e = await em.findOneByOrFail<CaseEventRow>(CASE_EVENT, { caseId, seq: 5 });
      await em.update(CASE_EVENT, { id: e.id }, { actorId: 'someone-else' });
    });
    expect(await verifyCommand(t.app, { checkpoint: readCheckpointFile(file) }, io)).toBe(1);
    expect(lines.some((l) => /hash_mismatch case .* seq 5/.test(l))).toBe(true);
  });

  it('export writes the chosen format to a file, counting events as progress', async () => {
    const out = join(dir, 'log.xes');
    expect(await exportCommand(t.app, { format: 'xes', out }, io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<log xes.version="1849.2016"');
    expect(progress.at(-1)).toEqual(['exporting xes', 5, 5]);
    expect(await exportCommand(t.app, { format: 'csv', out: join(dir, 'log.csv') }, io)).toBe(0);
    expect(progress.at(-1)).toEqual(['exporting csv', 5, 5]);
    expect(readFileSync(join(dir, 'log.csv'), 'utf8').trim().split('\n')).toHaveLength(6);
  });

  it('verify-export checks a JSON-lines export from the file alone, and finds the event tampered with above', async () => {
    const out = join(dir, 'log.jsonl');
    expect(await exportCommand(t.app, { format: 'jsonl', out }, io)).toBe(0);
    // seq 5's actor was edited in the database by the verify test: the export carries the edit, and its old hash.
    expect(await verifyExportCommand(out, io)).toBe(1);
    expect(lines.at(-2)).toBe(`FAILED: 5 events of ${out} checked, 1 problem(s)`);
    expect(lines.at(-1)).toMatch(new RegExp(`^  hash_mismatch case ${caseId} seq 5: its content does not give its hash$`));
    const head = join(dir, 'head.jsonl');
    writeFileSync(head, readFileSync(out, 'utf8').split('\n').slice(0, 4).join('\n'));
    expect(await verifyExportCommand(head, io)).toBe(0);
    expect(lines.at(-1)).toBe(`ok: 4 events of ${head} checked, 0 problem(s)`);
    await expect(verifyExportCommand(join(dir, 'missing.jsonl'), io)).rejects.toThrow(UsageError);
  });
});

describe('argument parsers', () => {
  it('take whole numbers, ISO dates and time spans, and name the option and value otherwise', () => {
    expect(parseSeq('12')).toBe(12);
    for (const bad of ['abc', '1.5', '-1', '0', '', '1e3', '99999999999999999999']) expect(() => parseSeq(bad)).toThrow(`--seq must be a whole number, got ${JSON.stringify(bad)}`);
    expect(isoDate('--at')('2026-12-07T14:00:00+07:00')).toBe('2026-12-07T14:00:00+07:00');
    expect(isoDate('--from')('2026-12-07')).toBe('2026-12-07');
    for (const bad of ['notadate', '7', 'March 7', '2026-13-45']) expect(() => isoDate('--at')(bad)).toThrow(/^--at must be an ISO 8601 date/);
    expect(parseTtl('24h')).toBe(86_400);
    expect(parseTtl('30 minutes')).toBe(1800);
    expect(parseTtl('1.5h')).toBe(5400);
    expect(parseTtl('PT8H')).toBe(8 * 3600);
    for (const bad of ['0h', '0.0001s', 'P1M', '']) expect(() => parseTtl(bad)).toThrow(`--ttl must be a time span such as 30m, 24h or 7d, got ${JSON.stringify(bad)}`);
    expect(() => parseTtl('forever')).toThrow('--ttl must be a time span such as 30m, 24h or 7d, got "forever"');
  });

  it('draws a progress bar on stderr only when enabled (a terminal)', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const piped = new TerminalProgress();
      expect(piped.enabled).toBe(false); // Jest's stdout and stderr are not terminals
      piped.update('verifying', 1, 2);
      piped.stop();
      expect(write).not.toHaveBeenCalled();
      const terminal = new TerminalProgress(true);
      terminal.update('verifying', 1, 2);
      terminal.stop();
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toMatch(/verifying .* 50% 1\/2/);
    } finally {
      write.mockRestore();
    }
  });
});

/**
 * `npm run onegate -- …` as a user runs it: the launcher (scripts/onegate.mjs) in a child process with
 * piped stdout and stderr, on this suite's database.
 */
describe('the onegate command', () => {
  const root = join(__dirname, '..');
  let t: TestApp;
  let caseId: string;
  let caseNumber: string;
  let env: NodeJS.ProcessEnv;
  const dataDir = mkdtempSync(join(tmpdir(), 'onegate-cli-data-'));

  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, 'scripts', 'onegate.mjs'), ...args], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    // The CLI finds the embedded database and the document files under ONEGATE_DATA_DIR: put both there.
    t = await TestApp.start({ dataDir, ...(process.env.DATABASE_URL ? {} : { database: { kind: 'sqlite', file: join(dataDir, 'onegate.sqlite') } }) });
    const c = await t.createCase();
    caseId = c.id;
    caseNumber = c.number;
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await t.decide(c.id, USERS.secretariat, 'approve');
    const db = t.config.database;
    env = { ...process.env, AUTH_JWT_SECRET: TEST_SECRET, ONEGATE_DEMO_USERS: 'false', ONEGATE_LOG_LEVEL: 'silent', ONEGATE_DATA_DIR: dataDir, DATABASE_URL: db.kind === 'postgres' ? db.url : '' };
    delete env.REDIS_URL;
    // Builds dist/ when the sources are newer (as on a first call), so the tests below time only the CLI.
    const first = spawnSync(process.execPath, [join(root, 'scripts', 'onegate.mjs'), '--help'], { cwd: root, env, encoding: 'utf8', timeout: 240_000 });
    expect(first.status).toBe(0);
  }, 300_000);
  afterAll(async () => {
    await t.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes a case number wherever it takes a case id', async () => {
    expect(caseNumber).toMatch(/^KS-\d{4}-\d{4}$/);
    const byId = await run(['replay', caseId, '--seq', '4']);
    const byNumber = await run(['replay', caseNumber, '--seq', '4']);
    expect(byId).toMatchObject({ code: 0, stderr: '' });
    expect(byNumber).toEqual(byId);
    expect(byNumber.stdout).toMatch(/state at seq 4 .*: administrative_check on cooperation@3; stored snapshot matches/);
    const lower = await run(['verify', '--case', caseNumber.toLowerCase()]);
    expect(lower).toMatchObject({ code: 0, stderr: '' });
    expect(lower.stdout).toMatch(/^ok: 1 cases, 5 events checked, 0 problem/m);
  }, 60_000);

  const bad: [string, (c: { caseId: string }) => string[], RegExp][] = [
    ['an unknown command', () => ['frobnicate'], /^onegate: unknown command 'frobnicate'$/],
    ['an unknown option', () => ['token', USERS.proposer.id, '--colour'], /^onegate: unknown option '--colour'$/],
    ['a missing argument', () => ['token'], /^onegate: missing required argument 'userId'$/],
    ['a missing value', () => ['token', USERS.proposer.id, '--ttl'], /^onegate: option '--ttl <span>' argument missing$/],
    ['a bad time span', () => ['token', USERS.proposer.id, '--ttl', 'forever'], /^onegate: --ttl must be a time span .* got "forever"$/],
    ['an unknown user', () => ['token', 'nobody'], /^onegate: no user "nobody" in the directory\. Known: /],
    ['a --ttl above AUTH_TOKEN_MAX_TTL', () => ['token', USERS.proposer.id, '--ttl', '25h'], /^onegate: --ttl must be at most AUTH_TOKEN_MAX_TTL \(1 day\), got 25 hours$/],
    ['--seq abc', (c) => ['replay', c.caseId, '--seq', 'abc'], /^onegate: --seq must be a whole number, got "abc"$/],
    ['--seq past the last event', (c) => ['replay', c.caseId, '--seq', '99'], /^onegate: case .* has no event 99 \(last is 5\)$/],
    ['--at notadate', (c) => ['replay', c.caseId, '--at', 'notadate'], /^onegate: --at must be an ISO 8601 date or date-time .*got "notadate"$/],
    ['--at with --seq', (c) => ['replay', c.caseId, '--at', '2026-01-01', '--seq', '2'], /^onegate: option '--at <iso>' cannot be used with option '--seq <n>'$/],
    ['an unknown case id', () => ['replay', 'no-such-case'], /^onegate: no case "no-such-case" /],
    ['an unknown case number', () => ['replay', 'KS-1999-0042'], /^onegate: no case numbered KS-1999-0042$/],
    ['an unknown case to verify', () => ['verify', '--case', 'KS-1999-0042'], /^onegate: no case numbered KS-1999-0042$/],
    ['an unreadable checkpoint file', () => ['verify', '--checkpoint', '/no/such/file.json'], /^onegate: --checkpoint: cannot read \/no\/such\/file\.json: ENOENT/],
    ['an unknown export format', () => ['export', '--format', 'pdf', '--out', '/tmp/x'], /^onegate: option '--format <format>' argument 'pdf' is invalid\. Allowed choices are jsonl, csv, xes\.$/],
    ['a missing --out', () => ['export', '--format', 'csv'], /^onegate: required option '--out <file>' not specified$/],
    ['export --from nope', () => ['export', '--format', 'csv', '--out', '/tmp/x', '--from', 'nope'], /^onegate: --from must be an ISO 8601 date/],
    ['an unreadable export to verify', () => ['verify-export', '/no/such/log.jsonl'], /^onegate: verify-export: cannot read \/no\/such\/log\.jsonl: ENOENT/],
  ];
  it.each(bad)('%s prints one line naming it and exits 2', async (_name, args, message) => {
    const r = await run(args({ caseId }));
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stderr).not.toMatch(/SqliteError|QueryFailedError|\n\s+at /);
    expect(r.code).toBe(2);
  }, 60_000);

  it('--help lists the commands', async () => {
    const r = await run(['--help']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    for (const command of ['token', 'demo', 'import', 'migrate', 'replay', 'verify', 'verify-export', 'export', 'help']) expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const replay = await run(['help', 'replay']);
    expect(replay.stdout).toMatch(/--at <iso>/);
    expect(replay.stdout).toMatch(/--seq <n>/);
  }, 60_000);

  it('prints a token alone on stdout', async () => {
    const r = await run(['token', USERS.auditor.id, '--ttl', '1h']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const me = await t.request('GET', '/api/auth/me', { headers: { authorization: `Bearer ${r.stdout.trim()}` } });
    expect(me.status).toBe(200);
  }, 60_000);

  it('mints no token living longer than AUTH_TOKEN_MAX_TTL: 24 hours by default, capped at a shorter maximum', async () => {
    const lifetime = (token: string) => {
      const { iat, exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
      return exp - iat;
    };
    const byDefault = await run(['token', USERS.auditor.id]);
    expect(byDefault).toMatchObject({ code: 0, stderr: '' });
    expect(lifetime(byDefault.stdout.trim())).toBe(86_400);
    const shorter = await run(['token', USERS.auditor.id], { AUTH_TOKEN_MAX_TTL: 'PT1H' });
    expect(shorter).toMatchObject({ code: 0, stderr: '' });
    expect(lifetime(shorter.stdout.trim())).toBe(3600);
    const refused = await run(['token', USERS.auditor.id, '--ttl', '2h'], { AUTH_TOKEN_MAX_TTL: 'PT1H' });
    expect(refused).toEqual({ code: 2, stdout: '', stderr: 'onegate: --ttl must be at most AUTH_TOKEN_MAX_TTL (1 hour), got 2 hours\n' });
  }, 60_000);

  it('draws no progress when piped: stderr stays empty, stdout has no control characters', async () => {
    const out = join(dataDir, 'log.jsonl');
    const results = [await run(['verify']), await run(['export', '--format', 'jsonl', '--out', out])];
    for (const r of results) {
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).not.toMatch(/[\r\x1b]/);
    }
    expect(results[1]!.stdout).toMatch(/^wrote .*log\.jsonl \(\d+ bytes\)\n$/);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(5);
    // The demo, on an installation of its own (it fills an empty one).
    const demoDir = mkdtempSync(join(tmpdir(), 'onegate-cli-demo-'));
    try {
      const demo = await run(['demo'], { DATABASE_URL: '', ONEGATE_DATA_DIR: demoDir, ONEGATE_DEMO_USERS: 'true' });
      expect(demo).toMatchObject({ code: 0, stderr: '' });
      expect(demo.stdout).toBe("onegate demo: signed Kota Jambi's 2017: 9 KB (MoU) and 14 PKS\nonegate demo: registered them: 7 in force, 15 expired, 1 terminated; 3 entries still to complete\nonegate demo: after signing: a renewal signed in 2021, an addendum in 2024, an evaluation concluded in 2025 and one overdue now; the rest in force open an evaluation at the first start\nonegate demo: opened 8 cases, one at each stage, plus one in revision, one rejected, one withdrawn\n");
    } finally {
      rmSync(demoDir, { recursive: true, force: true });
    }
  }, 120_000);
});
