import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/** Deadline timers (the truth; queues only carry them) and the e-mail deliveries they produce. */
export class Deadlines1764400000000 implements MigrationInterface {
  name = 'Deadlines1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
    const ts = (name: string, isNullable = false): TableColumnOptions => ({ name, type: t.timestamp, isNullable });
    await q.createTable(
      new Table({
        name: 'timers',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('case_id', 36),
          str('task_id', 36, true),
          str('kind', 32),
          { name: 'idx', type: 'integer' },
          str('offset_spec', 32),
          ts('fire_at'),
          ts('due_at', true),
          str('status', 16),
          ts('created_at'),
          ts('settled_at', true),
        ],
        indices: [
          new TableIndex({ name: 'idx_timers_pending', columnNames: ['status', 'fire_at'] }),
          new TableIndex({ name: 'idx_timers_task', columnNames: ['task_id', 'status'] }),
          new TableIndex({ name: 'idx_timers_case', columnNames: ['case_id', 'status'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'deliveries',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('case_id', 36),
          str('timer_id', 36),
          str('kind', 32),
          str('recipient_id', 128),
          str('recipient_email', 320),
          str('locale', 8),
          str('subject', 500),
          { name: 'body', type: 'text' },
          str('status', 16),
          { name: 'attempts', type: 'integer' },
          { name: 'last_error', type: 'text', isNullable: true },
          ts('created_at'),
          ts('sent_at', true),
        ],
        indices: [
          // The delivery key: one e-mail per recipient per reminder, whatever retries or races happen.
          new TableIndex({ name: 'uq_deliveries_timer_recipient', columnNames: ['timer_id', 'recipient_email'], isUnique: true }),
          new TableIndex({ name: 'idx_deliveries_case', columnNames: ['case_id', 'created_at'] }),
          new TableIndex({ name: 'idx_deliveries_status', columnNames: ['status'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('deliveries');
    await q.dropTable('timers');
  }
}
