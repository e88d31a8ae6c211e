import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The fault suite's watchdog (test/faults/support/watchdog.sh) must bring PostgreSQL and Redis back
 * when the runner dies with one of them stopped. Tested with stand-ins for pg_isready, pg_ctlcluster,
 * redis-cli and redis-server first on PATH, which say "down" or "up" and note what they were asked:
 * the machine's real services are never touched.
 */
describe('fault suite watchdog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'onegate-watchdog-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function standIns(state: { postgres: 'up' | 'down'; redis: 'up' | 'down' }): void {
    const tool = (name: string, body: string) => {
      writeFileSync(join(dir, name), `#!/usr/bin/env bash\necho "${name} $*" >> "${join(dir, 'calls')}"\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    };
    tool('pg_isready', state.postgres === 'up' ? 'exit 0' : 'exit 2');
    tool('pg_ctlcluster', 'exit 0');
    tool('redis-cli', state.redis === 'up' ? 'echo PONG' : 'exit 1');
    tool('redis-server', 'exit 0');
  }

  async function runWatchdog(env: Record<string, string>): Promise<string[]> {
    // The watched process: one that is already gone.
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('exit', resolve));
    execFileSync('bash', [join('test', 'faults', 'support', 'watchdog.sh'), String(gone.pid)], {
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, ...env },
      stdio: 'pipe',
    });
    const calls = join(dir, 'calls');
    return existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
  }

  it('starts PostgreSQL and Redis as CI does when the runner is gone and they are down', async () => {
    standIns({ postgres: 'down', redis: 'down' });
    const calls = await runWatchdog({ FAULTS_WATCH_POSTGRES: '1', FAULTS_WATCH_REDIS: '1' });
    expect(calls.some((c) => /^pg_ctlcluster --skip-systemctl-redirect \S+ main start$/.test(c))).toBe(true);
    expect(calls).toContain('redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save  --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log');
  });

  it('leaves running services alone, and services the run did not use', async () => {
    standIns({ postgres: 'up', redis: 'up' });
    let calls = await runWatchdog({ FAULTS_WATCH_POSTGRES: '1', FAULTS_WATCH_REDIS: '1' });
    expect(calls.filter((c) => c.startsWith('pg_ctlcluster') || c.startsWith('redis-server'))).toEqual([]);
    rmSync(join(dir, 'calls'), { force: true });
    standIns({ postgres: 'down', redis: 'down' });
    calls = await runWatchdog({ FAULTS_WATCH_POSTGRES: '', FAULTS_WATCH_REDIS: '' });
    expect(calls).toEqual([]);
  });
});
