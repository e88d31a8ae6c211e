import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { Dialect } from './columns.js';

/**
 * Hand-written SQL for one table, for the engine's hot path. TypeORM's query builders cost more CPU
 * than the database work of a step: parameter-name rewriting and metadata walks on every call. This
 * builds each statement's text once and keeps TypeORM only for what it is good at here: each column's
 * name, and turning values to and from the database's form (`preparePersistentValue` and
 * `prepareHydratedValue`), so rows written here read back the same through the entity manager.
 */
export class RawTable<T extends object> {
  private readonly columns: ColumnMetadata[];
  private readonly byProperty: Map<string, ColumnMetadata>;
  private readonly table: string;
  private readonly sqlCache = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    entity: string,
    private readonly dialect: Dialect,
  ) {
    const meta = dataSource.getMetadata(entity);
    this.table = quote(meta.tableName);
    this.columns = meta.columns;
    this.byProperty = new Map(meta.columns.map((c) => [c.propertyName, c]));
  }

  /** Rows where every given property equals its value. */
  async select(em: EntityManager, where: Partial<T>): Promise<T[]> {
    const keys = Object.keys(where);
    const sql = this.cached(`s:${keys.join()}`, () => `SELECT * FROM ${this.table} WHERE ${this.conditions(keys, 1)}`);
    const rows: Record<string, unknown>[] = await em.query(sql, this.values(where, keys));
    return rows.map((r) => this.hydrate(r));
  }

  /** Rows whose `property` is one of `values`, in the order of `orderBy` (ascending). */
  async selectIn(em: EntityManager, property: keyof T & string, values: unknown[], orderBy: (keyof T & string)[] = []): Promise<T[]> {
    if (values.length === 0) return [];
    const order = orderBy.length ? ` ORDER BY ${orderBy.map((k) => this.columnName(k)).join(', ')}` : '';
    const postgres = this.dialect === 'postgres';
    const sql = this.cached(`in:${property}:${postgres ? '' : values.length}:${orderBy.join()}`, () =>
      postgres
        ? `SELECT * FROM ${this.table} WHERE ${this.columnName(property)} = ANY($1)${order}`
        : `SELECT * FROM ${this.table} WHERE ${this.columnName(property)} IN (${values.map(() => '?').join(', ')})${order}`,
    );
    const column = this.byProperty.get(property)!;
    const params = values.map((v) => this.dataSource.driver.preparePersistentValue(v, column));
    const rows: Record<string, unknown>[] = await em.query(sql, postgres ? [params] : params);
    return rows.map((r) => this.hydrate(r));
  }

  /** Inserts rows in one statement; `returning` reads a generated column back into each row. */
  async insert(em: EntityManager, rows: T[], returning?: keyof T & string): Promise<void> {
    if (rows.length === 0) return;
    const keys = this.insertKeys(rows[0]!);
    const sql = this.cached(`i:${keys.join()}:${rows.length}:${returning ?? ''}`, () => this.insertText(keys, rows.length, 1, returning ? this.columnName(returning) : null));
    const params = rows.flatMap((row) => this.values(row, keys));
    const result = await runner(em).query(sql, params, true);
    if (returning) {
      const column = this.byProperty.get(returning)!;
      // Both drivers return the inserted rows in the order of the VALUES list for a single statement.
      (result.records as Record<string, unknown>[]).forEach((rec, i) => {
        (rows[i] as Record<string, unknown>)[returning] = this.dataSource.driver.prepareHydratedValue(rec[column.databaseName], column);
      });
    }
  }

  /** Updates the rows matching `where` and returns how many changed. */
  async update(em: EntityManager, set: Partial<T>, where: Partial<T>): Promise<number> {
    const setKeys = Object.keys(set).filter((k) => (set as Record<string, unknown>)[k] !== undefined);
    const whereKeys = Object.keys(where);
    const sql = this.cached(`u:${setKeys.join()}:${whereKeys.join()}`, () => {
      const assignments = setKeys.map((k, i) => `${quote(this.byProperty.get(k)!.databaseName)} = ${this.placeholder(i + 1)}`).join(', ');
      return `UPDATE ${this.table} SET ${assignments} WHERE ${this.conditions(whereKeys, setKeys.length + 1)}`;
    });
    const result = await runner(em).query(sql, [...this.values(set, setKeys), ...this.values(where, whereKeys)], true);
    return result.affected ?? 0;
  }

  /** `UPDATE … SET … WHERE …` text for a batch statement, numbering parameters from `first`. */
  updateText(setKeys: string[], whereKeys: string[], first: number, returning: string): string {
    const assignments = setKeys.map((k, i) => `${quote(this.byProperty.get(k)!.databaseName)} = ${this.placeholder(first + i)}`).join(', ');
    return `UPDATE ${this.table} SET ${assignments} WHERE ${this.conditions(whereKeys, first + setKeys.length)} RETURNING ${returning}`;
  }

  /** `INSERT … VALUES …` text for a batch statement, numbering parameters from `first`. */
  insertText(keys: string[], rowCount: number, first: number, returning: string | null): string {
    const names = keys.map((k) => quote(this.byProperty.get(k)!.databaseName)).join(', ');
    const tuples = Array.from({ length: rowCount }, (_, r) => `(${keys.map((_k, i) => this.placeholder(first + r * keys.length + i)).join(', ')})`).join(', ');
    return `INSERT INTO ${this.table} (${names}) VALUES ${tuples}${returning ? ` RETURNING ${returning}` : ''}`;
  }

  /** The columns an insert writes: all but a generated one left empty. */
  insertKeys(sample: T): string[] {
    return this.columns.filter((c) => !(c.isGenerated && (sample as Record<string, unknown>)[c.propertyName] === undefined)).map((c) => c.propertyName);
  }

  columnName(property: string): string {
    return quote(this.byProperty.get(property)!.databaseName);
  }

  /** Database values of `keys` of a row, in order. */
  values(row: Partial<T>, keys: string[]): unknown[] {
    return keys.map((k) => {
      const column = this.byProperty.get(k);
      if (!column) throw new Error(`${this.table} has no column for ${k}`);
      return this.dataSource.driver.preparePersistentValue((row as Record<string, unknown>)[k] ?? null, column);
    });
  }

  /** One column's database value turned back into the row's. */
  hydrateColumn(property: string, value: unknown): unknown {
    return this.dataSource.driver.prepareHydratedValue(value, this.byProperty.get(property)!);
  }

  get tableName(): string {
    return this.table;
  }

  hydrate(raw: Record<string, unknown>): T {
    const row: Record<string, unknown> = {};
    for (const c of this.columns) row[c.propertyName] = this.dataSource.driver.prepareHydratedValue(raw[c.databaseName], c);
    return row as T;
  }

  private conditions(keys: string[], first: number): string {
    return keys.map((k, i) => `${quote(this.byProperty.get(k)!.databaseName)} = ${this.placeholder(first + i)}`).join(' AND ');
  }

  private placeholder(n: number): string {
    return this.dialect === 'postgres' ? `$${n}` : '?';
  }

  private cached(key: string, build: () => string): string {
    let sql = this.sqlCache.get(key);
    if (sql === undefined) {
      sql = build();
      this.sqlCache.set(key, sql);
    }
    return sql;
  }
}

function quote(identifier: string): string {
  return `"${identifier}"`;
}

/** Writes run inside `Database.transaction`, whose entity manager carries the transaction's runner. */
function runner(em: EntityManager): QueryRunner {
  if (!em.queryRunner) throw new Error('raw writes need the transaction’s entity manager');
  return em.queryRunner;
}
