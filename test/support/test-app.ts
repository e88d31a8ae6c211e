import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { Redis } from 'ioredis';
import { createApp } from '../../src/app.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { SettableClock, type Clock } from '../../src/common/clock.js';
import { DeadlinesService } from '../../src/deadlines/deadlines.service.js';
import type { LogOptions } from '../../src/logging/logger.js';
import { Database } from '../../src/database/database.js';
import { DirectoryService } from '../../src/directory/directory.service.js';
import type { Role } from '../../workflows/domain.js';
import { findWorkflow } from '../../workflows/registry.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const TEST_SECRET = 'onegate-test-secret-0123456789abcdef';

export interface TestUser {
  id: string;
  name: string;
  roles: Role[];
  supervisorId?: string;
}

/** One user per role, plus a second of some roles, all in the directory. */
export const USERS = {
  admin: { id: 'admin-1', name: 'Admin', roles: ['admin'] },
  chair: { id: 'sekda', name: 'Sekda (Ketua TKKSD)', roles: ['tkksd_chair', 'tkksd'] },
  secretariat: { id: 'sec-1', name: 'Bagian Kerja Sama', roles: ['secretariat'], supervisorId: 'sekda' },
  secretariat2: { id: 'sec-2', name: 'Bagian Kerja Sama 2', roles: ['secretariat'], supervisorId: 'sekda' },
  proposer: { id: 'opd-1', name: 'Dinas Kesehatan', roles: ['proposer'], supervisorId: 'sec-1' },
  proposer2: { id: 'opd-2', name: 'Dinas Pendidikan', roles: ['proposer'], supervisorId: 'sec-1' },
  reviewerA: { id: 'tt-a', name: 'Tim Teknis A', roles: ['technical_reviewer'], supervisorId: 'sekda' },
  reviewerB: { id: 'tt-b', name: 'Tim Teknis B', roles: ['technical_reviewer'], supervisorId: 'sekda' },
  tkksd: { id: 'tkksd-1', name: 'Anggota TKKSD', roles: ['tkksd'], supervisorId: 'sekda' },
  legal: { id: 'hukum-1', name: 'Bagian Hukum', roles: ['legal'], supervisorId: 'sekda' },
  dprd: { id: 'dprd-1', name: 'DPRD liaison', roles: ['dprd'], supervisorId: 'sekda' },
  mayor: { id: 'walikota', name: 'Wali Kota', roles: ['mayor'] },
  auditor: { id: 'inspektorat-1', name: 'Inspektorat', roles: ['auditor'] },
} satisfies Record<string, TestUser>;

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

export class TestApp {
  /** Sibling processes: they run due timers too when the clock moves (a closed one does nothing). */
  private readonly siblings = new Set<NestFastifyApplication>();

  private constructor(
    public app: NestFastifyApplication,
    readonly config: AppConfig,
    private readonly testDb: TestDatabase,
    private readonly dataDir: string,
    private readonly log: LogOptions | undefined,
    private readonly clock: Clock | undefined,
  ) {}

