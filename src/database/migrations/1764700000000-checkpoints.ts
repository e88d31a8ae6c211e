import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/** Merkle checkpoints over every case's chain head, and installation settings (its id). */
export class Checkpoints1764700000000 implements MigrationInterface {
  name = 'Checkpoints1764700000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    const str = (name: string, length: number): TableColumnOptions => ({ name, type: 'varchar', length: String(length) });
    await q.createTable(
      new Table({
        name: 'checkpoints',
        columns: [
          { ...str('id', 36), isPrimary: true },
          { name: 'created_at', type: t.timestamp },
          str('root', 64),
          { name: 'cases', type: 'integer' },
          { name: 'events', type: 'integer' },
          { name: 'leaves', type: t.jsonDdl },
          str('signature', 64),
        ],
      }),
    );
    await q.createTable(new Table({ name: 'settings', columns: [{ ...str('key', 64), isPrimary: true }, str('value', 500)] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('settings');
    await q.dropTable('checkpoints');
  }
}
