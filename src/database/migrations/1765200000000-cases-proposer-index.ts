import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A proposer sees only their own cases (contract §3), and every read of theirs filters `cases` by
 * `proposer_id`: the list newest first, and the visibility check of each case-scoped request. Without an
 * index each such read went through every case of the city. `(proposer_id, created_at)` serves the
 * filter and the list's order. The same SQL works on PostgreSQL and SQLite.
 */
export class CasesProposerIndex1765200000000 implements MigrationInterface {
  name = 'CasesProposerIndex1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_cases_proposer" ON "cases" ("proposer_id", "created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_cases_proposer"`);
  }
}
