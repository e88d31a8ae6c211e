import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/**
 * Electronic signature (issue 20, contract §12): a user's NIK, the signer's id at BSrE; and every signing
 * attempt, failed or not, for the auditor (who, which case and task, which backend, the outcome and its
 * reason). No passphrase or TOTP is ever written here.
 */
export class Signing1766500000000 implements MigrationInterface {
  name = 'Signing1766500000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
    await q.addColumn('users', new TableColumn({ ...str('nik', 16, true) }));
    await q.createTable(
      new Table({
        name: 'signing_attempts',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('case_id', 36),
          str('task_id', 36),
          str('user_id', 128),
          str('backend', 16),
          str('outcome', 16),
          str('reason', 64, true),
          { name: 'detail', type: 'text', isNullable: true },
          str('document_id', 36, true),
          { name: 'duration_ms', type: 'integer' },
          { name: 'attempted_at', type: t.timestamp },
        ],
        indices: [new TableIndex({ name: 'idx_signing_attempts_case', columnNames: ['case_id', 'attempted_at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('signing_attempts');
    await q.dropColumn('users', 'nik');
  }
}
