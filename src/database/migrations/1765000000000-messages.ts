import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Messages of contract §8: a delivery says its escalation level and whether it went out late (a
 * catch-up after an outage or for loaded history). Cases already in revision get the proposer's
 * revision task, which from now on opens whenever a case is returned.
 */
export class Messages1765000000000 implements MigrationInterface {
  name = 'Messages1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('deliveries', new TableColumn({ name: 'level', type: 'integer', isNullable: true }));
    await q.addColumn('deliveries', new TableColumn({ name: 'late', type: 'boolean', isNullable: false, default: false }));
    // Escalations were kinds escalation_1, escalation_2, …: now kind `escalation` with its level (0-based).
    await q.query(`UPDATE deliveries SET level = CAST(SUBSTR(kind, 12) AS INTEGER) - 1, kind = 'escalation' WHERE kind LIKE 'escalation\\_%' ESCAPE '\\'`);
    const postgres = q.connection.options.type === 'postgres';
    const id = postgres ? 'gen_random_uuid()::text' : `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
    await q.query(
      `INSERT INTO tasks (id, case_id, key, stage, role, assignee_id, status, created_at)
       SELECT ${id}, c.id, 'r' || c.version, 'revision', 'proposer', c.proposer_id, 'open', c.updated_at FROM cases c
       WHERE c.stage = 'revision' AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.stage = 'revision' AND t.status = 'open')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM tasks WHERE stage = 'revision'`);
    await q.query(`UPDATE deliveries SET kind = 'escalation_' || CAST(level + 1 AS TEXT) WHERE kind = 'escalation' AND level IS NOT NULL`);
    await q.dropColumn('deliveries', 'late');
    await q.dropColumn('deliveries', 'level');
  }
}
