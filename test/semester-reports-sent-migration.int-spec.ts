import type { Database } from '../src/database/database.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/** Migration SemesterReportsSent1765600000000: creates the table of sent half-yearly reports; reverting drops it, and it runs again. */
describe(`semester reports sent migration (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
  });
  afterAll(async () => {
    await db.close();
    await test.drop();
  });

  const executed = async () => ((await db.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[]).map((r) => r.name);
  const hasTable = async () => {
    const runner = db.dataSource.createQueryRunner();
    try {
      return await runner.hasTable('semester_reports_sent');
    } finally {
      await runner.release();
    }
  };

  it('creates the table, drops it when reverted, and creates it again', async () => {
    expect(await hasTable()).toBe(true);
    await db.dataSource.query(
      `INSERT INTO semester_reports_sent (id, year, half, sent_to, letter_number, sent_at, recorded_by, recorded_at) VALUES ('r1', 2030, 2, 'Gubernur Jambi', '100/1/KS', '2031-01-08 03:00:00', 'sec-1', '2031-01-08 03:00:00')`,
    );
    while ((await executed()).includes('SemesterReportsSent1765600000000')) await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await hasTable()).toBe(false);
    await db.migrate();
    expect(await hasTable()).toBe(true);
    expect(await db.dataSource.query(`SELECT COUNT(*) AS n FROM semester_reports_sent`)).toEqual([{ n: db.dialect === 'postgres' ? '0' : 0 }]);
  });
});
