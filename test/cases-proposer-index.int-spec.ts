import type { Database } from '../src/database/database.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/** Migration CasesProposerIndex1765200000000 on both databases: a proposer's own cases are read through an index. */
describe(`cases proposer index migration (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  const NAME = 'CasesProposerIndex1765200000000';
  const executed = async () => ((await db.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[]).map((r) => r.name);
  const indexes = async (): Promise<string[]> =>
    db.dialect === 'postgres'
      ? ((await db.dataSource.query(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'cases'`)) as { name: string }[]).map((r) => r.name)
      : ((await db.dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'`)) as { name: string }[]).map((r) => r.name);

  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
  });

  it('creates idx_cases_proposer, and the revert drops it', async () => {
    expect(await executed()).toContain(NAME);
    expect(await indexes()).toContain('idx_cases_proposer');
    while ((await executed()).includes(NAME)) await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await indexes()).not.toContain('idx_cases_proposer');
    await db.migrate();
    expect(await indexes()).toContain('idx_cases_proposer');
  });

  it("serves the proposer's list, newest first, without reading every case", async () => {
    // The filter and order of CasesService.list for a proposer.
    const sql = `SELECT id FROM cases WHERE proposer_id = 'opd-1' ORDER BY created_at DESC, number DESC LIMIT 50`;
    if (db.dialect === 'postgres') {
      // A few rows make a sequential scan cheapest; without it the planner must take the index if it can.
      const plan = await db.dataSource.transaction(async (em) => {
        await em.query(`SET LOCAL enable_seqscan = off`);
        return ((await em.query(`EXPLAIN ${sql}`)) as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('idx_cases_proposer');
    } else {
      const plan = ((await db.dataSource.query(`EXPLAIN QUERY PLAN ${sql}`)) as { detail: string }[]).map((r) => r.detail).join('\n');
      expect(plan).toContain('USING INDEX idx_cases_proposer');
      expect(plan).not.toContain('TEMP B-TREE'); // the index gives the whole order too
    }
  });
});
