import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Each event records how it was written out before hashing (src/engine/event-hash.ts), so the format can
 * change without breaking chains already written: every event there before this migration was hashed with
 * format 1 and says so; the engine writes new events with format 2 (RFC 8785).
 */
export class EventHashFormat1765400000000 implements MigrationInterface {
  name = 'EventHashFormat1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('case_events', new TableColumn({ name: 'hash_format', type: 'integer', isNullable: false, default: 1 }));
  }

  /**
   * Refused once an event was written in a later format: the code before this migration hashes every event
   * as format 1, so those events would fail its verification, and rewriting their hashes would break the
   * chains and every checkpoint over them.
   */
  async down(q: QueryRunner): Promise<void> {
    const [{ n }] = (await q.query(`SELECT COUNT(*) AS n FROM "case_events" WHERE "hash_format" <> 1`)) as [{ n: number | string }];
    if (Number(n) > 0) throw new Error(`cannot revert ${this.name}: ${n} event(s) are hashed in a format the earlier code cannot verify`);
    await q.dropColumn('case_events', 'hash_format');
  }
}
