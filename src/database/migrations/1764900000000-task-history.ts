import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The history view (`GET /api/tasks?status=completed`) reads the caller's own completions and each of
 * their roles' completions newest first, a page at a time. These partial indexes hold completed tasks
 * only, in that order, so a page costs the same with a thousand cases or a hundred thousand.
 * The same SQL works on PostgreSQL and SQLite.
 */
export class TaskHistory1764900000000 implements MigrationInterface {
  name = 'TaskHistory1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_tasks_completed_by" ON "tasks" ("completed_by", "completed_at", "id") WHERE "status" = 'completed'`);
    await q.query(`CREATE INDEX "idx_tasks_completed_role" ON "tasks" ("role", "completed_at", "id") WHERE "status" = 'completed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_tasks_completed_role"`);
    await q.query(`DROP INDEX "idx_tasks_completed_by"`);
  }
}
