import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { get } from './http-client.js';

const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

/** A free TCP port on 127.0.0.1, kept by the caller across restarts of its server. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The real built server (`node dist/src/main.js`), configured by environment variables as a user
 * would run it. Its output goes to a log file (kept for the report when a test fails) and is kept in
 * memory so a test can count what a process logged.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** Every line every incarnation of this process wrote, oldest first. */
  readonly lines: string[] = [];
  starts = 0;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm run test:faults does)`);
  }

  get port(): number | null {
    return this.env.PORT ? Number(this.env.PORT) : null;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the process and waits until it serves `GET /api/health` (or, for a worker, logs that it started). */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running`);
    this.starts++;
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.log(`--- ${this.name} (pid ${child.pid}) exited: ${signal ?? `code ${code}`}`);
      if (this.child === child) this.child = null;
      resolve();
    }));
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop()!;
      for (const line of parts) this.log(line);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.log(`--- ${this.name} start #${this.starts} (pid ${child.pid})`);
    const until = Date.now() + timeoutMs;
    const worker = this.env.ONEGATE_ROLE === 'worker';
    while (Date.now() < until) {
      if (!this.child) throw new Error(`${this.name} exited during start; log: ${this.logFile}\n${this.tail(30)}`);
      if (worker) {
        if (this.startedSince(child.pid!)) return;
      } else {
        const res = await get(`${this.baseUrl}/api/health`, { timeoutMs: 2000 }).catch(() => null);
        if (res && res.status === 200) return;
      }
      await sleep(100);
    }
    throw new Error(`${this.name} did not become ready within ${timeoutMs} ms; log: ${this.logFile}\n${this.tail(30)}`);
  }

  /** The crash: SIGKILL, no shutdown hook runs. */
  async kill9(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful stop (SIGTERM); SIGKILL if it does not exit in time. */
  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** How many lines matching `pattern` the process has written (all incarnations). */
  count(pattern: RegExp): number {
    return this.lines.filter((l) => pattern.test(l)).length;
  }

  tail(n: number): string {
    return this.lines.slice(-n).join('\n');
  }

  private startedSince(pid: number): boolean {
    const marker = this.lines.lastIndexOf(`--- ${this.name} start #${this.starts} (pid ${pid})`);
    return marker >= 0 && this.lines.slice(marker).some((l) => l.includes('worker started'));
  }

  private log(line: string): void {
    this.lines.push(line);
    appendFileSync(this.logFile, line + '\n');
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
