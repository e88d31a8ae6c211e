import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A directory user can be deactivated (`PUT /api/users/:id {active:false}`, contract §3): their next
 * request is refused. Every user there already stays active.
 */
export class UserActive1765100000000 implements MigrationInterface {
  name = 'UserActive1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('users', new TableColumn({ name: 'active', type: 'boolean', isNullable: false, default: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('users', 'active');
  }
}
