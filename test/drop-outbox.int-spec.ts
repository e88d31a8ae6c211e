import type { Database } from '../src/database/database.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/** Migration DropOutbox1765300000000 on both databases: the outbox nobody read is gone, and the revert restores it as the initial schema made it. */
describe(`drop outbox migration (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  const NAME = 'DropOutbox1765300000000';
  const executed = async () => ((await db.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[]).map((r) => r.name);
  const columns = async (): Promise<string[]> =>
    db.dialect === 'postgres'
      ? ((await db.dataSource.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'outbox' ORDER BY ordinal_position`)) as { name: string }[]).map((c) => c.name)
      : ((await db.dataSource.query(`PRAGMA table_info(outbox)`)) as { name: string }[]).map((c) => c.name);
  const indexes = async (): Promise<string[]> =>
    db.dialect === 'postgres'
      ? ((await db.dataSource.query(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'outbox'`)) as { name: string }[]).map((r) => r.name)
      : ((await db.dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'`)) as { name: string }[]).map((r) => r.name);

  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
  });

  it('drops the outbox; the revert recreates it, columns and index; applying again drops it again', async () => {
    expect(await executed()).toContain(NAME);
    expect(await columns()).toEqual([]);
    while ((await executed()).includes(NAME)) await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await columns()).toEqual(['id', 'case_id', 'event_seq', 'topic', 'payload', 'created_at', 'processed_at']);
    expect(await indexes()).toContain('idx_outbox_pending');
    // As the initial schema made it: an increment id, a payload that must be there.
    const p = db.dialect === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    await db.dataSource.query(`INSERT INTO outbox (case_id, event_seq, topic, payload, created_at) VALUES ('c-1', 1, 'case.step', ${p[0]}, ${p[1]})`, ['{}', new Date().toISOString()]);
    await expect(db.dataSource.query(`INSERT INTO outbox (case_id, event_seq, topic, payload, created_at) VALUES ('c-1', 2, 'case.step', NULL, ${p[0]})`, [new Date().toISOString()])).rejects.toThrow();
    expect((await db.dataSource.query(`SELECT id FROM outbox`)) as { id: number }[]).toEqual([{ id: 1 }]);
    await db.migrate();
    expect(await executed()).toContain(NAME);
    expect(await columns()).toEqual([]);
  });
});
