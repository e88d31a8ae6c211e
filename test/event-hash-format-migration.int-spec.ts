import { SystemClock } from '../src/common/clock.js';
import { checkChain } from '../src/audit/audit.service.js';
import type { Database } from '../src/database/database.js';
import { CASE, CASE_EVENT } from '../src/database/entities.js';
import type { CaseEventRow, CaseRow } from '../src/database/rows.js';
import { Engine } from '../src/engine/engine.js';
import { INSTRUMENT_RULES } from '../workflows/domain.js';
import { rewriteAsFormat1 } from './support/legacy-chain.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

const proposer = { id: 'opd-1', roles: ['proposer' as const] };

/**
 * Migration EventHashFormat1765400000000 on both databases: events already there are labelled format 1, the
 * format they were hashed with, and verify; the revert is refused once an event was written in format 2.
 */
describe(`event hash format migration (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  const NAME = 'EventHashFormat1765400000000';
  const executed = async () => ((await db.dataSource.query(`SELECT name FROM migrations ORDER BY timestamp`)) as { name: string }[]).map((r) => r.name);
  const columns = async (): Promise<string[]> =>
    db.dialect === 'postgres'
      ? ((await db.dataSource.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'case_events'`)) as { name: string }[]).map((r) => r.name)
      : ((await db.dataSource.query(`PRAGMA table_info("case_events")`)) as { name: string }[]).map((r) => r.name);

  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
  });

  it('refuses to revert over format-2 events; reverts and re-applies over format-1 ones, which then verify as format 1', async () => {
    expect(await executed()).toContain(NAME);
    const engine = new Engine(db, new SystemClock(), 'Asia/Jakarta');
    const { case: c } = await engine.start({
      actor: proposer,
      fields: { title: 'KB sebelum format hash', instrument: 'kb', partnerName: 'Kabupaten Muaro Jambi', partnerCategory: 'region', partnerCountry: null, summary: null, requiresDprdApproval: false, parentCaseId: null, kind: 'cooperation', validFrom: null, validUntil: null, proposerId: proposer.id },
      input: { proposerId: proposer.id, instrument: 'kb', partnerCategory: 'region', requiresDprdApproval: false, allowedInstruments: INSTRUMENT_RULES.region },
      workflow: { name: 'cooperation', version: 1 },
    });
    await engine.step({ caseId: c.id, actor: proposer, plan: () => ({ type: 'SUBMIT', machineEvent: { type: 'SUBMIT' } }) });
    const events = () => db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: c.id }, order: { seq: 'ASC' } }));
    expect((await events()).map((e) => e.hashFormat)).toEqual([2, 2]);
    // The migrations that came after it are reverted first, so this one is the last.
    while ((await executed()).at(-1) !== NAME) await db.dataSource.undoLastMigration({ transaction: 'each' });

    await expect(db.dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow(`cannot revert ${NAME}: 2 event(s) are hashed in a format the earlier code cannot verify`);
    expect(await executed()).toContain(NAME);
    expect(await columns()).toContain('hash_format');

    // The chain as the code before this migration wrote it: every event hashed in format 1.
    await db.transaction((em) => rewriteAsFormat1(em, c.id));
    const before = await db.dataSource.query(`SELECT seq, hash FROM case_events ORDER BY seq`);
    await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await executed()).not.toContain(NAME);
    expect(await columns()).not.toContain('hash_format');
    expect(await db.dataSource.query(`SELECT seq, hash FROM case_events ORDER BY seq`)).toEqual(before);

    await db.migrate();
    const after = await events();
    expect(after.map((e) => e.hashFormat)).toEqual([1, 1]);
    const row = await db.read((em) => em.findOneByOrFail<CaseRow>(CASE, { id: c.id }));
    expect(checkChain(row, after)).toEqual([]);
    // And the engine continues the chain in format 2.
    await engine.step({ caseId: c.id, actor: { id: 'sec-1', roles: ['secretariat'] }, plan: () => ({ type: 'TASK_COMPLETED', machineEvent: { type: 'DECIDE', taskKey: 't1', decision: 'approve' }, completion: { taskKey: 't1', decision: 'approve', comment: null } }) });
    const continued = await events();
    expect(continued.map((e) => e.hashFormat)).toEqual([1, 1, 2]);
    expect(checkChain(await db.read((em) => em.findOneByOrFail<CaseRow>(CASE, { id: c.id })), continued)).toEqual([]);
  });
});
