import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/** Records of the half-yearly report going out to the province and the ministry (contract §9). */
export class SemesterReportsSent1765600000000 implements MigrationInterface {
  name = 'SemesterReportsSent1765600000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    const str = (name: string, length: number): TableColumnOptions => ({ name, type: 'varchar', length: String(length) });
    await q.createTable(
      new Table({
        name: 'semester_reports_sent',
        columns: [
          { ...str('id', 36), isPrimary: true },
          { name: 'year', type: 'integer' },
          { name: 'half', type: 'integer' },
          str('sent_to', 300),
          str('letter_number', 100),
          { name: 'sent_at', type: t.timestamp },
          str('recorded_by', 128),
          { name: 'recorded_at', type: t.timestamp },
        ],
        indices: [new TableIndex({ name: 'idx_semester_reports_sent_period', columnNames: ['year', 'half'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('semester_reports_sent');
  }
}
