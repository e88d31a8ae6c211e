#!/usr/bin/env node
// `npm test`: says which backends the suites use, then runs Jest with any arguments given.
import { spawnSync } from 'node:child_process';

const db = process.env.DATABASE_URL ? `PostgreSQL (${redact(process.env.DATABASE_URL)})` : 'embedded SQLite file (better-sqlite3)';
const queue = process.env.REDIS_URL ? `BullMQ on Redis (${redact(process.env.REDIS_URL)})` : 'in-process timers and queues';
console.log(`onegate tests: database = ${db}; queue = ${queue}`);

const jest = spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: process.env,
});
console.log(`onegate tests ran on: database = ${db}; queue = ${queue}`);
process.exit(jest.status ?? 1);

function redact(url) {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
