import type { Database } from '../src/database/database.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/** Migration Offers1766200000000 on both databases: the partners' offers table with its unique code hash, and its revert. */
describe(`offers migration (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  const NAME = 'Offers1766200000000';
  const executed = async () => ((await db.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[]).map((r) => r.name);
  const columns = async (): Promise<string[]> =>
    db.dialect === 'postgres'
      ? ((await db.dataSource.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'offers' AND table_schema = current_schema()`)) as { name: string }[]).map((r) => r.name)
      : ((await db.dataSource.query(`PRAGMA table_info("offers")`)) as { name: string }[]).map((r) => r.name);
  const insert = (id: string, hash: string) =>
    db.dataSource.query(`INSERT INTO "offers" ("id", "case_id", "code_hash", "contact_name", "contact_email", "contact_phone", "created_at") VALUES ('${id}', '${id}', '${hash}', 'Budi', 'budi@example.com', NULL, CURRENT_TIMESTAMP)`);

  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
  });

  it('creates offers (one row per code hash), and the revert drops it', async () => {
    expect(await executed()).toContain(NAME);
    expect((await columns()).sort()).toEqual(['case_id', 'code_hash', 'contact_email', 'contact_name', 'contact_phone', 'created_at', 'id']);
    await insert('o-1', 'a'.repeat(64));
    await expect(insert('o-2', 'a'.repeat(64))).rejects.toThrow();
    // Later migrations are undone first (TypeORM undoes the last executed), then this one.
    while ((await executed()).includes(NAME)) await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await columns()).toEqual([]);
    expect(await executed()).toContain('TimerOffsetLength1766000000000');
    await db.migrate();
    expect(await executed()).toEqual(expect.arrayContaining([NAME, 'CaseProposal1766400000000']));
    expect(await columns()).toContain('code_hash');
  });
});
