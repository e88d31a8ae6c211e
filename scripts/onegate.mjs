#!/usr/bin/env node
// `npm run onegate -- …`: runs the built CLI, compiling first only when dist/ is missing or older than a
// source under src/ or workflows/ (or a tsconfig), so a call costs the CLI's own start, not a tsc run.
// Build output goes to stderr: `TOKEN=$(npm run -s onegate -- token x)` captures the token alone.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'dist', 'src', 'cli', 'onegate.js');
const lock = join(root, 'dist', '.onegate-build.lock');

/** Newest modification time (ms) of the files tsconfig.build.json compiles, and of the configs. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'workflows'));
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return newest;
}

function builtAt() {
  try {
    return statSync(cli).mtimeMs;
  } catch {
    return -1;
  }
}

const stale = () => builtAt() < newestSource();

/** One build at a time: a second launcher waits for the first (or takes over the lock of a dead one). */
function takeLock() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lock, 'utf8')) || 0;
      if (!isAlive(holder)) rmSync(lock, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

function isAlive(pid) {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

if (stale()) {
  takeLock();
  try {
    if (stale()) {
      process.stderr.write('onegate: compiling (the sources changed since the last build)…\n');
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 2, 2] });
      if (run.status !== 0) {
        rmSync(cli, { force: true }); // tsc emits despite errors: make the next call build again
        process.stderr.write(`onegate: the build failed (tsc exited ${run.status ?? run.signal}); see the errors above\n`);
        process.exit(1);
      }
    }
  } finally {
    rmSync(lock, { force: true });
  }
}

await import(pathToFileURL(cli).href);
