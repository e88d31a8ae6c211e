import type { EntityManager } from 'typeorm';
import { ConcurrentWrite, isTransactionConflict } from '../common/errors.js';
import type { Dialect } from './columns.js';
import type { RawTable } from './raw-table.js';

type Op =
  | { kind: 'update'; table: RawTable<object>; set: Record<string, unknown>; where: Record<string, unknown>; whereKeys: string[]; expect: number | null; what: string }
  | { kind: 'insert'; table: RawTable<object>; rows: object[]; keys: string[]; returning: string | null };

/**
 * The writes of one engine step, collected and then sent together. On PostgreSQL they go as ONE
 * statement: each write a data-modifying CTE, and a final `onegate_guard(...)` that aborts the whole
 * statement (SQLSTATE 40001) unless every guarded update touched exactly the rows it expected. One
 * statement is atomic by itself, so the step needs no BEGIN/COMMIT round trips; a step that used to
 * cost about a dozen round trips costs one. On SQLite (in-process, no round trips) the same writes
 * run one by one inside the step's transaction.
 */
export class WriteBatch {
  private readonly ops: Op[] = [];
  private static readonly textCache = new Map<string, string>();

  /**
   * An update; with `expect`, the step is refused as a concurrent write unless exactly that many rows
   * change. Returns the `set` object, which may still be added to before the flush (one row must not
   * be updated by two parts of one statement).
   */
  update<T extends object>(table: RawTable<T>, set: Partial<T>, where: Partial<T>, options: { expect?: number; what?: string } = {}): Partial<T> {
    this.ops.push({
      kind: 'update',
      table: table as unknown as RawTable<object>,
      set: set as Record<string, unknown>,
      where: where as Record<string, unknown>,
      whereKeys: Object.keys(where),
      expect: options.expect ?? null,
      what: options.what ?? table.tableName,
    });
    return set;
  }

  /** Inserts rows; `returning` reads a generated column back into each row. */
  insert<T extends object>(table: RawTable<T>, rows: T[], returning?: keyof T & string): void {
    if (rows.length === 0) return;
    this.ops.push({ kind: 'insert', table: table as unknown as RawTable<object>, rows, keys: table.insertKeys(rows[0]!), returning: returning ?? null });
  }

  async flush(em: EntityManager, dialect: Dialect): Promise<void> {
    if (dialect === 'postgres') await this.flushAsOneStatement(em);
    else await this.flushOneByOne(em);
  }

  private async flushOneByOne(em: EntityManager): Promise<void> {
    for (const op of this.ops) {
      if (op.kind === 'insert') {
        await op.table.insert(em, op.rows, (op.returning ?? undefined) as never);
        continue;
      }
      const affected = await op.table.update(em, op.set, op.where);
      if (op.expect !== null && affected !== op.expect) throw new ConcurrentWrite(`${op.what} changed since it was read`);
    }
  }

  private async flushAsOneStatement(em: EntityManager): Promise<void> {
    const params: unknown[] = [];
    const setKeys = this.ops.map((op) => (op.kind === 'update' ? setKeysOf(op.set) : []));
    const shape = this.ops.map((op, i) => (op.kind === 'update' ? `u:${op.table.tableName}:${setKeys[i]}:${op.whereKeys}:${op.expect}` : `i:${op.table.tableName}:${op.keys}:${op.rows.length}:${op.returning}`)).join('|');
    let text = WriteBatch.textCache.get(shape);
    const build = text === undefined;
    const ctes: string[] = [];
    const guards: string[] = [];
    const outputs: string[] = [];
    this.ops.forEach((op, i) => {
      const name = `w${i}`;
      if (op.kind === 'update') {
        if (build) {
          ctes.push(`${name} AS (${op.table.updateText(setKeys[i]!, op.whereKeys, params.length + 1, '1')})`);
        }
        params.push(...op.table.values(op.set, setKeys[i]!), ...op.table.values(op.where, op.whereKeys));
        // What the guard names is a parameter: the text is cached by shape and shared by every case.
        if (op.expect !== null) {
          params.push(op.what);
          if (build) guards.push(`onegate_guard((SELECT count(*) FROM ${name}) = ${op.expect}, $${params.length}::text)`);
        }
      } else {
        if (build) {
          const returning = op.returning ? op.table.columnName(op.returning) : null;
          ctes.push(`${name} AS (${op.table.insertText(op.keys, op.rows.length, params.length + 1, returning ?? '1')})`);
          if (returning) outputs.push(`(SELECT json_agg(${returning}) FROM ${name}) AS ${name}`);
        }
        for (const row of op.rows) params.push(...op.table.values(row, op.keys));
      }
    });
    if (build) {
      const checks = guards.length ? guards.join(' AND ') : 'true';
      text = `WITH ${ctes.join(', ')} SELECT ${checks} AS ok${outputs.length ? `, ${outputs.join(', ')}` : ''}`;
      WriteBatch.textCache.set(shape, text);
    }
    let rows: Record<string, unknown>[];
    try {
      rows = await em.query(text!, params);
    } catch (err) {
      if (isTransactionConflict(err)) throw new ConcurrentWrite((err as Error).message);
      throw err;
    }
    this.ops.forEach((op, i) => {
      if (op.kind !== 'insert' || !op.returning) return;
      const values = rows[0]![`w${i}`] as unknown[];
      op.rows.forEach((row, r) => ((row as Record<string, unknown>)[op.returning!] = op.table.hydrateColumn(op.returning!, values[r])));
    });
  }
}

function setKeysOf(set: Record<string, unknown>): string[] {
  return Object.keys(set).filter((k) => set[k] !== undefined);
}
