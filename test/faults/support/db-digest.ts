import { createHash } from 'node:crypto';
import type { Database } from '../../../src/database/database.js';

export interface TableDigest {
  rows: number;
  sha256: string;
}

/** Row count and a hash of every row of every table, to prove that nothing at all was written. */
export async function digestTables(db: Database): Promise<Record<string, TableDigest>> {
  const ds = db.dataSource;
  const tables: { name: string }[] =
    db.dialect === 'postgres'
      ? await ds.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
      : await ds.query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`);
  const out: Record<string, TableDigest> = {};
  for (const { name } of tables) {
    const rows: Record<string, unknown>[] = await ds.query(`SELECT * FROM "${name}"`);
    const lines = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v))).sort();
    out[name] = { rows: rows.length, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
  }
  return out;
}
