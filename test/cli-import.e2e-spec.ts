import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../src/cli/auditor.js';
import { UsageError } from '../src/cli/arguments.js';
import { importCommand } from '../src/cli/import.js';
import { legacyCsv, legacyRows } from './support/legacy-register.js';
import { TEST_SECRET, TestApp, USERS } from './support/test-app.js';

const root = join(__dirname, '..');
const SAMPLE = join(root, 'docs', 'contoh-impor-perjanjian.csv');

/** `npm run onegate -- import FILE [--dry-run]` (contract §9's import from the command line), on this suite's database. */
describe(`onegate import on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'}`, () => {
  let t: TestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'onegate-cli-import-'));
  const lines: string[] = [];
  const errors: string[] = [];
  const progress: [string, number, number][] = [];
  const io: CliIo = { out: (l) => lines.push(l), err: (l) => errors.push(l), progress: (label, done, all) => progress.push([label, done, all]) };
  const total = async () => (await t.get('/api/agreements?limit=1', USERS.auditor)).body.total as number;

  beforeAll(async () => {
    t = await TestApp.start({ dataDir, ...(process.env.DATABASE_URL ? {} : { database: { kind: 'sqlite', file: join(dataDir, 'onegate.sqlite') } }) });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    lines.length = 0;
    errors.length = 0;
    progress.length = 0;
  });

  it('a dry run reports, the import creates with progress, the same file again skips every row', async () => {
    expect(await importCommand(t.app, SAMPLE, { dryRun: true }, io)).toBe(0);
    expect(lines).toEqual(['uji coba (tidak ada yang disimpan): 10 baris, 10 akan dibuat, 0 sudah ada di register']);
    expect(await total()).toBe(0);
    expect(await importCommand(t.app, SAMPLE, {}, io)).toBe(0);
    expect(lines.at(-1)).toBe('10 baris: 10 perjanjian dibuat, 0 dilewati karena nomornya sudah ada di register');
    expect(progress.at(-1)).toEqual(['membaca baris', 10, 10]);
    expect(await total()).toBe(10);
    const id = (await t.get('/api/agreements?q=Talang%20Gulo', USERS.auditor)).body.items[0].id;
    const [event] = (await t.get(`/api/cases/${id}/history`, USERS.auditor)).body;
    expect(event).toMatchObject({ type: 'IMPORTED', actor: { id: 'cli-import' }, data: { file: { name: 'contoh-impor-perjanjian.csv' }, row: { row: 2 } } });
    expect(await importCommand(t.app, SAMPLE, {}, io)).toBe(0);
    expect(lines.at(-1)).toBe('10 baris: 0 perjanjian dibuat, 10 dilewati karena nomornya sudah ada di register');
    expect(await total()).toBe(10);
  });

  it('a file with errors: exit 1, every error on stderr by row and column, nothing created', async () => {
    const rows = [...legacyRows(3, 500)];
    rows[2]!.signed_at = 'kemarin';
    const file = join(dataDir, 'salah.csv');
    writeFileSync(file, legacyCsv(rows));
    expect(await importCommand(t.app, file, {}, io)).toBe(1);
    expect(errors).toEqual([expect.stringMatching(/^baris 4, kolom signed_at: "kemarin" bukan tanggal/), `${file}: 1 kesalahan pada berkas; tidak ada perjanjian yang dibuat`]);
    expect(await importCommand(t.app, file, { dryRun: true }, io)).toBe(1);
    expect(lines.at(-1)).toBe('uji coba (tidak ada yang disimpan): 3 baris, 0 akan dibuat, 0 sudah ada di register; 1 kesalahan');
    expect(await total()).toBe(10);
  });

  it('a refused file: exit 1 with the reason; a file that cannot be read: a usage error (exit 2)', async () => {
    const file = join(dataDir, 'utf16.csv');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('number;title\n', 'utf16le')]));
    expect(await importCommand(t.app, file, {}, io)).toBe(1);
    expect(errors).toEqual([`${file}: berkas CSV berkode UTF-16, bukan UTF-8: simpan ulang sebagai "CSV UTF-8"`]);
    const big = join(dataDir, 'besar.csv');
    writeFileSync(big, Buffer.alloc(20 * 2 ** 20 + 1, 'x'));
    expect(await importCommand(t.app, big, {}, io)).toBe(1);
    expect(errors.at(-1)).toBe(`${big}: lebih besar dari 20 MiB; bagi menjadi beberapa berkas`);
    await expect(importCommand(t.app, join(dataDir, 'tidak-ada.csv'), {}, io)).rejects.toThrow(new UsageError(`cannot read ${join(dataDir, 'tidak-ada.csv')}: ENOENT`));
  });

  it('as a user runs it: npm run onegate -- import FILE [--dry-run]; exit 2 without a file or with an unknown option', async () => {
    const db = t.config.database;
    const env: NodeJS.ProcessEnv = { ...process.env, AUTH_JWT_SECRET: TEST_SECRET, ONEGATE_DEMO_USERS: 'false', ONEGATE_LOG_LEVEL: 'silent', ONEGATE_DATA_DIR: dataDir, DATABASE_URL: db.kind === 'postgres' ? db.url : '' };
    delete env.REDIS_URL;
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [join(root, 'scripts', 'onegate.mjs'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    // Builds dist/ when the sources are newer, as a first call does.
    expect(spawnSync(process.execPath, [join(root, 'scripts', 'onegate.mjs'), '--help'], { cwd: root, env, encoding: 'utf8', timeout: 240_000 }).status).toBe(0);
    const file = join(dataDir, 'baru.csv');
    writeFileSync(file, legacyCsv(legacyRows(2, 900)));
    const dry = await run(['import', file, '--dry-run']);
    expect(dry).toMatchObject({ code: 0, stdout: 'uji coba (tidak ada yang disimpan): 2 baris, 2 akan dibuat, 0 sudah ada di register\n' });
    // Piped output: no progress bar, no control characters.
    expect(dry.stderr).not.toMatch(/\u001b/);
    expect(await run(['import', file])).toMatchObject({ code: 0, stdout: '2 baris: 2 perjanjian dibuat, 0 dilewati karena nomornya sudah ada di register\n' });
    expect(await total()).toBe(12);
    expect(await run(['import'])).toMatchObject({ code: 2, stderr: "onegate: missing required argument 'file'\n" });
    expect(await run(['import', file, '--dry'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^onegate: unknown option '--dry'/) });
    expect(await run(['import', join(dataDir, 'tidak-ada.csv')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^onegate: cannot read .*tidak-ada\.csv: ENOENT/) });
  }, 300_000);
});
