import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/**
 * WhatsApp beside e-mail and the morning digest (contract §12): a user's `phone` (normalised, `62…`),
 * the `channels` their messages go by (every user so far: e-mail only) and their `digest` (`none` or
 * `daily`); a delivery says which channel it went by, and one timer's message goes once per channel
 * and recipient, so the unique key takes the channel in.
 */
export class UserChannels1766600000000 implements MigrationInterface {
  name = 'UserChannels1766600000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    await q.addColumn('users', new TableColumn({ name: 'phone', type: 'varchar', length: '20', isNullable: true }));
    await q.addColumn('users', new TableColumn({ name: 'channels', type: t.jsonDdl, isNullable: true }));
    await q.addColumn('users', new TableColumn({ name: 'digest', type: 'varchar', length: '8', isNullable: false, default: "'none'" }));
    await q.addColumn('deliveries', new TableColumn({ name: 'channel', type: 'varchar', length: '16', isNullable: false, default: "'email'" }));
    await q.addColumn('deliveries', new TableColumn({ name: 'recipient_phone', type: 'varchar', length: '20', isNullable: true }));
    await q.dropIndex('deliveries', 'uq_deliveries_timer_recipient');
    await q.createIndex('deliveries', new TableIndex({ name: 'uq_deliveries_timer_recipient_channel', columnNames: ['timer_id', 'recipient_email', 'channel'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    // WhatsApp deliveries have no place in the older shape (one delivery per timer and address).
    await q.query(`DELETE FROM deliveries WHERE channel <> 'email'`);
    await q.dropIndex('deliveries', 'uq_deliveries_timer_recipient_channel');
    await q.createIndex('deliveries', new TableIndex({ name: 'uq_deliveries_timer_recipient', columnNames: ['timer_id', 'recipient_email'], isUnique: true }));
    await q.dropColumn('deliveries', 'recipient_phone');
    await q.dropColumn('deliveries', 'channel');
    await q.dropColumn('users', 'digest');
    await q.dropColumn('users', 'channels');
    await q.dropColumn('users', 'phone');
  }
}
