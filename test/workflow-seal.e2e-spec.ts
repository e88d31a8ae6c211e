/**
 * Sealed workflow versions (contract §13): `onegate workflows check` fails when one byte of a sealed
 * version changes, and the lint fence keeps every file outside a version off its files. No database.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEALED, WORKFLOWS, findWorkflow } from '../workflows/registry.js';
import { checkSeals, hashFolder, readLock, sealVersion, versionFolder } from '../src/workflows/seal.js';
import { loadGoldenFixtures } from './golden/golden.js';

const root = join(__dirname, '..');
const source = join(root, 'workflows');

describe('sealed workflow versions', () => {
  let dir: string;
  let tree: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'onegate-seal-'));
    tree = join(dir, 'workflows');
    cpSync(source, tree, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('seals every version that has run cases (each with golden replays), and the source tree matches its lock', () => {
    const recorded = loadGoldenFixtures().map((f) => `${f.workflow.name}@${f.workflow.version}`);
    expect(SEALED.map((s) => `${s.workflow}@${s.version}`)).toEqual(expect.arrayContaining(recorded));
    expect(readLock(source)).toEqual(SEALED);
    const check = checkSeals(source);
    expect(check.problems).toEqual([]);
    expect(check.intact.sort()).toEqual(SEALED.map((s) => `${s.workflow}@${s.version}`).sort());
  });

  it('names a one-byte change in any file of any sealed version', () => {
    for (const s of SEALED) {
      for (const path of Object.keys(s.files)) {
        const file = join(tree, s.folder, path);
        const original = readFileSync(file);
        const flipped = Buffer.from(original);
        flipped[Math.floor(flipped.length / 2)] ^= 0x01;
        writeFileSync(file, flipped);
        expect(checkSeals(tree).problems).toEqual([expect.stringMatching(new RegExp(`^${s.workflow}@${s.version}: ${s.folder}/${path.replace('.', '\\.')} changed \\(sha256 [0-9a-f]{64}, sealed ${s.files[path]}\\)$`))]);
        writeFileSync(file, original);
      }
    }
    expect(checkSeals(tree).problems).toEqual([]);
  });

  it('names a file added to or removed from a sealed version, a missing folder, and a lock edited by hand', () => {
    const [first] = SEALED;
    writeFileSync(join(tree, first!.folder, 'extra.ts'), 'export const more = 1;\n');
    unlinkSync(join(tree, first!.folder, 'sla.ts'));
    expect(checkSeals(tree).problems).toEqual(
      expect.arrayContaining([`${first!.workflow}@${first!.version}: ${first!.folder}/sla.ts was removed`, `${first!.workflow}@${first!.version}: ${first!.folder}/extra.ts was added`]),
    );
    rmSync(join(tree, first!.folder), { recursive: true });
    expect(checkSeals(tree).problems).toContain(`${first!.workflow}@${first!.version}: folder workflows/${first!.folder} is missing`);

    // Editing the lock to match a changed file is caught too: its entry no longer adds up.
    cpSync(source, tree, { recursive: true });
    const lock = readFileSync(join(tree, 'lock.ts'), 'utf8');
    const some = Object.values(first!.files)[0]!;
    writeFileSync(join(tree, 'lock.ts'), lock.replace(some, some.replace(/^./, (c) => (c === '0' ? '1' : '0'))));
    expect(checkSeals(tree).problems.join('\n')).toMatch(/the lock's own entry does not add up/);
  });

  it('refuses to seal a version again, and seals a new one so that check then holds it', () => {
    const v2 = findWorkflow('cooperation', 2)!;
    expect(() => sealVersion(tree, v2)).toThrow(/already sealed: a change is a new version/);
    // A version after every one in the registry, made from a copy of v2's folder.
    const n = Math.max(...WORKFLOWS.filter((w) => w.name === 'cooperation').map((w) => w.version)) + 1;
    const next = { ...v2, version: n };
    cpSync(join(tree, versionFolder(v2)), join(tree, versionFolder(next)), { recursive: true });
    const sealed = sealVersion(tree, next);
    expect(sealed.find((s) => s.workflow === 'cooperation' && s.version === n)).toMatchObject({ workflow: 'cooperation', folder: `cooperation/v${n}`, ...hashFolder(join(tree, `cooperation/v${n}`)) });
    expect(readLock(tree)).toEqual(sealed);
    const check = checkSeals(tree, [...WORKFLOWS, next]);
    expect(check.problems).toEqual([]);
    expect(check.intact).toContain(`cooperation@${n}`);
    // A sealed version that leaves the registry is a problem, not a silent pass.
    expect(checkSeals(tree).problems).toContain(`cooperation@${n} is sealed but not in workflows/registry.ts`);
  });

  it('`npm run onegate -- workflows check` exits 1 on a changed byte and 0 on the sealed tree', () => {
    const run = (d: string) => spawnSync(process.execPath, [join(root, 'scripts', 'onegate.mjs'), 'workflows', 'check', '--dir', d], { cwd: root, encoding: 'utf8', timeout: 240_000 });
    const intact = run(tree);
    expect([intact.status, intact.stdout]).toEqual([0, expect.stringContaining('sealed, unchanged: cooperation@1')]);
    const machine = join(tree, 'cooperation/v1/machine.ts');
    writeFileSync(machine, readFileSync(machine, 'utf8').replace("target: 'dprd_approval'", "target: 'mayor_signature'"));
    const changed = run(tree);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toContain('CHANGED: cooperation@1: cooperation/v1/machine.ts changed');
  }, 300_000);
});

describe('the lint fence around sealed versions', () => {
  // ESLint's flat config is an ES module, which Jest's CommonJS cannot load: one child lints every probe.
  const probes: [string, string][] = [
    ['src/cases/probe.ts', "import { STAGES } from '../../workflows/cooperation/v1/rules.js';\nexport const x = STAGES;\n"],
    ['test/probe.ts', "import { cooperationV2 } from '../workflows/cooperation/v2/index.js';\nexport const x = cooperationV2;\n"],
    ['bench/probe.ts', "import { UPLOAD_RULES } from '../workflows/cooperation/v2/documents.js';\nexport const x = UPLOAD_RULES;\n"],
    ['src/cases/probe.ts', "import { findWorkflow } from '../../workflows/registry.js';\nimport { ROLES } from '../../workflows/domain.js';\nexport const x = [findWorkflow, ROLES];\n"],
    ['workflows/cooperation/v2/probe.ts', "import { STAGES } from '../v1/rules.js';\nexport const x = STAGES;\n"],
    ['workflows/cooperation/v2/probe.ts', "import { WORKFLOWS } from '../../registry.js';\nexport const x = WORKFLOWS;\n"],
    ['workflows/cooperation/v2/probe.ts', "import { ROLES } from '../../domain.js';\nimport type { StageSla } from '../../definition.js';\nimport { STAGES } from './rules.js';\nexport const x: [unknown, StageSla | null, unknown] = [ROLES, null, STAGES];\n"],
    ['workflows/cooperation/probe.ts', "import { STAGES } from './v1/rules.js';\nexport const x = STAGES;\n"],
    ['workflows/registry.ts', "import { cooperationV1 } from './cooperation/v1/index.js';\nexport const x = cooperationV1;\n"],
  ];
  let rules: string[][];
  beforeAll(() => {
    const script = `import { ESLint } from 'eslint';
const eslint = new ESLint({ cwd: process.cwd() });
const probes = JSON.parse(process.argv[1]);
const out = [];
for (const [filePath, code] of probes) out.push((await eslint.lintText(code, { filePath }))[0].messages.map((m) => m.ruleId ?? m.message));
console.log(JSON.stringify(out));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(probes.map(([f, c]) => [join(root, f), c]))], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr).toBe('');
    rules = JSON.parse(child.stdout);
  }, 150_000);

  it("refuses a version's files from src/, test/ and bench/, and allows the registry and the domain", () => {
    expect(rules.slice(0, 4)).toEqual([['no-restricted-imports'], ['no-restricted-imports'], ['no-restricted-imports'], []]);
  });

  it('keeps a version off another version and off the registry, and lets it use the domain and definition', () => {
    expect(rules.slice(4)).toEqual([['no-restricted-imports'], ['no-restricted-imports'], [], ['no-restricted-imports'], []]);
  });
});
