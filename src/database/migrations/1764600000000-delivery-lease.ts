import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/** A delivery is claimed (status `sending`, leased) before its mail goes out, so two workers never both send it. */
export class DeliveryLease1764600000000 implements MigrationInterface {
  name = 'DeliveryLease1764600000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    await q.addColumn('deliveries', new TableColumn({ name: 'lease_until', type: t.timestamp, isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('deliveries', 'lease_until');
  }
}