  /**
   * `log`: write the app's JSON log lines there (tests of logging); otherwise the app is silent.
   * `clock`: the app's time (a SettableClock to move in tests of deadlines instead of sleeping).
   */
  static async start(overrides: Partial<AppConfig> = {}, options: { log?: LogOptions; clock?: Clock } = {}): Promise<TestApp> {
    const testDb = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'onegate-e2e-'));
    const config: AppConfig = {
      port: 0,
      production: false,
      dataDir,
      database: testDb.config,
      redisUrl: process.env.REDIS_URL ?? null,
      smtpUrl: null,
      mailFrom: 'onegate@localhost',
      jwtSecret: TEST_SECRET,
      jwksUrl: null,
      oidc: null,
      directoryFile: null,
      slaFile: null,
      timezone: 'Asia/Jakarta',
      holidaysFile: null,
      role: 'all',
      demoUsers: false,
      publicUrl: 'http://onegate.test',
      reconcileSeconds: 30,
      queueLockMs: 30_000,
      smtpTimeoutMs: 20_000,
      checkpointHours: 0,
      // Suites sign in from one address many times a minute; the limit's own test lowers it.
      signInRateLimit: 100_000,
      queuePrefix: `onegate-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      ...overrides,
    };
    const app = await TestApp.boot(config, options.log, options.clock);
    const t = new TestApp(app, config, testDb, dataDir, options.log, options.clock);
    const directory = app.get(DirectoryService);
    for (const u of Object.values(USERS)) await directory.put(u.id, { name: u.name, email: `${u.id}@jambikota.go.id`, roles: [...u.roles] });
    for (const u of Object.values(USERS) as TestUser[]) {
      if (u.supervisorId) await directory.put(u.id, { name: u.name, email: `${u.id}@jambikota.go.id`, roles: [...u.roles], supervisorId: u.supervisorId });
    }
    console.log(`[onegate] e2e app on ${testDb.label}`);
    return t;
  }

  /** Stops this process's app and starts a new one on the same database and queues, as after a crash. */
  async restart(overrides: Partial<AppConfig> = {}): Promise<void> {
    await this.app.close();
    this.app = await TestApp.boot({ ...this.config, ...overrides }, this.log, this.clock);
  }

  /** A second app process on the same database and queues (another worker or API replica). */
  async sibling(overrides: Partial<AppConfig> = {}): Promise<NestFastifyApplication> {
    const app = await TestApp.boot({ ...this.config, ...overrides }, this.log, this.clock);
    this.siblings.add(app);
    return app;
  }

  /**
   * Moves the app's clock (a SettableClock given to `start`) forward by `ms` and runs what that made due,
   * in this process and its siblings: in-process, every timer and mail retry due has run when this
   * resolves; on Redis their jobs are waiting for a worker.
   */
  async advance(ms: number): Promise<void> {
    if (!(this.clock instanceof SettableClock)) throw new Error('TestApp.advance needs a SettableClock passed to TestApp.start');
    this.clock.advance(ms);
    await this.runDue();
  }

  /** Runs every timer already due by the app's clock now (news due at once, a lease run out), as `advance(0)`. */
  async runDue(): Promise<void> {
    for (const app of [this.app, ...this.siblings]) await app.get(DeadlinesService).runDue();
  }

  private static async boot(config: AppConfig, log?: LogOptions, clock?: Clock): Promise<NestFastifyApplication> {
    const app = await createApp(config, { clock, logger: log ?? (process.env.ONEGATE_TEST_LOG === '1' ? undefined : false) });
    await app.getHttpAdapter().getInstance().ready();
    return app;
  }

  /** Listens on a free port of 127.0.0.1 (for a browser or a child process) and returns the base URL. */
  async listen(): Promise<string> {
    await this.app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(this.app.getHttpServer().address() as AddressInfo).port}`;
  }

  get db(): Database {
    return this.app.get(Database);
  }

  async stop(): Promise<void> {
    await this.app.close();
    if (this.config.redisUrl) await deleteRedisKeys(this.config.redisUrl, `${this.config.queuePrefix}:*`);
    await this.testDb.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /**
   * Puts a user into the directory: a local token acts only for a directory user, with the directory's
   * roles (contract §3). The service takes what `PUT /api/users/:id` refuses, such as no roles at all.
   */
  async addUser(user: TestUser, extra: { email?: string; active?: boolean } = {}): Promise<void> {
    await this.app.get(DirectoryService).put(user.id, { name: user.name, email: extra.email ?? `${user.id}@jambikota.go.id`, roles: [...user.roles], supervisorId: user.supervisorId, active: extra.active });
  }

  /** A local token for `user`; its `roles` claim (`options.roles`) is only for show: the directory's roles count. */
  async token(user: TestUser, options: { expiresIn?: string; secret?: string; roles?: string[] } = {}): Promise<string> {
    return new SignJWT({ name: user.name, email: `${user.id}@jambikota.go.id`, roles: options.roles ?? user.roles })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '1h')
      .sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
  }

  async request<T = any>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options: { as?: TestUser; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<Response<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.as) headers.authorization = `Bearer ${await this.token(options.as)}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) {
      payload = options.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await this.app.inject({ method, url, headers, payload });
    let body: any = res.body;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      /* not JSON (SVG, HTML) */
    }
    return { status: res.statusCode, body, headers: res.headers, text: res.body };
  }

  get = <T = any>(url: string, as?: TestUser) => this.request<T>('GET', url, { as });
  post = <T = any>(url: string, as: TestUser | undefined, body?: unknown, headers?: Record<string, string>) => this.request<T>('POST', url, { as, body: body ?? {}, headers });

  /**
   * Creates a case as `proposer` and returns its body; unless `documents: false`, also uploads the
   * documents SUBMIT needs (KAK, the instrument's draft, a third party's feasibility study).
   */
  async createCase(body: Record<string, unknown> = {}, as: TestUser = USERS.proposer, options: { documents?: boolean } = {}): Promise<any> {
    const res = await this.post('/api/cases', as, {
      title: 'Kesepakatan Bersama pengelolaan sampah',
      instrument: 'kb',
      partner: { name: 'Kabupaten Muaro Jambi', category: 'region' },
      ...body,
    });
    if (res.status !== 201) throw new Error(`create case: ${res.status} ${res.text}`);
    if (options.documents === false) return res.body;
    for (const kind of findWorkflow(res.body.workflow.name, res.body.workflow.version)!.documents!.requiredForSubmit(res.body.instrument, res.body.partner.category)) {
      const up = await this.upload(res.body.id, as, kind);
      if (up.status !== 201) throw new Error(`upload ${kind}: ${up.status} ${up.text}`);
    }
    return (await this.get(`/api/cases/${res.body.id}`, as)).body;
  }

  /** Uploads a document as multipart/form-data (a small real PDF unless `bytes` is given). */
  async upload(
    caseId: string,
    as: TestUser | undefined,
    kind: string | undefined,
    file: { bytes?: Buffer; name?: string; contentType?: string; field?: string } | null = {},
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const boundary = `----onegate${Math.random().toString(16).slice(2)}`;
    const parts: Buffer[] = [];
    if (kind !== undefined) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n`));
    if (file) {
      const bytes = file.bytes ?? samplePdf(`${caseId} ${kind} ${Math.random()}`);
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name ?? `${kind ?? 'file'}.pdf`}"\r\nContent-Type: ${file.contentType ?? 'application/pdf'}\r\n\r\n`),
        bytes,
        Buffer.from('\r\n'),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const h: Record<string, string> = { 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers };
    if (as) h.authorization = `Bearer ${await this.token(as)}`;
    const res = await this.app.inject({ method: 'POST', url: `/api/cases/${caseId}/documents`, headers: h, payload: Buffer.concat(parts) });
    let body: any = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body, headers: res.headers, text: res.body };
  }

  /** Completes the only (or the first) open task of a case at its current stage. */
  async decide(caseId: string, as: TestUser, decision: string, extra: Record<string, unknown> = {}, options: { signedCopy?: boolean } = {}): Promise<Response> {
    if (decision === 'sign' && options.signedCopy !== false) {
      const up = await this.upload(caseId, as, 'signed');
      if (up.status !== 201) throw new Error(`upload signed copy: ${up.status} ${up.text}`);
    }
    const c = await this.get(`/api/cases/${caseId}`, as);
    const task = c.body.openTasks.find((t: any) => !t.assigneeId || t.assigneeId === as.id);
    if (!task) throw new Error(`no open task for ${as.id} on ${caseId} at ${c.body.stage}`);
    return this.post(`/api/tasks/${task.id}/complete`, as, { decision, ...extra });
  }

  async stageOf(caseId: string): Promise<string> {
    return (await this.get(`/api/cases/${caseId}`, USERS.auditor)).body.stage;
  }
}

/** Removes one test app's queue keys, so suites leave Redis as they found it. */
export async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A small, valid PDF whose bytes (and so sha256) differ with `text`. */
export function samplePdf(text = 'onegate'): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n` +
      `4 0 obj<</Length ${stream.length}>>stream\n${stream}\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}
