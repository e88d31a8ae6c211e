/** Column types per dialect (n8n's approach): one schema, the right type on each database. */
export type Dialect = 'postgres' | 'sqlite';

export interface DialectTypes {
  /** Entity type for JSON values. */
  json: 'jsonb' | 'simple-json';
  /** DDL type for JSON values in migrations. */
  jsonDdl: 'jsonb' | 'text';
  timestamp: 'timestamptz' | 'datetime';
  binary: 'bytea' | 'blob';
}

export function typesFor(dialect: Dialect): DialectTypes {
  return dialect === 'postgres'
    ? { json: 'jsonb', jsonDdl: 'jsonb', timestamp: 'timestamptz', binary: 'bytea' }
    : { json: 'simple-json', jsonDdl: 'text', timestamp: 'datetime', binary: 'blob' };
}

export function dialectOf(driverType: string): Dialect {
  return driverType === 'postgres' ? 'postgres' : 'sqlite';
}
