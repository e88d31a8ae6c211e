import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { In } from 'typeorm';
import { findWorkflow } from '../workflows/registry.js';
import { INSTRUMENT_RULES } from '../workflows/domain.js';
import type { CliIo } from '../src/cli/auditor.js';
import { replayCommand, verifyCommand } from '../src/cli/auditor.js';
import { migrateCommand } from '../src/cli/migrate.js';
import { SettableClock } from '../src/common/clock.js';
import { isDependencyUnavailable } from '../src/common/errors.js';
import { CASE, CASE_EVENT, DELIVERY, TASK, TIMER } from '../src/database/entities.js';
import type { CaseEventRow, CaseRow, DeliveryRow, TaskRow, TimerRow } from '../src/database/rows.js';
import { Engine } from '../src/engine/engine.js';
import { MigrationService } from '../src/workflows/migration.service.js';
import { expectError } from './support/expectations.js';
import { TEST_SECRET, TestApp, USERS, type TestUser } from './support/test-app.js';
import { until } from './support/until.js';

const backend = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'}, ${process.env.REDIS_URL ? 'BullMQ on Redis' : 'in-process queue'}`;
const HOUR = 3_600_000;
const root = join(__dirname, '..');
const v1 = findWorkflow('cooperation', 1)!;
const v2 = findWorkflow('cooperation', 2)!;

/** Who decides each task stage of cooperation@1 and @2. */
const DECIDER: Record<string, TestUser> = {
  administrative_check: USERS.secretariat,
  technical_review: USERS.reviewerA,
  tkksd_coordination: USERS.chair,
  legal_review: USERS.legal,
  dprd_approval: USERS.dprd,
  ministry_approval: USERS.secretariat,
  mayor_signature: USERS.mayor,
};

