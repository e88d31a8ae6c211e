import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../columns.js';

/**
 * PostgreSQL writes a whole engine step as one statement (see WriteBatch). `onegate_guard` lets that
 * statement check its own preconditions (the case was still at the version it read; each task it
 * closes was still open) and abort as a whole, with SQLSTATE 40001 like any serialization failure,
 * so the engine retries it. SQLite writes a step statement by statement and needs nothing here.
 */
export class StepGuard1764800000000 implements MigrationInterface {
  name = 'StepGuard1764800000000';

  async up(q: QueryRunner): Promise<void> {
    if (dialectOf(q.connection.options.type) !== 'postgres') return;
    await q.query(`CREATE OR REPLACE FUNCTION onegate_guard(ok boolean, what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION 'onegate: % changed since it was read', what USING ERRCODE = '40001';
  END IF;
  RETURN true;
END
$$`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (dialectOf(q.connection.options.type) !== 'postgres') return;
    await q.query('DROP FUNCTION IF EXISTS onegate_guard(boolean, text)');
  }
}
