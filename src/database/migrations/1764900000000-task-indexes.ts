import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case's open tasks (read by every engine step) by `(case_id, status)`: without it SQLite, which
 * keeps no statistics unless asked, read them through the status index, that is through every open
 * task of every case, and a step cost more the more work was open.
 *
 * The history view (`GET /api/tasks?status=completed`) reads the caller's own completions and each of
 * their roles' completions newest first, a page at a time. These partial indexes hold completed tasks
 * only, in that order, so a page costs the same with a thousand cases or a hundred thousand.
 * The same SQL works on PostgreSQL and SQLite.
 */
export class TaskIndexes1764900000000 implements MigrationInterface {
  name = 'TaskIndexes1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "idx_tasks_case_status" ON "tasks" ("case_id", "status")`);
    await q.query(`CREATE INDEX "idx_tasks_completed_by" ON "tasks" ("completed_by", "completed_at", "id") WHERE "status" = 'completed'`);
    await q.query(`CREATE INDEX "idx_tasks_completed_role" ON "tasks" ("role", "completed_at", "id") WHERE "status" = 'completed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "idx_tasks_completed_role"`);
    await q.query(`DROP INDEX "idx_tasks_completed_by"`);
    await q.query(`DROP INDEX "idx_tasks_case_status"`);
  }
}
