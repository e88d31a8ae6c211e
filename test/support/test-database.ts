import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { AppConfig } from '../../src/config/app-config.js';
import { Database } from '../../src/database/database.js';

export interface TestDatabase {
  config: AppConfig['database'];
  /** Which backend this suite runs on, for the test output. */
  label: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one suite: a new PostgreSQL database next to DATABASE_URL's when it is
 * set (CI), otherwise a new embedded SQLite file in a temporary folder.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `onegate_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(url);
    target.pathname = `/${name}`;
    return {
      config: { kind: 'postgres', url: target.toString() },
      label: `PostgreSQL database ${name}${process.env.REDIS_URL ? ' with BullMQ on Redis' : ''}`,
      async drop() {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'onegate-test-'));
  return {
    config: { kind: 'sqlite', file: join(dir, 'onegate.sqlite') },
    label: `embedded SQLite ${dir}`,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openTestDatabase(): Promise<{ db: Database; test: TestDatabase }> {
  const test = await createTestDatabase();
  const db = await Database.open(test.config);
  console.log(`[onegate] suite database: ${test.label}`);
  return { db, test };
}
