import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/**
 * The register of agreements (contract §9): the register's own fields of each agreement, under its
 * case's id. The city's number is indexed, not unique: a legacy spreadsheet may repeat a number the
 * workflow later gives a case, and a signing must never fail on it (the import skips numbers it finds).
 */
export class Agreements1765500000000 implements MigrationInterface {
  name = 'Agreements1765500000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
    await q.createTable(
      new Table({
        name: 'agreements',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('number', 100),
          str('partner_number', 200, true),
          str('signed_at', 10, true),
          str('signed_place', 200, true),
          { name: 'signatories', type: t.jsonDdl },
          { name: 'fields', type: t.jsonDdl },
          { name: 'opds', type: t.jsonDdl },
          { name: 'value', type: t.jsonDdl, isNullable: true },
          str('source', 16),
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
        ],
        indices: [new TableIndex({ name: 'idx_agreements_number', columnNames: ['number'] }), new TableIndex({ name: 'idx_agreements_signed_at', columnNames: ['signed_at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('agreements');
  }
}
