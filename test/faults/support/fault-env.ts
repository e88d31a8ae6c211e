import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Database } from '../../../src/database/database.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { deleteRedisKeys, USERS, type TestUser } from '../../support/test-app.js';
import { closeConnections } from './http-client.js';
import { ServerProcess, freePort } from './server-process.js';

/** The HS256 secret every fault-suite server is started with (AUTH_JWT_SECRET), so the suite can sign tokens. */
export const FAULT_SECRET = 'onegate-fault-secret-0123456789abcdef';

export type Backend = 'postgres' | 'sqlite';

export interface DirectoryUser extends TestUser {
  email?: string;
}

/** Twenty technical reviewers beyond USERS, so one administrative check can open twenty tasks (ArrayMaxSize 20). */
export const REVIEWERS: DirectoryUser[] = Array.from({ length: 20 }, (_, i) => ({
  id: `tt-${String(i + 1).padStart(2, '0')}`,
  name: `Tim Teknis ${i + 1}`,
  roles: ['technical_reviewer'],
  supervisorId: 'sekda',
}));

/**
 * One fault scenario's world: a fresh database (a new PostgreSQL database beside DATABASE_URL's, or an
 * embedded SQLite file in the data folder), its own Redis key prefix, a directory file, and servers
 * started from it. `cleanup()` drops all of it; logs are kept when a test failed.
 */
export class FaultEnv {
  readonly dir: string;
  readonly dataDir: string;
  readonly prefix: string;
  readonly servers: ServerProcess[] = [];
  /** Directory users beyond USERS, written to ONEGATE_DIRECTORY for every server started after. */
  readonly extraUsers: DirectoryUser[] = [];
  private testDb: TestDatabase | null = null;
  private tokenCache = new Map<string, string>();

  private constructor(
    readonly backend: Backend,
    readonly redisUrl: string | null,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'onegate-fault-'));
    this.dataDir = join(this.dir, 'data');
    mkdirSync(this.dataDir);
    this.prefix = `onegate-fault-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /** PostgreSQL when DATABASE_URL is set (with Redis when REDIS_URL is), else the embedded default. */
  static async create(options: { backend?: Backend; redis?: boolean } = {}): Promise<FaultEnv> {
    const backend = options.backend ?? (process.env.DATABASE_URL ? 'postgres' : 'sqlite');
    const redisUrl = options.redis === false ? null : (process.env.REDIS_URL ?? null);
    if (backend === 'postgres' && !process.env.DATABASE_URL) throw new Error('this scenario needs DATABASE_URL (PostgreSQL)');
    const env = new FaultEnv(backend, redisUrl);
    if (backend === 'postgres') env.testDb = await createTestDatabase();
    return env;
  }

  get databaseUrl(): string | null {
    return this.testDb && this.testDb.config.kind === 'postgres' ? this.testDb.config.url : null;
  }

  /** Which backend this scenario runs on, for the test output. */
  get label(): string {
    const db = this.backend === 'postgres' ? `PostgreSQL (${this.testDb!.label})` : `embedded SQLite ${join(this.dataDir, 'onegate.sqlite')}`;
    return `${db}; queue ${this.redisUrl ? `BullMQ on Redis (prefix ${this.prefix})` : 'in-process'}`;
  }

  /** Writes the directory (USERS plus `extra`) as the JSON file ONEGATE_DIRECTORY points at. */
  writeDirectory(extra: DirectoryUser[] = []): string {
    const users = [...(Object.values(USERS) as DirectoryUser[]), ...extra].map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email ?? `${u.id}@jambikota.go.id`,
      roles: u.roles,
      ...(u.supervisorId ? { supervisorId: u.supervisorId } : {}),
    }));
    const file = join(this.dir, 'directory.json');
    writeFileSync(file, JSON.stringify(users, null, 2));
    return file;
  }

  writeJson(name: string, value: unknown): string {
    const file = join(this.dir, name);
    writeFileSync(file, JSON.stringify(value, null, 2));
    return file;
  }

  /** The environment a user would set for this backend; `overrides` add or replace variables. */
  serverEnv(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      AUTH_JWT_SECRET: FAULT_SECRET,
      ONEGATE_DATA_DIR: this.dataDir,
      ONEGATE_DIRECTORY: this.writeDirectory(this.extraUsers),
      NO_COLOR: '1',
      ONEGATE_DEMO_USERS: 'false',
      ONEGATE_QUEUE_PREFIX: this.prefix,
      ONEGATE_CHECKPOINT_HOURS: '0',
      // Thousands of generated requests come from one address; the edges scenario lowers it to see the 429.
      ONEGATE_SIGN_IN_RATE_LIMIT: '100000',
      ...(this.databaseUrl ? { DATABASE_URL: this.databaseUrl } : {}),
      ...(this.redisUrl ? { REDIS_URL: this.redisUrl } : {}),
      ...overrides,
    };
  }

  /** A server process of this world; with an HTTP role it gets a free port of its own. */
  async server(name: string, overrides: Record<string, string> = {}): Promise<ServerProcess> {
    const env = this.serverEnv(overrides);
    // Every process gets its own port: workers listen too, for /metrics.
    if (!env.PORT) env.PORT = String(await freePort());
    const server = new ServerProcess(name, env, join(this.dir, `${name}.log`));
    this.servers.push(server);
    return server;
  }

  /** Opens the scenario's database from the test (no migrations: the server ran them). */
  async openDatabase(): Promise<Database> {
    return Database.open(this.backend === 'postgres' ? { kind: 'postgres', url: this.databaseUrl! } : { kind: 'sqlite', file: join(this.dataDir, 'onegate.sqlite') }, { migrate: false });
  }

  async token(user: TestUser, options: { roles?: string[]; expiresIn?: string; secret?: string } = {}): Promise<string> {
    const cacheKey = JSON.stringify([user.id, options]);
    const cached = this.tokenCache.get(cacheKey);
    if (cached) return cached;
    const token = await new SignJWT({ name: user.name, email: `${user.id}@jambikota.go.id`, roles: options.roles ?? user.roles })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '2h')
      .sign(new TextEncoder().encode(options.secret ?? FAULT_SECRET));
    this.tokenCache.set(cacheKey, token);
    return token;
  }

  /** Stops every server, drops the database and the Redis keys; keeps the folder (logs) when `keepLogs`. */
  async cleanup(keepLogs: boolean): Promise<void> {
    for (const s of this.servers) await s.stop().catch(() => undefined);
    closeConnections();
    if (this.redisUrl) await deleteRedisKeys(this.redisUrl, `${this.prefix}:*`).catch(() => undefined);
    await this.testDb?.drop().catch(() => undefined);
    if (keepLogs) {
      rmSync(this.dataDir, { recursive: true, force: true });
      console.log(`[faults] logs kept in ${this.dir}`);
    } else {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
