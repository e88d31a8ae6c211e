import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An `amend` timer (contract §10) names the signed addendum it applies by its case id in `offset_spec`: a
 * UUID is 36 characters, over the column's 32. Widened to 64 on PostgreSQL; SQLite does not enforce a
 * varchar's length, so there is nothing to change there.
 */
export class TimerOffsetLength1765900000000 implements MigrationInterface {
  name = 'TimerOffsetLength1765900000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') await q.query(`ALTER TABLE "timers" ALTER COLUMN "offset_spec" TYPE varchar(64)`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') await q.query(`ALTER TABLE "timers" ALTER COLUMN "offset_spec" TYPE varchar(32)`);
  }
}
