import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { sleep } from './server-process.js';

const run = promisify(execFile);

/**
 * The machine's PostgreSQL and Redis, stopped and started as an operator would. Every stop is paired
 * with a start in the caller's `finally`, and a start waits until the service answers: CI (and other
 * engineers' tests on a shared machine) run on these same services.
 */
export const postgres = {
  host: '127.0.0.1',
  port: 5432,

  cluster(): { version: string; name: string } {
    const version = readdirSync('/etc/postgresql').sort((a, b) => Number(b) - Number(a))[0];
    if (!version) throw new Error('no PostgreSQL cluster under /etc/postgresql');
    return { version, name: 'main' };
  },

  async ready(): Promise<boolean> {
    return run('pg_isready', ['-q', '-h', this.host, '-p', String(this.port)]).then(
      () => true,
      () => false,
    );
  },

  /** A fast shutdown: open transactions are rolled back, clients are disconnected (57P01). */
  async stop(): Promise<void> {
    const { version, name } = this.cluster();
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'stop', '-m', 'fast']);
  },

  /** Starts the cluster unless it runs, and waits until it accepts connections (at most 60 s). */
  async start(): Promise<void> {
    const { version, name } = this.cluster();
    if (!(await this.ready())) await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start']).catch(() => undefined);
    for (let i = 0; i < 240 && !(await this.ready()); i++) await sleep(250);
    if (!(await this.ready())) throw new Error('PostgreSQL did not come back within 60 s');
  },
};

export const redis = {
  host: '127.0.0.1',
  port: 6379,

  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-h', this.host, '-p', String(this.port), ...args]);
    return stdout.trim();
  },

  async ready(): Promise<boolean> {
    return this.cli('ping').then(
      (out) => out === 'PONG',
      () => false,
    );
  },

  /** SHUTDOWN NOSAVE: the process exits and keeps nothing. */
  async shutdown(): Promise<void> {
    await this.cli('shutdown', 'nosave').catch(() => undefined);
    for (let i = 0; i < 40 && (await this.ready()); i++) await sleep(250);
    if (await this.ready()) throw new Error('Redis did not stop');
  },

  /** Starts redis-server exactly as CI does, unless it answers already, and waits for PONG (at most 15 s). */
  async start(): Promise<void> {
    if (!(await this.ready())) {
      await run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', String(this.port), '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log']);
    }
    for (let i = 0; i < 60 && !(await this.ready()); i++) await sleep(250);
    if (!(await this.ready())) throw new Error('Redis did not answer PING within 15 s (see /var/log/redis/ci.log)');
  },
};
