import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/**
 * The morning digests (contract §12): one row per user and working day, written before the e-mail goes
 * (so two workers, or a restart, never send one twice), then `sent`, or `empty` when there was nothing to list.
 */
export class Digests1766600000001 implements MigrationInterface {
  name = 'Digests1766600000001';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    await q.createTable(
      new Table({
        name: 'digests',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '128' },
          { name: 'local_date', type: 'varchar', length: '10' },
          { name: 'recipient_email', type: 'varchar', length: '320' },
          { name: 'subject', type: 'varchar', length: '500' },
          { name: 'body', type: 'text' },
          { name: 'task_count', type: 'integer' },
          { name: 'overdue_count', type: 'integer' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer' },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'created_at', type: t.timestamp },
          { name: 'sent_at', type: t.timestamp, isNullable: true },
          { name: 'lease_until', type: t.timestamp, isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_digests_user_date', columnNames: ['user_id', 'local_date'], isUnique: true }),
          new TableIndex({ name: 'idx_digests_date_status', columnNames: ['local_date', 'status'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('digests');
  }
}
