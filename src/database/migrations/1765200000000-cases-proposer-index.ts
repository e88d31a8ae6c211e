import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A proposer sees only their own cases (contract §3): their case list (`CasesService.list`) filters
 * `cases` by `proposer_id` and orders newest first by `(created_at, number)`. Without an index that list,
 * and its count, went through every case of the city and sorted them. `(proposer_id, created_at, number)`
 * serves the filter and the whole order. (A single case's visibility check reads by primary key and needs
 * nothing more.) The same SQL works on PostgreSQL and SQLite.
 */
export class CasesProposerIndex1765200000000 implements MigrationInterface {
  name = 'CasesProposerIndex1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_cases_proposer" ON "cases" ("proposer_id", "created_at", "number")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_cases_proposer"`);
  }
}
