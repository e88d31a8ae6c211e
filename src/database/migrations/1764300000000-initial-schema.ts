import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/** Cases, their hash-chained event log, tasks, outbox, directory, idempotency keys and counters. */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
    const ts = (name: string, isNullable = false): TableColumnOptions => ({ name, type: t.timestamp, isNullable });
    const int = (name: string): TableColumnOptions => ({ name, type: 'integer' });
    const json = (name: string, isNullable = false): TableColumnOptions => ({ name, type: t.jsonDdl, isNullable });
    const serial = (name: string): TableColumnOptions => ({ name, type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' });

    await q.createTable(
      new Table({
        name: 'cases',
        columns: [
          { ...str('id', 36), isPrimary: true },
          { ...str('number', 32), isUnique: true },
          str('title', 300),
          str('instrument', 16),
          str('partner_name', 300),
          str('partner_category', 32),
          str('partner_country', 100, true),
          { name: 'summary', type: 'text', isNullable: true },
          { name: 'requires_dprd_approval', type: 'boolean' },
          str('parent_case_id', 36, true),
          str('valid_from', 10, true),
          str('valid_until', 10, true),
          str('stage', 32),
          int('version'),
          str('workflow_name', 64),
          int('workflow_version'),
          json('snapshot'),
          str('proposer_id', 128),
          str('head_hash', 64),
          ts('signed_at', true),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_cases_stage', columnNames: ['stage'] }),
          new TableIndex({ name: 'idx_cases_created_at', columnNames: ['created_at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'case_events',
        columns: [
          serial('id'),
          str('case_id', 36),
          int('seq'),
          str('type', 64),
          str('actor_id', 128),
          json('actor_roles'),
          ts('at'),
          json('data'),
          str('stage_before', 32, true),
          str('stage_after', 32),
          str('workflow_name', 64),
          int('workflow_version'),
          str('prev_hash', 64),
          str('hash', 64),
        ],
        indices: [
          new TableIndex({ name: 'uq_case_events_case_seq', columnNames: ['case_id', 'seq'], isUnique: true }),
          new TableIndex({ name: 'idx_case_events_at', columnNames: ['at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'tasks',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('case_id', 36),
          str('key', 16),
          str('stage', 32),
          str('role', 32),
          str('assignee_id', 128, true),
          str('status', 16),
          str('decision', 16, true),
          { name: 'comment', type: 'text', isNullable: true },
          str('completed_by', 128, true),
          ts('created_at'),
          ts('completed_at', true),
          ts('due_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_tasks_case_key', columnNames: ['case_id', 'key'], isUnique: true }),
          new TableIndex({ name: 'idx_tasks_status_role', columnNames: ['status', 'role'] }),
          new TableIndex({ name: 'idx_tasks_assignee', columnNames: ['assignee_id', 'status'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'outbox',
        columns: [serial('id'), str('case_id', 36), int('event_seq'), str('topic', 64), json('payload'), ts('created_at'), ts('processed_at', true)],
        indices: [new TableIndex({ name: 'idx_outbox_pending', columnNames: ['processed_at', 'id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          { ...str('id', 128), isPrimary: true },
          str('name', 200),
          str('email', 320),
          json('roles'),
          str('supervisor_id', 128, true),
          str('locale', 8),
          ts('created_at'),
          ts('updated_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { ...str('key', 255), isPrimary: true },
          { ...str('user_id', 128), isPrimary: true },
          str('method', 8),
          str('path', 500),
          str('request_hash', 64),
          { name: 'status_code', type: 'integer', isNullable: true },
          json('response', true),
          ts('created_at'),
        ],
      }),
    );
    await q.createTable(new Table({ name: 'counters', columns: [{ ...str('name', 64), isPrimary: true }, int('value')] }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['counters', 'idempotency_keys', 'users', 'outbox', 'tasks', 'case_events', 'cases']) {
      await q.dropTable(table);
    }
  }
}
