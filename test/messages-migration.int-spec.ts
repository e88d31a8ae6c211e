import { randomUUID } from 'node:crypto';
import { SystemClock } from '../src/common/clock.js';
import type { Database } from '../src/database/database.js';
import { DELIVERY, TASK } from '../src/database/entities.js';
import type { DeliveryRow, TaskRow } from '../src/database/rows.js';
import { Engine } from '../src/engine/engine.js';
import { INSTRUMENT_RULES } from '../workflows/domain.js';
import { rewriteAsFormat1 } from './support/legacy-chain.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

const proposer = { id: 'opd-1', roles: ['proposer' as const] };
const secretariat = { id: 'sec-1', roles: ['secretariat' as const] };

/**
 * Migration Messages1765000000000 on a database that ran before it: a case already waiting in revision
 * gets its proposer's revision task, and escalations recorded as `escalation_<n>` become kind
 * `escalation` with their level; reverting puts both back.
 */
describe(`messages migration on existing data (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  /** Reverts migrations, the later ones first, until the messages migration is undone. */
  const undoThroughMessages = async () => {
    const executed = async () => ((await db.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[]).map((r) => r.name);
    while ((await executed()).includes('Messages1765000000000')) await db.dataSource.undoLastMigration({ transaction: 'each' });
  };

  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
  });
  afterAll(async () => {
    await db.close();
    await test.drop();
  });

  it('gives a case in revision its revision task and turns escalation_<n> into escalation with a level, and back', async () => {
    // The engine alone (no effects): the steps the product wrote then, on today's schema.
    const engine = new Engine(db, new SystemClock(), 'Asia/Jakarta');
    const { case: c } = await engine.start({
      actor: proposer,
      fields: { title: 'KB lama dalam revisi', instrument: 'kb', partnerName: 'Kabupaten Muaro Jambi', partnerCategory: 'region', partnerCountry: null, summary: null, requiresDprdApproval: false, parentCaseId: null, kind: 'cooperation', validFrom: null, validUntil: null, proposerId: proposer.id },
      input: { proposerId: proposer.id, instrument: 'kb', partnerCategory: 'region', requiresDprdApproval: false, allowedInstruments: INSTRUMENT_RULES.region },
      workflow: { name: 'cooperation', version: 1 },
    });
    await engine.step({ caseId: c.id, actor: proposer, plan: () => ({ type: 'SUBMIT', machineEvent: { type: 'SUBMIT' } }) });
    const returned = await engine.step({
      caseId: c.id,
      actor: secretariat,
      plan: () => ({ type: 'TASK_COMPLETED', machineEvent: { type: 'DECIDE', taskKey: 't1', decision: 'revise' }, completion: { taskKey: 't1', decision: 'revise', comment: 'Lengkapi KAK' } }),
    });
    expect(returned.case.stage).toBe('revision');
    // The database as it was before: events hashed as then (format 1, so the hash-format migration reverts), and
    // the migrations back through Messages undone, which takes the revision task the engine gave the case.
    await db.transaction((em) => rewriteAsFormat1(em, c.id));
    await undoThroughMessages();
    expect(await db.dataSource.query(`SELECT COUNT(*) AS n FROM tasks WHERE stage = 'revision'`)).toEqual([{ n: db.dialect === 'postgres' ? '0' : 0 }]);
    const p = db.dialect === 'postgres' ? (i: number) => `$${i}` : () => '?';
    const old = async (kind: string) => {
      const id = randomUUID();
      await db.dataSource.query(
        `INSERT INTO deliveries (id, case_id, timer_id, kind, recipient_id, recipient_email, locale, subject, body, status, attempts, created_at) VALUES (${[1, 2, 3, 4].map(p).join(', ')}, 'sekda', 'sekda@jambikota.go.id', 'id', 's', 'b', 'sent', 1, ${p(5)})`,
        // better-sqlite3 binds no Date: the text TypeORM writes for a datetime there.
        [id, c.id, randomUUID(), kind, db.dialect === 'postgres' ? new Date() : new Date().toISOString().replace('T', ' ').replace('Z', '')],
      );
      return id;
    };
    const first = await old('escalation_1');
    const second = await old('escalation_2');
    const reminder = await old('reminder');

    await db.migrate();
    const tasks = await db.read((em) => em.findBy<TaskRow>(TASK, { caseId: c.id, stage: 'revision' }));
    expect(tasks).toEqual([expect.objectContaining({ key: `r${returned.case.version}`, role: 'proposer', assigneeId: proposer.id, status: 'open' })]);
    const kinds = async () => (await db.read((em) => em.findBy<DeliveryRow>(DELIVERY, { caseId: c.id }))).map((d) => `${d.id === first ? 'first' : d.id === second ? 'second' : d.id === reminder ? 'reminder' : '?'} ${d.kind} ${d.level} ${d.late}`).sort();
    expect(await kinds()).toEqual(['first escalation 0 false', 'reminder reminder null false', 'second escalation 1 false']);

    await undoThroughMessages();
    expect(await db.dataSource.query(`SELECT COUNT(*) AS n FROM tasks WHERE stage = 'revision'`)).toEqual([{ n: db.dialect === 'postgres' ? '0' : 0 }]);
    expect((await db.dataSource.query(`SELECT kind FROM deliveries ORDER BY kind`)).map((r: { kind: string }) => r.kind)).toEqual(['escalation_1', 'escalation_2', 'reminder']);
    await db.migrate();
  });
});
