import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/**
 * A proposal's structured part (issue 19): the urusan, OPDs, value and the partner's contact person the
 * proposer gives, kept with the case so the register entry is filled from them at signing. Null for every
 * case before this (and for a proposal that gives none of it).
 */
export class CaseProposal1766400000000 implements MigrationInterface {
  name = 'CaseProposal1766400000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    await q.query(`ALTER TABLE "cases" ADD COLUMN "proposal" ${t.jsonDdl} NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cases" DROP COLUMN "proposal"`);
  }
}
