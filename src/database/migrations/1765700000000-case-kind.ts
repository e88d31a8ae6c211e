import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Life after signing (contract §10): a case is a proposal (`cooperation`), or an addendum, renewal or
 * evaluation of the agreement in `parent_case_id`. Every case before this is a proposal. The agreement's
 * addenda, renewals and evaluations are read by `parent_case_id`, hence its index. Same SQL on both databases.
 */
export class CaseKind1765700000000 implements MigrationInterface {
  name = 'CaseKind1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cases" ADD COLUMN "kind" varchar(16) NOT NULL DEFAULT 'cooperation'`);
    await q.query(`CREATE INDEX "idx_cases_parent" ON "cases" ("parent_case_id", "kind")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_cases_parent"`);
    await q.query(`ALTER TABLE "cases" DROP COLUMN "kind"`);
  }
}
