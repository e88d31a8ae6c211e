import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCommand, progressBar, replayCommand, verifyCommand, type CliIo } from '../src/cli/auditor.js';
import { CASE_EVENT } from '../src/database/entities.js';
import type { CaseEventRow } from '../src/database/rows.js';
import { TestApp, USERS } from './support/test-app.js';

/** The auditor's commands (`npm run onegate -- replay|verify|export`), on the same services as the API. */
describe('auditor CLI commands', () => {
  let t: TestApp;
  let caseId: string;
  const lines: string[] = [];
  const errors: string[] = [];
  const progress: string[] = [];
  const io: CliIo = { out: (l) => lines.push(l), err: (l) => errors.push(l), progress: (p) => progress.push(p) };
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
  });
  beforeEach(() => {
    lines.length = 0;
    errors.length = 0;
    progress.length = 0;
  });

  it('replay prints the timeline and the state at a point', async () => {
    expect(await replayCommand(t.app, [caseId, '--seq', '4'], io)).toBe(0);
    expect(lines.filter((l) => /^\s+\d+\s/.test(l))).toHaveLength(5);
    expect(lines.find((l) => l.startsWith('state at'))).toMatch(/state at seq 4 .*: administrative_check on cooperation@2; stored snapshot matches/);
    expect(lines.at(-1)).toBe('  open task t1 (administrative_check) for any secretariat');
    expect(await replayCommand(t.app, [], io)).toBe(2);
  });

  it('verify reports ok with a progress bar, checks a kept checkpoint file, and exits 1 on tampering', async () => {
    expect(await verifyCommand(t.app, [], io)).toBe(0);
    expect(lines.at(-1)).toMatch(/^ok: 1 cases, 5 events checked, 0 problem/);
    expect(progress.at(-1)).toBe(`verifying ${progressBar(1, 1)}`);
    const kept = (await t.post('/api/audit/checkpoints', USERS.auditor)).body;
    const file = join(dir, 'checkpoint.json');
    writeFileSync(file, JSON.stringify(kept));
    expect(await verifyCommand(t.app, ['--checkpoint', file], io)).toBe(0);
    writeFileSync(join(dir, 'bad.json'), '{not json');
    expect(await verifyCommand(t.app, ['--checkpoint', join(dir, 'bad.json')], io)).toBe(2);
    await t.db.transaction(async (em) => {
      const e = await em.findOneByOrFail<CaseEventRow>(CASE_EVENT, { caseId, seq: 5 });
      await em.update(CASE_EVENT, { id: e.id }, { actorId: 'someone-else' });
    });
    expect(await verifyCommand(t.app, ['--checkpoint', file], io)).toBe(1);
    expect(lines.some((l) => /hash_mismatch case .* seq 5/.test(l))).toBe(true);
  });

  it('export writes the chosen format to a file and refuses a bad one', async () => {
    const out = join(dir, 'log.xes');
    expect(await exportCommand(t.app, ['--format', 'xes', '--out', out], io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<log xes.version="1849.2016"');
    expect(await exportCommand(t.app, ['--format', 'pdf', '--out', out], io)).toBe(2);
    expect(await exportCommand(t.app, ['--format', 'csv', '--out', out, '--from', 'nope'], io)).toBe(2);
    expect(errors.join('\n')).toMatch(/--from is not a date/);
  });
});
