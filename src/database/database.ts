import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { Mutex } from '../common/mutex.js';
import { dialectOf, type Dialect } from './columns.js';
import { dataSourceOptions, readerDataSourceOptions } from './data-source-options.js';
import { RawTable } from './raw-table.js';

/** A write a caller adds to every transaction it starts (see `withCommitHook`). */
export type CommitHook = (em: EntityManager) => Promise<void>;

const commitHooks = new AsyncLocalStorage<CommitHook>();

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
   * @param readers the data source `read()` uses, which the database itself keeps from writing
   * (`readerDataSourceOptions`: a read-only pool on PostgreSQL, a `readonly` connection embedded).
   */
  private constructor(
    readonly dataSource: DataSource,
    private readonly readers: DataSource,
  ) {
    this.dialect = dialectOf(dataSource.options.type);
    this.mutex = this.dialect === 'sqlite' ? new Mutex() : null;
  }

  /** A Database of its own (the CLI's tools, benches, tests); the app's comes from DatabaseModule. */
  static async open(database: AppConfig['database'], options: { migrate?: boolean } = {}): Promise<Database> {
    const ds = new DataSource(dataSourceOptions(database));
    await ds.initialize();
    const db = Database.over(ds, await openReaders(database));
    if (options.migrate !== false) await db.migrate();
    return db;
  }

  /**
   * The wrapper over an initialized data source (DatabaseModule's, built by `TypeOrmModule.forRootAsync`)
   * and, on PostgreSQL, its read-only pool (`openReaders`).
   */
  static over(dataSource: DataSource, readers: DataSource): Database {
    return new Database(dataSource, readers);
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

  /**
   * Runs `fn` outside any `withCommitHook`: for a record that must land whatever the request's outcome and
   * is no write of the request's own (a failed signing attempt kept for the auditor), so it does not mark
   * the request's Idempotency-Key as carried out.
   */
  outsideCommitHook<T>(fn: () => Promise<T>): Promise<T> {
    return commitHooks.exit(fn);
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
   * A read outside a transaction, that cannot write: through the read-only data source, so a write
   * inside fails with the database's own refusal. On the embedded file it is a connection of its own,
   * so a read takes no turn on the writer's mutex and sees what was last committed.
   */
  read<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return fn(this.readers.manager);
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
    await this.closeReaders();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** The read-only pool alone (the app's main data source is TypeOrmModule's to close). */
  async closeReaders(): Promise<void> {
    if (this.readers.isInitialized) await this.readers.destroy();
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex ? this.mutex.runExclusive(fn) : fn();
  }
}

/** The read-only data source `read()` goes through, initialized (after the main one: the file must exist). */
export function openReaders(database: AppConfig['database']): Promise<DataSource> {
  return new DataSource(readerDataSourceOptions(database)).initialize();
}
