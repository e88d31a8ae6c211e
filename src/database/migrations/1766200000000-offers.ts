import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/**
 * Partners' offers through `/public/offers` (contract §11): the offer's case, its contact person and the
 * sha256 of its tracking code (unique: the code is looked up by its hash; the code itself is never kept).
 */
export class Offers1766200000000 implements MigrationInterface {
  name = 'Offers1766200000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
    await q.createTable(
      new Table({
        name: 'offers',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('case_id', 36),
          str('code_hash', 64),
          str('contact_name', 200),
          str('contact_email', 254),
          str('contact_phone', 40, true),
          { name: 'created_at', type: t.timestamp },
        ],
        indices: [new TableIndex({ name: 'idx_offers_code_hash', columnNames: ['code_hash'], isUnique: true }), new TableIndex({ name: 'idx_offers_case_id', columnNames: ['case_id'], isUnique: true })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('offers');
  }
}
