/**
 * The seal on workflow versions (contract §13): a sealed version's folder is hashed file by file into
 * workflows/lock.ts, and `onegate workflows check` recomputes the hashes and names every file that
 * changed, appeared or went. The folder's own hash is sha256 over the `sha256sum` listing of its files,
 * so an auditor can check one with coreutils alone:
 *   (cd workflows/cooperation/v1 && find . -type f | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum) | sha256sum
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WORKFLOWS, type SealedVersion, type WorkflowDefinition } from '../../workflows/registry.js';

/** Where a version lives under workflows/: `cooperation/v1`. */
export function versionFolder(w: { name: string; version: number }): string {
  return `${w.name}/v${w.version}`;
}

/** The source tree's workflows/ folder, as run from the project (npm run onegate). */
export function defaultWorkflowsDir(): string {
  return resolve(process.cwd(), 'workflows');
}

const LOCK_START = 'export const SEALED: readonly SealedVersion[] = ';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Every file under `dir`, as sorted `/`-separated paths relative to it (byte order, as `LC_ALL=C sort`). */
function filesUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(dir, path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The folder hash of a `path → sha256` listing: sha256 of the lines `sha256sum` prints for it. */
export function listingHash(files: Readonly<Record<string, string>>): string {
  return sha256(
    Object.keys(files)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((path) => `${files[path]}  ${path}\n`)
      .join(''),
  );
}

export function hashFolder(dir: string): { files: Record<string, string>; sha256: string } {
  const files = Object.fromEntries(filesUnder(dir).map((path) => [path, sha256(readFileSync(join(dir, path)))]));
  return { files, sha256: listingHash(files) };
}

export interface SealCheck {
  /** What is wrong, one line each; empty when every sealed version is as sealed. */
  problems: string[];
  /** `name@version` of each sealed version found intact. */
  intact: string[];
  /** Versions in the registry with no seal yet (still being written; seal one before a case runs on it). */
  unsealed: string[];
}

/** The lock as written in `dir`/lock.ts (not as compiled: `--dir` may name another tree). */
export function readLock(dir: string): SealedVersion[] {
  const file = join(dir, 'lock.ts');
  if (!existsSync(file)) throw new SealError(`${file} is missing`);
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(LOCK_START);
  if (at < 0) throw new SealError(`${file} has no "${LOCK_START}" line`);
  try {
    return JSON.parse(text.slice(at + LOCK_START.length).trim().replace(/;$/, '')) as SealedVersion[];
  } catch (e) {
    throw new SealError(`${file}: the SEALED list is not the JSON the seal command writes (${(e as Error).message})`);
  }
}

export function checkSeals(dir: string, workflows: readonly WorkflowDefinition[] = WORKFLOWS, sealed: readonly SealedVersion[] = readLock(dir)): SealCheck {
  const problems: string[] = [];
  const intact: string[] = [];
  for (const s of sealed) {
    const key = `${s.workflow}@${s.version}`;
    const before = problems.length;
    if (!workflows.some((w) => w.name === s.workflow && w.version === s.version)) problems.push(`${key} is sealed but not in workflows/registry.ts`);
    if (s.folder !== versionFolder({ name: s.workflow, version: s.version })) problems.push(`${key}: the lock names folder ${s.folder}, expected ${versionFolder({ name: s.workflow, version: s.version })}`);
    if (listingHash(s.files) !== s.sha256) problems.push(`${key}: the lock's own entry does not add up (its files do not hash to its sha256): the lock was edited by hand`);
    const folder = join(dir, s.folder);
    if (!existsSync(folder)) {
      problems.push(`${key}: folder workflows/${s.folder} is missing`);
      continue;
    }
    const now = hashFolder(folder).files;
    for (const [path, hash] of Object.entries(s.files)) {
      if (!(path in now)) problems.push(`${key}: ${s.folder}/${path} was removed`);
      else if (now[path] !== hash) problems.push(`${key}: ${s.folder}/${path} changed (sha256 ${now[path]}, sealed ${hash})`);
    }
    for (const path of Object.keys(now)) if (!(path in s.files)) problems.push(`${key}: ${s.folder}/${path} was added`);
    if (problems.length === before) intact.push(key);
  }
  const unsealed = workflows.filter((w) => !sealed.some((s) => s.workflow === w.name && s.version === w.version)).map((w) => `${w.name}@${w.version}`);
  return { problems, intact, unsealed };
}

/** Seals one version: hashes its folder and writes the lock with it. A sealed version is never sealed again. */
export function sealVersion(dir: string, workflow: WorkflowDefinition, sealed: readonly SealedVersion[] = readLock(dir)): SealedVersion[] {
  const key = `${workflow.name}@${workflow.version}`;
  if (sealed.some((s) => s.workflow === workflow.name && s.version === workflow.version)) {
    throw new SealError(`${key} is already sealed: a change is a new version (copy workflows/${versionFolder(workflow)} to the next number)`);
  }
  const folder = versionFolder(workflow);
  if (!existsSync(join(dir, folder))) throw new SealError(`${key}: folder workflows/${folder} is missing`);
  const entry: SealedVersion = { workflow: workflow.name, version: workflow.version, folder, ...hashFolder(join(dir, folder)) };
  const next = [...sealed, entry].sort((a, b) => a.workflow.localeCompare(b.workflow) || a.version - b.version);
  writeFileSync(join(dir, 'lock.ts'), renderLock(readFileSync(join(dir, 'lock.ts'), 'utf8'), next));
  return next;
}

export class SealError extends Error {}


/** The lock file with its SEALED list replaced (the header and interface above it are kept as written). */
export function renderLock(current: string, sealed: readonly SealedVersion[]): string {
  const at = current.indexOf(LOCK_START);
  if (at < 0) throw new SealError(`workflows/lock.ts has no "${LOCK_START}" line`);
  return `${current.slice(0, at)}${LOCK_START}${JSON.stringify(sealed, null, 2)};\n`;
}
