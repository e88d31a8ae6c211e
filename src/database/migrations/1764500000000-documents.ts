import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { dialectOf, typesFor } from '../columns.js';

/** Case documents (every version) and, where the database holds them, their bytes by sha256. */
export class Documents1764500000000 implements MigrationInterface {
  name = 'Documents1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const t = typesFor(dialectOf(q.connection.options.type));
    const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
    await q.createTable(
      new Table({
        name: 'documents',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('case_id', 36),
          str('kind', 32),
          { name: 'version', type: 'integer' },
          str('name', 255),
          str('media_type', 128),
          { name: 'size', type: 'integer' },
          str('sha256', 64),
          str('uploaded_by', 128),
          { name: 'uploaded_at', type: t.timestamp },
          { name: 'event_seq', type: 'integer' },
        ],
        indices: [
          new TableIndex({ name: 'uq_documents_case_kind_version', columnNames: ['case_id', 'kind', 'version'], isUnique: true }),
          new TableIndex({ name: 'idx_documents_sha256', columnNames: ['sha256'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'document_blobs',
        columns: [{ ...str('sha256', 64), isPrimary: true }, { name: 'size', type: 'integer' }, { name: 'content', type: t.binary }, { name: 'created_at', type: t.timestamp }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('document_blobs');
    await q.dropTable('documents');
  }
}
