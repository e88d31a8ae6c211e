import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { createEntities } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * How long a request waits for one of the pool's connections: past it, pg says "timeout exceeded
 * when trying to connect", which the API answers 503 with Retry-After (a saturated database), rather
 * than queueing requests without end.
 */
export const POOL_WAIT_MS = 10_000;

/**
 * The TypeORM options for the configured database, the one description of it: DatabaseModule hands
 * them to `TypeOrmModule.forRootAsync`, and `Database.open` (the CLI's tools, benches, tests) to a
 * DataSource of its own. On the embedded file: WAL, a busy timeout, and the folder created first.
 */
export function dataSourceOptions(database: AppConfig['database']): DataSourceOptions {
  const common = { entities: createEntities(database.kind === 'postgres' ? 'postgres' : 'sqlite'), migrations: MIGRATIONS, synchronize: false, logging: false } as const;
  if (database.kind === 'postgres') return { ...common, type: 'postgres', url: database.url, extra: { max: 10, connectionTimeoutMillis: POOL_WAIT_MS } };
  mkdirSync(dirname(database.file), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.file,
    enableWAL: true,
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
    },
  };
}

/**
 * The second data source `Database.read()` goes through, which cannot write: on PostgreSQL a pool whose
 * sessions are `default_transaction_read_only`; on the embedded file a second, `readonly` connection
 * (WAL lets it read beside the writer). Either way the database itself refuses a write sent as a read,
 * at no cost per query, and a read needs no turn on the writer's connection.
 */
export function readerDataSourceOptions(database: AppConfig['database']): DataSourceOptions {
  if (database.kind === 'postgres') {
    return { ...(dataSourceOptions(database) as DataSourceOptions & { type: 'postgres' }), migrations: [], extra: { max: 10, connectionTimeoutMillis: POOL_WAIT_MS, options: '-c default_transaction_read_only=on' } };
  }
  return { ...(dataSourceOptions(database) as DataSourceOptions & { type: 'better-sqlite3' }), migrations: [], readonly: true };
}
