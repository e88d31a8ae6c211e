import type { Database } from '../src/database/database.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/** Migration CaseProposal1766400000000 on both databases: a case's structured proposal column, and its revert. */
describe(`case proposal migration (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  const NAME = 'CaseProposal1766400000000';
  const executed = async () => ((await db.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[]).map((r) => r.name);
  const columns = async (): Promise<string[]> =>
    db.dialect === 'postgres'
      ? ((await db.dataSource.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'cases' AND table_schema = current_schema()`)) as { name: string }[]).map((r) => r.name)
      : ((await db.dataSource.query(`PRAGMA table_info("cases")`)) as { name: string }[]).map((r) => r.name);

  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
  });

  it('adds cases.proposal, nullable, and the revert drops it', async () => {
    expect(await executed()).toContain(NAME);
    expect(await columns()).toContain('proposal');
    while ((await executed()).includes(NAME)) await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await columns()).not.toContain('proposal');
    expect(await columns()).toContain('valid_until');
    await db.migrate();
    expect(await columns()).toContain('proposal');
  });
});
