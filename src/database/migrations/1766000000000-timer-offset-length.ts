import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../columns.js';

/**
 * Timers of life after signing (contract §10) name a case in `offset_spec`: `cancel_evaluation` the
 * agreement that ended, `amend` the addendum. A case id (a UUID, 36 characters) does not fit the 32 it had.
 * PostgreSQL enforces the length; SQLite does not (a varchar's length is only a name there), so nothing changes on it.
 */
export class TimerOffsetLength1766000000000 implements MigrationInterface {
  name = 'TimerOffsetLength1766000000000';

  async up(q: QueryRunner): Promise<void> {
    if (dialectOf(q.connection.options.type) !== 'postgres') return;
    await q.query(`ALTER TABLE "timers" ALTER COLUMN "offset_spec" TYPE varchar(64)`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (dialectOf(q.connection.options.type) !== 'postgres') return;
    // Fails, rather than cutting a case id short, while a timer naming a case is still in the table.
    await q.query(`ALTER TABLE "timers" ALTER COLUMN "offset_spec" TYPE varchar(32)`);
  }
}
