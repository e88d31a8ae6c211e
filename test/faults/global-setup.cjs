// Says which fault scenarios this run holds and on which services, so a reader of the CI log knows.
// Then starts a detached watchdog (support/watchdog.sh) that restarts PostgreSQL or Redis if this run
// ends, however it ends, with one of them stopped by a scenario that never reached its `finally`.
const { spawn } = require('node:child_process');
const { openSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');

module.exports = async (_globalConfig, project) => {
  const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite';
  const queue = process.env.REDIS_URL ? 'BullMQ on Redis' : 'in-process';
  const files = project.testMatch.map((m) => m.replace(/^.*\//, '').replace('.fault-spec.ts', ''));
  process.stdout.write(`\n[faults] database ${db}, queue ${queue}; scenarios: ${files.join(', ')}\n`);
  if (!process.env.DATABASE_URL && !process.env.REDIS_URL) return;
  const log = join(tmpdir(), 'onegate-faults-watchdog.log');
  const out = openSync(log, 'a');
  const watchdog = spawn('bash', [join(__dirname, 'support', 'watchdog.sh'), String(process.pid)], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, FAULTS_WATCH_POSTGRES: process.env.DATABASE_URL ? '1' : '', FAULTS_WATCH_REDIS: process.env.REDIS_URL ? '1' : '' },
  });
  watchdog.unref();
  process.stdout.write(`[faults] watchdog ${watchdog.pid} restarts PostgreSQL/Redis after this run if a scenario left them down (log: ${log})\n`);
};
