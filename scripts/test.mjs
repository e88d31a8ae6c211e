#!/usr/bin/env node
// `npm test`: says which backends the suites use, runs Jest with any arguments given, and closes with
// one counted line ("tests: N passed, N failed, N skipped") that CI can read.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const db = process.env.DATABASE_URL ? `PostgreSQL (${redact(process.env.DATABASE_URL)})` : 'embedded SQLite file (better-sqlite3)';
const queue = process.env.REDIS_URL ? `Redis at ${redact(process.env.REDIS_URL)} (BullMQ)` : 'in-process';
console.log(`onegate tests: database = ${db}; queue = ${queue}`);

const dir = mkdtempSync(join(tmpdir(), 'onegate-jest-'));
const resultsFile = join(dir, 'results.json');
const jest = spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: process.env,
});
let counts = null;
try {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  counts = { passed: r.numPassedTests, failed: r.numFailedTests + r.numRuntimeErrorTestSuites, skipped: r.numPendingTests + r.numTodoTests };
} catch {
  /* Jest did not get to write results */
}
rmSync(dir, { recursive: true, force: true });
console.log(`onegate tests ran on: database = ${db}; queue = ${queue}`);
if (counts) console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(jest.status ?? 1);

function redact(url) {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
