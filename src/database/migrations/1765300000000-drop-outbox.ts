import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/**
 * The outbox goes: every step wrote a row to it and nothing ever read one. What a step sets going
 * (deadline timers, messages) is written in the step itself as rows of their own (timers, deliveries)
 * and handed to the scheduler after commit, with reconciliation catching up (issue 16 §2). `down()`
 * puts the table back as the initial schema made it, empty.
 */
export class DropOutbox1765300000000 implements MigrationInterface {
  name = 'DropOutbox1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.dropTable('outbox');
  }

  async down(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
    const ts = (name: string, isNullable = false): TableColumnOptions => ({ name, type: t.timestamp, isNullable });
    await q.createTable(
      new Table({
        name: 'outbox',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          str('case_id', 36),
          { name: 'event_seq', type: 'integer' },
          str('topic', 64),
          { name: 'payload', type: t.jsonDdl, isNullable: false },
          ts('created_at'),
          ts('processed_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_outbox_pending', columnNames: ['processed_at', 'id'] })],
      }),
    );
  }
}