/** Contract §11, Moving running cases: POST /api/workflows/:name/migrate and `onegate migrate`, first from cooperation@1 to @2. */
describe(`moving running cases to a newer workflow version on ${backend}`, () => {
  let t: TestApp;
  const clock = new SettableClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'onegate-migrate-'));
  const lines: string[] = [];
  const progress: [string, number, number][] = [];
  const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), progress: (label, done, all) => progress.push([label, done, all]) };

  beforeAll(async () => {
    const slaFile = join(dataDir, 'sla.json');
    // Technical review: due 3 h after its task opens, one reminder 2 h before (at +1 h), no escalation.
    writeFileSync(slaFile, JSON.stringify({ technical_review: { due: 'PT3H', remind: ['PT2H'], escalate: [] } }));
    clock.set(new Date());
    t = await TestApp.start({ dataDir, slaFile, ...(process.env.DATABASE_URL ? {} : { database: { kind: 'sqlite', file: join(dataDir, 'onegate.sqlite') } }) }, { clock });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    lines.length = 0;
    progress.length = 0;
  });

  const migrate = (body: Record<string, unknown>, as: TestUser = USERS.admin, name = 'cooperation') => t.post(`/api/workflows/${name}/migrate`, as, body);
  const caseRow = (id: string) => t.db.read((em) => em.findOneByOrFail<CaseRow>(CASE, { id }));
  const events = (id: string) => t.db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: id }, order: { seq: 'ASC' } }));
  const counts = () =>
    t.db.read(async (em) => ({
      cases: await em.count(CASE),
      events: await em.count(CASE_EVENT),
      tasks: await em.count(TASK),
      timers: await em.count(TIMER),
      onV1: await em.countBy(CASE, { workflowName: 'cooperation', workflowVersion: 1 }),
    }));

  /** A case started on cooperation@1 (as cases ran before version 2 was deployed), through the engine. */
  async function v1Case(title: string, over: { requiresDprdApproval?: boolean; version?: number } = {}): Promise<CaseRow> {
    const { case: row } = await t.app.get(Engine).start({
      actor: { id: USERS.proposer.id, roles: ['proposer'] },
      fields: { title, instrument: 'kb', partnerName: 'Kota Palembang', partnerCategory: 'region', partnerCountry: null, summary: null, requiresDprdApproval: over.requiresDprdApproval ?? false, parentCaseId: null, kind: 'cooperation', validFrom: null, validUntil: null, proposerId: USERS.proposer.id },
      input: { proposerId: USERS.proposer.id, instrument: 'kb', partnerCategory: 'region', requiresDprdApproval: over.requiresDprdApproval ?? false, allowedInstruments: INSTRUMENT_RULES.region },
      workflow: { name: 'cooperation', version: over.version ?? 1 },
    });
    return row;
  }
  const submit = async (id: string) => expect((await t.post(`/api/cases/${id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(201);
  /** Decides the case's open task at its stage (v1 signs without a signed copy: it has no documents). */
  async function decide(id: string, decision = 'approve', extra: Record<string, unknown> = {}) {
    const stage = await t.stageOf(id);
    const res = await t.decide(id, DECIDER[stage]!, decision, decision === 'approve' || decision === 'sign' ? extra : { comment: 'Mohon dilengkapi', ...extra }, { signedCopy: false });
    expect(res.status).toBe(200);
  }
  async function v1At(stage: string, title = `KB ${stage}`): Promise<CaseRow> {
    const c = await v1Case(title);
    const path = ['proposal', 'administrative_check', 'technical_review', 'tkksd_coordination', 'legal_review', 'mayor_signature', 'signed'];
    if (stage === 'proposal') return c;
    await submit(c.id);
    if (stage === 'revision') await decide(c.id, 'revise');
    else if (stage === 'rejected') await decide(c.id, 'reject');
    else for (let i = 1; i < path.indexOf(stage); i++) await decide(c.id, path[i] === 'mayor_signature' ? 'sign' : 'approve');
    expect(await t.stageOf(c.id)).toBe(stage);
    return caseRow(c.id);
  }

  let proposal: CaseRow, review: CaseRow, revision: CaseRow, signed: CaseRow, rejected: CaseRow;
  let reviewTask: TaskRow;

  it('sets up cases on version 1 at every kind of stage', async () => {
    proposal = await v1At('proposal');
    review = await v1At('technical_review');
    revision = await v1At('revision');
    signed = await v1At('signed');
    rejected = await v1At('rejected');
    for (const c of [proposal, review, revision, signed, rejected]) expect(c.workflowVersion).toBe(1);
    [reviewTask] = await t.db.read((em) => em.findBy<TaskRow>(TASK, { caseId: review.id, status: 'open' }));
    expect(reviewTask).toMatchObject({ stage: 'technical_review' });
  });

  it('refuses anyone but an admin (403), and bad input with a 4xx naming the field', async () => {
    expectError(await migrate({ from: 1, to: 2, dryRun: true }, USERS.secretariat), 403);
    expectError(await migrate({ from: 1, to: 2, dryRun: true }, USERS.auditor), 403);
    expect((await t.post('/api/workflows/cooperation/migrate', undefined, { from: 1, to: 2, dryRun: true })).status).toBe(401);
    expectError(await migrate({ from: 2, to: 2 }), 400, /^to: /);
    expectError(await migrate({ from: 2, to: 1 }), 400, /^to: /);
    expectError(await migrate({ from: 9, to: 2 }), 400, /^from: /);
    expectError(await migrate({ from: 1, to: 9 }), 400, /^to: /);
    expectError(await migrate({ to: 2 }), 400, /^from: /);
    expectError(await migrate({ from: '1', to: 2 }), 400, /^from: /);
    expectError(await migrate({ from: 1, to: 2, caseIds: 'all' }), 400, /^caseIds: /);
    expectError(await migrate({ from: 1, to: 2, caseIds: [] }), 400, /^caseIds: /);
    expectError(await migrate({ from: 1, to: 2, dryRun: 'yes' }), 400, /^dryRun: /);
    expectError(await migrate({ from: 1, to: 2, everything: true }), 400, /^everything: /);
    expectError(await migrate({ from: 1, to: 2 }, USERS.admin, 'nosuch'), 404);
  });

  it('a dry run lists what would move and what not, with reasons, and writes nothing', async () => {
    const before = await counts();
    const res = await migrate({ from: 1, to: 2, dryRun: true });
    expect(res.status).toBe(200);
    const ids = (list: { caseId: string }[]) => list.map((c) => c.caseId).sort();
    expect(res.body).toMatchObject({ workflow: 'cooperation', from: 1, to: 2, dryRun: true, counts: { moved: 3, skipped: 2 } });
    expect(ids(res.body.moved)).toEqual([proposal.id, review.id, revision.id].sort());
    expect(res.body.moved).toContainEqual({ caseId: review.id, number: review.number, stage: 'technical_review' });
    expect(res.body.skipped).toEqual(
      expect.arrayContaining([
        { caseId: signed.id, number: signed.number, stage: 'signed', code: 'signed', reason: expect.stringMatching(/ditandatangani/) },
        { caseId: rejected.id, number: rejected.number, stage: 'rejected', code: 'final', reason: expect.stringMatching(/^Kasus sudah selesai \(tahap Ditolak\)/) },
      ]),
    );
    // Reasons are for people: no snake_case ids in them.
    for (const s of res.body.skipped) expect(s.reason).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    expect(await counts()).toEqual(before);
    expect((await caseRow(review.id)).workflowVersion).toBe(1);
  });

  it('refuses in the step too, writing nothing: a stage or an open task stage the target lacks; a stale version is a 409', async () => {
    const svc = t.app.get(MigrationService);
    const admin = { id: USERS.admin.id, roles: [...USERS.admin.roles] };
    const before = await counts();
    const noReview = { ...v2, stages: v2.stages.filter((s) => s !== 'technical_review') };
    expect(await svc.moveCase(admin, review.id, v1, noReview)).toMatchObject({ code: 'stage_missing', reason: 'Tahap Kajian Tim Teknis tidak ada pada versi 2.' });
    const noReviewTasks = { ...v2, taskStages: v2.taskStages.filter((s) => s !== 'technical_review') };
    expect(await svc.moveCase(admin, review.id, v1, noReviewTasks)).toMatchObject({ code: 'task_stage_missing', reason: expect.stringMatching(/^Tugas terbuka pada tahap Kajian Tim Teknis/) });
    const noRevision = { ...v2, stages: v2.stages.filter((s) => s !== 'revision') };
    expect(await svc.moveCase(admin, revision.id, v1, noRevision)).toMatchObject({ code: 'stage_missing' });
    await expect(svc.moveCase(admin, proposal.id, v1, v2, proposal.version + 5)).rejects.toMatchObject({ code: 'StaleVersion', status: 409 });
    expect(await counts()).toEqual(before);
  });

  it('moves the running cases: one MIGRATED event each, their tasks and timers kept; signed and final ones untouched', async () => {
    const timersBefore = await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { caseId: review.id }, order: { id: 'ASC' } }));
    expect(timersBefore.filter((x) => x.status === 'pending').map((x) => `${x.kind}:${x.taskId === reviewTask.id}`)).toEqual(['remind:true']);
    const signedBefore = await caseRow(signed.id);
    const before = await counts();
    const res = await migrate({ from: 1, to: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: 1, to: 2, dryRun: false, counts: { moved: 3, skipped: 2 } });
    const after = await counts();
    expect(after).toEqual({ ...before, events: before.events + 3, onV1: before.onV1 - 3 });
    for (const c of [proposal, review, revision]) {
      const row = await caseRow(c.id);
      const log = await events(c.id);
      expect(row).toMatchObject({ workflowVersion: 2, stage: c.stage, version: c.version + 1 });
      expect(log.filter((e) => e.type === 'MIGRATED')).toHaveLength(1);
      expect(log.at(-1)).toMatchObject({ type: 'MIGRATED', actorId: USERS.admin.id, data: { from: 1, to: 2 }, stageBefore: c.stage, stageAfter: c.stage, workflowVersion: 2, prevHash: c.headHash });
      expect(row.snapshot).toEqual(c.snapshot);
    }
    const dto = (await t.get(`/api/cases/${review.id}`, USERS.auditor)).body;
    expect(dto).toMatchObject({ workflow: { name: 'cooperation', version: 2 }, openTasks: [{ id: reviewTask.id, stage: 'technical_review' }] });
    expect(await t.db.read((em) => em.find<TimerRow>(TIMER, { where: { caseId: review.id }, order: { id: 'ASC' } }))).toEqual(timersBefore);
    expect(await caseRow(signed.id)).toEqual(signedBefore);
    // The revision task (the proposer's, a projection of the stage) is still open, with its id.
    expect((await t.get(`/api/cases/${revision.id}`, USERS.proposer)).body.openTasks).toEqual([expect.objectContaining({ stage: 'revision', assigneeId: USERS.proposer.id })]);
    expect((await t.get('/api/audit/verify', USERS.auditor)).body).toMatchObject({ ok: true, problems: [] });
  });

  it('is idempotent: again it moves nothing; a named case already moved says so', async () => {
    const before = await counts();
    const again = await migrate({ from: 1, to: 2 });
    expect(again.body).toMatchObject({ counts: { moved: 0, skipped: 2 }, moved: [] });
    const named = await migrate({ from: 1, to: 2, caseIds: [review.id, signed.id, 'no-such-case'] });
    expect(named.body.moved).toEqual([]);
    expect(named.body.skipped).toEqual([
      { caseId: review.id, number: review.number, stage: 'technical_review', code: 'already_on_target', reason: 'Kasus sudah berjalan pada versi 2.' },
      expect.objectContaining({ caseId: signed.id, code: 'signed' }),
      { caseId: 'no-such-case', number: null, stage: null, code: 'not_found', reason: 'Tidak ada kasus dengan id ini.' },
    ]);
    expect(await counts()).toEqual(before);
    for (const c of [proposal, review, revision]) expect((await events(c.id)).filter((e) => e.type === 'MIGRATED')).toHaveLength(1);
  });

  it('the next reminder still fires once after the move (the timer carried over, none added)', async () => {
    await t.advance(HOUR + 60_000);
    const fired = await until(
      () => t.db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: review.id, taskId: reviewTask.id })),
      (rows) => rows.every((r) => r.status === 'fired'),
    );
    expect(fired.map((r) => `${r.kind}:${r.status}`)).toEqual(['remind:fired']);
    // Once: one mail to each holder of the unclaimed task's role, all from the one carried-over timer.
    const reminders = () => t.db.read((em) => em.findBy<DeliveryRow>(DELIVERY, { caseId: review.id, kind: 'reminder' }));
    const sent = await until(reminders, (rows) => rows.length >= 2);
    expect(sent.map((d) => `${d.timerId === fired[0]!.id}:${d.recipientId}`).sort()).toEqual([`true:${USERS.reviewerA.id}`, `true:${USERS.reviewerB.id}`]);
    await t.advance(HOUR);
    await t.runDue();
    expect(await reminders()).toHaveLength(2);
  });

  it('replays on the old version up to MIGRATED and the new one after; the case goes on under version 2', async () => {
    const log = await events(review.id);
    const migrated = log.find((e) => e.type === 'MIGRATED')!;
    const before = await t.get(`/api/cases/${review.id}/replay?seq=${migrated.seq - 1}`, USERS.auditor);
    expect(before.body).toMatchObject({ workflow: { name: 'cooperation', version: 1 }, stage: 'technical_review', matchesStored: true });
    const at = await t.get(`/api/cases/${review.id}/replay?seq=${migrated.seq}`, USERS.auditor);
    expect(at.body).toMatchObject({ workflow: { name: 'cooperation', version: 2 }, stage: 'technical_review', matchesStored: true, openTasks: [{ key: reviewTask.key }] });
    // Version 2's rules from now on: the proposal moved from version 1 needs its documents to be submitted.
    expect((await t.post(`/api/cases/${proposal.id}/events`, USERS.proposer, { type: 'SUBMIT' })).status).toBe(409);
    for (const kind of v2.documents!.requiredForSubmit('kb', 'region')) expect((await t.upload(proposal.id, USERS.proposer, kind)).status).toBe(201);
    await submit(proposal.id);
    await decide(review.id);
    await decide(review.id);
    expect(await t.stageOf(review.id)).toBe('legal_review');
    const verify = await t.get('/api/audit/verify', USERS.auditor);
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
    expect(await replayCommand(t.app, review.id, {}, io)).toBe(0);
    expect(lines.join('\n')).toMatch(/MIGRATED {2}technical_review → technical_review/);
    expect(lines.at(-2)).toMatch(/^state at seq \d+ .*: legal_review on cooperation@2; stored snapshot matches$/);
    expect(await verifyCommand(t.app, {}, io)).toBe(0);
  });

  it('onegate migrate: a dry run with progress, then the move; a bad version is a usage error', async () => {
    const fresh = [await v1At('proposal', 'KB baru 1'), await v1At('administrative_check', 'KB baru 2')];
    const before = await counts();
    expect(await migrateCommand(t.app, { from: 1, to: 2, dryRun: true }, io)).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^dilewati ${signed.number}: Perjanjian sudah ditandatangani .* \\(signed\\)$`)),
        expect.stringMatching(new RegExp(`^dilewati ${rejected.number}: Kasus sudah selesai .* \\(final\\)$`)),
      ]),
    );
    expect(lines[2]).toBe('uji coba (tidak ada yang disimpan): Prosedur kerja sama, versi 1 → versi 2: 2 kasus akan dipindahkan, 2 dilewati');
    expect(progress.at(-1)).toEqual(['memeriksa kasus', 4, 4]);
    expect(await counts()).toEqual(before);
    lines.length = 0;
    expect(await migrateCommand(t.app, { from: 1, to: 2, caseIds: [fresh[0]!.id] }, io)).toBe(0);
    expect(lines).toEqual(['Prosedur kerja sama, versi 1 → versi 2: 1 kasus dipindahkan, 0 dilewati']);
    expect(progress.at(-1)).toEqual(['memindahkan kasus', 1, 1]);
    expect((await caseRow(fresh[0]!.id)).workflowVersion).toBe(2);
    expect((await caseRow(fresh[1]!.id)).workflowVersion).toBe(1);
    await expect(migrateCommand(t.app, { from: 1, to: 7 }, io)).rejects.toMatchObject({ code: 'ValidationFailed', details: { field: 'to' } });
  });

  it('moves cases on to version 3, the newest: twice-moved cases replay on 1, 2 and 3; the reminder fires once; they go on under its rules', async () => {
    const v3 = findWorkflow('cooperation', 3)!;
    // A case started on version 2, at technical review: its task and reminder timer open now.
    const c = await v1Case('KB versi 2', { version: 2 });
    for (const kind of v2.documents!.requiredForSubmit('kb', 'region')) expect((await t.upload(c.id, USERS.proposer, kind)).status).toBe(201);
    await submit(c.id);
    await decide(c.id);
    const onV2 = await caseRow(c.id);
    expect(onV2).toMatchObject({ workflowVersion: 2, stage: 'technical_review' });
    const [task] = await t.db.read((em) => em.findBy<TaskRow>(TASK, { caseId: c.id, status: 'open' }));
    const dry = await migrate({ from: 2, to: 3, caseIds: [c.id, review.id, signed.id], dryRun: true });
    expect(dry.body).toMatchObject({
      from: 2,
      to: 3,
      dryRun: true,
      moved: [
        { caseId: c.id, stage: 'technical_review' },
        { caseId: review.id, stage: 'legal_review' },
      ],
      skipped: [{ caseId: signed.id, code: 'other_version', reason: 'Kasus berjalan pada versi 1, bukan versi 2.' }],
    });
    expect((await caseRow(c.id)).version).toBe(onV2.version);
    const res = await migrate({ from: 2, to: 3, caseIds: [c.id, review.id] });
    expect(res.body).toMatchObject({ counts: { moved: 2, skipped: 0 } });
    expect(await caseRow(c.id)).toMatchObject({ workflowVersion: 3, stage: 'technical_review', version: onV2.version + 1, snapshot: onV2.snapshot });
    expect((await t.get(`/api/cases/${c.id}`, USERS.auditor)).body).toMatchObject({ workflow: { version: 3 }, openTasks: [{ id: task!.id }] });

    // The reminder planned on version 2 fires once, after the move.
    await t.advance(HOUR + 60_000);
    const fired = await until(
      () => t.db.read((em) => em.findBy<TimerRow>(TIMER, { taskId: task!.id })),
      (rows) => rows.every((r) => r.status === 'fired'),
    );
    expect(fired.map((r) => `${r.kind}:${r.status}`)).toEqual(['remind:fired']);
    const reminders = () => t.db.read((em) => em.countBy(DELIVERY, { caseId: c.id, kind: 'reminder' }));
    expect(await until(reminders, (n) => n >= 2)).toBe(2);
    await t.advance(HOUR);
    expect(await reminders()).toBe(2);

    // Version 3's procedure from here on: an OPD's case (no initiative recorded) goes from TKKSD to legal review.
    await decide(c.id);
    await decide(c.id);
    expect(await t.stageOf(c.id)).toBe('legal_review');
    const log = await events(review.id);
    const moves = log.filter((e) => e.type === 'MIGRATED');
    expect(moves.map((e) => [e.data, e.workflowVersion])).toEqual([
      [{ from: 1, to: 2 }, 2],
      [{ from: 2, to: 3 }, 3],
    ]);
    for (const [seq, version, stage] of [
      [moves[0]!.seq - 1, 1, 'technical_review'],
      [moves[0]!.seq, 2, 'technical_review'],
      [moves[1]!.seq - 1, 2, 'legal_review'],
      [moves[1]!.seq, 3, 'legal_review'],
    ] as const) {
      expect((await t.get(`/api/cases/${review.id}/replay?seq=${seq}`, USERS.auditor)).body).toMatchObject({ workflow: { version }, stage, matchesStored: true });
    }
    expect(v3.stages).toContain('partner_response');
    expect((await t.get('/api/audit/verify', USERS.auditor)).body).toMatchObject({ ok: true, problems: [] });
    // Straight from 1 to 3 is a move too.
    expect((await migrate({ from: 1, to: 3, caseIds: [signed.id], dryRun: true })).body).toMatchObject({ skipped: [{ caseId: signed.id, code: 'signed' }] });
  });

  it('two processes moving the same cases at once: each case moves once (the case-version guard), the loser says it is already there', async () => {
    const cases = [];
    for (let i = 0; i < 12; i++) cases.push(await v1Case(`KB serentak ${i}`));
    const ids = cases.map((c) => c.id);
    const sibling = await t.sibling();
    const admin = { id: USERS.admin.id, roles: [...USERS.admin.roles] };
    try {
      const runs = await Promise.allSettled([t.app.get(MigrationService), sibling.get(MigrationService)].map((svc) => svc.migrate(admin, 'cooperation', { from: 1, to: 2, caseIds: ids })));
      const done = runs.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      // Two processes on one SQLite file may find it locked (a 503 to a client, who runs it again); PostgreSQL takes both.
      for (const r of runs) if (r.status === 'rejected') expect([t.config.database.kind, isDependencyUnavailable(r.reason)]).toEqual(['sqlite', true]);
      if (t.config.database.kind === 'postgres') expect(done).toHaveLength(2);
      const moved = done.flatMap((d) => d.moved.map((m) => m.caseId));
      expect(new Set(moved).size).toBe(moved.length);
      for (const d of done) for (const x of d.skipped) expect(x).toMatchObject({ code: 'already_on_target', reason: 'Kasus sudah berjalan pada versi 2.' });
      if (done.length === 2) expect(moved.sort()).toEqual([...ids].sort());
    } finally {
      await sibling.close();
    }
    const rest = await migrate({ from: 1, to: 2, caseIds: ids });
    expect(rest.body.counts.moved + rest.body.counts.skipped).toBe(12);
    const perCase = await t.db.read((em) => em.find<CaseEventRow>(CASE_EVENT, { where: { type: 'MIGRATED', caseId: In(ids) } }));
    expect(perCase.map((e) => e.caseId).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await caseRow(id)).toMatchObject({ workflowVersion: 2, version: 2 });
    expect((await t.get('/api/audit/verify', USERS.auditor)).body).toMatchObject({ ok: true });
  });

  it('as a user runs it: npm run onegate -- migrate --from 1 --to 2 [--case …] [--dry-run]; exit 2 on a bad option', async () => {
    const db = t.config.database;
    const env: NodeJS.ProcessEnv = { ...process.env, AUTH_JWT_SECRET: TEST_SECRET, ONEGATE_DEMO_USERS: 'false', ONEGATE_LOG_LEVEL: 'silent', ONEGATE_DATA_DIR: dataDir, DATABASE_URL: db.kind === 'postgres' ? db.url : '' };
    delete env.REDIS_URL;
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [join(root, 'scripts', 'onegate.mjs'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    // Builds dist/ when the sources are newer, as a first call does.
    expect(spawnSync(process.execPath, [join(root, 'scripts', 'onegate.mjs'), '--help'], { cwd: root, env, encoding: 'utf8', timeout: 240_000 }).status).toBe(0);
    const left = await t.db.read((em) => em.findBy<CaseRow>(CASE, { workflowVersion: 1, stage: 'administrative_check' }));
    expect(left).toHaveLength(1);
    const before = await counts();
    const dry = await run(['migrate', '--from', '1', '--to', '2', '--case', left[0]!.number, '--dry-run']);
    expect(dry).toMatchObject({ code: 0, stdout: 'uji coba (tidak ada yang disimpan): Prosedur kerja sama, versi 1 → versi 2: 1 kasus akan dipindahkan, 0 dilewati\n' });
    // Piped output: no progress bar, no control characters.
    expect(dry.stderr).not.toMatch(/\u001b/);
    expect(await counts()).toEqual(before);
    const real = await run(['migrate', '--from', '1', '--to', '2']);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/Prosedur kerja sama, versi 1 → versi 2: 1 kasus dipindahkan, 2 dilewati\n$/);
    expect((await caseRow(left[0]!.id)).workflowVersion).toBe(2);
    expect((await events(left[0]!.id)).at(-1)).toMatchObject({ type: 'MIGRATED', actorId: 'cli-migrate' });
    expect(await run(['migrate', '--to', '2'])).toMatchObject({ code: 2, stderr: "onegate: required option '--from <version>' not specified\n" });
    expect(await run(['migrate', '--from', 'one', '--to', '2'])).toMatchObject({ code: 2, stderr: 'onegate: --from must be a version number (1, 2, …), got "one"\n' });
    expect(await run(['migrate', '--from', '2', '--to', '2'])).toMatchObject({ code: 2, stderr: 'onegate: to: must be a newer version than from (2), got 2\n' });
    // Cases moved before are not moved again (review went on to version 3 since: two moves).
    expect(await t.db.read((em) => em.countBy(CASE_EVENT, { type: 'MIGRATED', caseId: In([proposal.id, review.id, revision.id]) }))).toBe(4);
  }, 300_000);
});
