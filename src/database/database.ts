import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Mutex } from '../common/mutex.js';
import { dialectOf, type Dialect } from './columns.js';
import { createEntities } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { RawTable } from './raw-table.js';

/** A write a caller adds to every transaction it starts (see `withCommitHook`). */
export type CommitHook = (em: EntityManager) => Promise<void>;

const commitHooks = new AsyncLocalStorage<CommitHook>();

/**
 * How long a request waits for one of the pool's connections: past it, pg says "timeout exceeded
 * when trying to connect", which the API answers 503 with Retry-After (a saturated database), rather
 * than queueing requests without end.
 */
export const POOL_WAIT_MS = 10_000;

/**
 * The data source and the ways to it: `transaction()` to write, `write()` for one self-committing
 * statement, `read()` that cannot write. On the embedded SQLite file every transaction in the process
 * goes through one mutex, since overlapping transactions on a single connection corrupt silently
 * (stack-notes.md).
 */
export class Database {
  readonly dialect: Dialect;
  private readonly mutex: Mutex | null;
  private readonly rawTables = new Map<string, RawTable<object>>();

  /**
   * @param readers on PostgreSQL, a second pool whose sessions are `default_transaction_read_only`:
   * the server itself refuses a write sent through `read()`, at no cost per query.
   */
  private constructor(
    readonly dataSource: DataSource,
    private readonly readers: DataSource | null,
  ) {
    this.dialect = dialectOf(dataSource.options.type);
    this.mutex = this.dialect === 'sqlite' ? new Mutex() : null;
  }

  static async open(database: AppConfig['database'], options: { migrate?: boolean } = {}): Promise<Database> {
    const common = { entities: createEntities(database.kind === 'postgres' ? 'postgres' : 'sqlite'), migrations: MIGRATIONS, synchronize: false, logging: false } as const;
    let ds: DataSource;
    let readers: DataSource | null = null;
    if (database.kind === 'postgres') {
      ds = new DataSource({ ...common, type: 'postgres', url: database.url, extra: { max: 10, connectionTimeoutMillis: POOL_WAIT_MS } });
      readers = new DataSource({
        ...common,
        migrations: [],
        type: 'postgres',
        url: database.url,
        extra: { max: 10, connectionTimeoutMillis: POOL_WAIT_MS, options: '-c default_transaction_read_only=on' },
      });
    } else {
      mkdirSync(dirname(database.file), { recursive: true });
      ds = new DataSource({
        ...common,
        type: 'better-sqlite3',
        database: database.file,
        enableWAL: true,
        prepareDatabase: (db: { pragma(s: string): unknown }) => {
          db.pragma('busy_timeout = 5000');
          db.pragma('synchronous = NORMAL');
        },
      });
    }
    await ds.initialize();
    await readers?.initialize();
    const db = new Database(ds, readers);
    if (options.migrate !== false) await db.migrate();
    return db;
  }

  async migrate(): Promise<void> {
    await this.exclusive(() => this.dataSource.runMigrations({ transaction: 'each' }));
  }

  async revertAll(): Promise<void> {
    await this.exclusive(async () => {
      while ((await this.dataSource.query(`SELECT COUNT(*) AS n FROM migrations`))[0].n > 0) {
        await this.dataSource.undoLastMigration({ transaction: 'each' });
      }
    });
  }

  /** Hand-written statements for one entity's table (the engine's hot path), built once per entity. */
  raw<T extends object>(entity: string): RawTable<T> {
    let table = this.rawTables.get(entity);
    if (!table) {
      table = new RawTable<T>(this.dataSource, entity, this.dialect);
      this.rawTables.set(entity, table);
    }
    return table as RawTable<T>;
  }

  /** Runs `fn` in one database transaction; serialized in-process on the embedded database. */
  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const hook = commitHooks.getStore();
    const body = hook
      ? async (em: EntityManager) => {
          const result = await fn(em);
          await hook(em);
          return result;
        }
      : fn;
    return this.exclusive(() => this.dataSource.transaction(body));
  }

  /**
   * Runs `fn`; every transaction it starts (however deep in the call) also runs `hook` just before it
   * commits, so the hook's write lands with the others or not at all. Idempotency keys use it to record
   * that their request's writes were carried out, in the same transaction as those writes.
   */
  withCommitHook<T>(hook: CommitHook, fn: () => Promise<T>): Promise<T> {
    return commitHooks.run(hook, fn);
  }

  /** True inside `withCommitHook`: writes must then go through `transaction()`, where the hook runs. */
  get hasCommitHook(): boolean {
    return commitHooks.getStore() !== undefined;
  }

  /**
   * Statements each committed on its own (autocommit), no transaction around them: for a write that is
   * one statement (a single-row update, an engine step's WriteBatch on PostgreSQL), a transaction would
   * only add a BEGIN and a COMMIT round trip. Waits its turn on the embedded connection like the rest.
   */
  write<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => fn(this.dataSource.manager));
  }

  /**
   * A read outside a transaction, that cannot write: on PostgreSQL through the read-only pool, on the
   * embedded database with `PRAGMA query_only` set for its length (it holds the single connection's
   * turn, so nothing else runs meanwhile). A write inside fails with the database's own refusal.
   */
  read<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.readers) return fn(this.readers.manager);
    return this.exclusive(async () => {
      const connection = (this.dataSource.driver as unknown as { databaseConnection: { pragma(s: string): unknown } }).databaseConnection;
      connection.pragma('query_only = ON');
      try {
        return await fn(this.dataSource.manager);
      } finally {
        connection.pragma('query_only = OFF');
      }
    });
  }

  async ping(): Promise<boolean> {
    try {
      await this.read((em) => em.query('SELECT 1'));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.readers?.isInitialized) await this.readers.destroy();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex ? this.mutex.runExclusive(fn) : fn();
  }
}
