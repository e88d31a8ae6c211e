import type { Database } from '../src/database/database.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/** Migration Signing1766500000000 on both databases: users.nik and signing_attempts, and its revert. */
describe(`signing migration (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  const NAME = 'Signing1766500000000';
  const executed = async () => ((await db.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[]).map((r) => r.name);
  const columns = async (table: string): Promise<string[]> =>
    db.dialect === 'postgres'
      ? ((await db.dataSource.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()`, [table])) as { name: string }[]).map((r) => r.name)
      : ((await db.dataSource.query(`PRAGMA table_info("${table}")`)) as { name: string }[]).map((r) => r.name);

  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
  });

  it('adds users.nik (nullable) and the signing_attempts table, without a passphrase column; the revert drops both', async () => {
    expect(await executed()).toContain(NAME);
    expect(await columns('users')).toContain('nik');
    const attempts = await columns('signing_attempts');
    expect(attempts.sort()).toEqual(['attempted_at', 'backend', 'case_id', 'detail', 'document_id', 'duration_ms', 'id', 'outcome', 'reason', 'task_id', 'user_id']);
    await db.dataSource.query(`INSERT INTO users (id, name, email, roles, supervisor_id, locale, active, created_at, updated_at) VALUES ('u1', 'U', 'u@x', '[]', NULL, 'id', ${db.dialect === 'postgres' ? 'true' : '1'}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`);
    expect(await db.dataSource.query(`SELECT nik FROM users WHERE id = 'u1'`)).toEqual([{ nik: null }]);
    while ((await executed()).includes(NAME)) await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await columns('users')).not.toContain('nik');
    expect(await columns('users')).toContain('active');
    expect(await columns('signing_attempts')).toEqual([]);
    await db.migrate();
    expect(await columns('users')).toContain('nik');
    expect((await columns('signing_attempts')).length).toBe(11);
  });
});
