import { CASE, CASE_EVENT } from '../src/database/entities.js';
import type { CaseEventRow } from '../src/database/rows.js';
import { rewriteAsFormat1 } from './support/legacy-chain.js';
import { TestApp, USERS } from './support/test-app.js';

/** The log is tamper-evident: any edit, deletion or rewrite of the stored state is found by verify. */
describe('audit: history access and verify finds tampering', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  async function caseAtLegal() {
    const c = await t.createCase();
    await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
    await t.decide(c.id, USERS.secretariat, 'approve');
    await t.decide(c.id, USERS.reviewerA, 'approve');
    await t.decide(c.id, USERS.chair, 'approve');
    return c;
  }

  const verifyCase = async (id: string) => (await t.get(`/api/audit/verify?caseId=${id}`, USERS.auditor)).body;

  it('opens the history to participants and auditors, not to bystanders', async () => {
    const c = await caseAtLegal();
    for (const u of [USERS.proposer, USERS.secretariat, USERS.reviewerA, USERS.chair, USERS.legal, USERS.auditor, USERS.admin]) {
      expect([u.id, (await t.get(`/api/cases/${c.id}/history`, u)).status]).toEqual([u.id, 200]);
    }
    // Another proposer may not see the case at all (contract §6): 404, as for an unknown case.
    expect((await t.get(`/api/cases/${c.id}/history`, USERS.proposer2)).status).toBe(404);
    expect((await t.get(`/api/cases/${c.id}/history`, USERS.dprd)).status).toBe(403);
  });

  it('finds an edited event as hash_mismatch', async () => {
    const c = await caseAtLegal();
    expect(await verifyCase(c.id)).toMatchObject({ ok: true, eventsChecked: 7 });
    await t.db.transaction(async (em) => {
      const e = await em.findOneByOrFail<CaseEventRow>(CASE_EVENT, { caseId: c.id, seq: 5 });
      await em.update(CASE_EVENT, { id: e.id }, { actorId: 'someone-else' });
    });
    const v = await verifyCase(c.id);
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual(expect.objectContaining({ caseId: c.id, seq: 5, kind: 'hash_mismatch' }));
  });

  it('finds an event edited with its hash recomputed, through the chain', async () => {
    const c = await caseAtLegal();
    const { hashEvent } = await import('../src/engine/event-hash.js');
    await t.db.transaction(async (em) => {
      const e = await em.findOneByOrFail<CaseEventRow>(CASE_EVENT, { caseId: c.id, seq: 4 });
      const forged = { ...e, at: new Date(e.at.getTime() - 86_400_000) };
      await em.update(CASE_EVENT, { id: e.id }, { at: forged.at, hash: hashEvent(forged) });
    });
    const v = await verifyCase(c.id);
    expect(v.problems).toContainEqual(expect.objectContaining({ seq: 5, kind: 'hash_mismatch' }));
  });

  it('finds a deleted event as a gap', async () => {
    const c = await caseAtLegal();
    await t.db.transaction((em) => em.delete(CASE_EVENT, { caseId: c.id, seq: 6 }));
    const v = await verifyCase(c.id);
    expect(v.problems).toContainEqual(expect.objectContaining({ caseId: c.id, kind: 'gap' }));
  });

  it('finds a stored stage that the events do not produce as replay_divergence, and replay says so', async () => {
    const c = await caseAtLegal();
    await t.db.transaction((em) => em.update(CASE, { id: c.id }, { stage: 'mayor_signature', snapshot: { value: 'mayor_signature', context: {} } as never }));
    const v = await verifyCase(c.id);
    expect(v.problems).toContainEqual(expect.objectContaining({ caseId: c.id, kind: 'replay_divergence' }));
    const r = await t.get(`/api/cases/${c.id}/replay?seq=7`, USERS.auditor);
    expect(r.body).toMatchObject({ stage: 'legal_review', matchesStored: false });
  });

  it('reports over every case at once', async () => {
    const v = (await t.get('/api/audit/verify', USERS.auditor)).body;
    expect(v.ok).toBe(false);
    expect(v.casesChecked).toBeGreaterThanOrEqual(5);
    expect(new Set(v.problems.map((p: any) => p.kind))).toEqual(new Set(['hash_mismatch', 'gap', 'replay_divergence']));
  });

  it('checks every case across verify’s batches, oldest first, and says 404 for an unknown case', async () => {
    const { Engine } = await import('../src/engine/engine.js');
    const { INSTRUMENT_RULES } = await import('../workflows/domain.js');
    const engine = t.app.get(Engine);
    const actor = { id: USERS.proposer.id, roles: ['proposer' as const] };
    // More cases than one batch of 200, so the second batch's read and the first's checks overlap.
    const ids: string[] = [];
    for (let i = 0; i < 230; i++) {
      const { case: c } = await engine.start({
        actor,
        fields: { title: `Banyak ${i}`, instrument: 'kb', partnerName: 'Kota Palembang', partnerCategory: 'region', partnerCountry: null, summary: null, requiresDprdApproval: false, parentCaseId: null, kind: 'cooperation', validFrom: null, validUntil: null, proposerId: actor.id },
        input: { proposerId: actor.id, instrument: 'kb', partnerCategory: 'region', requiresDprdApproval: false, allowedInstruments: INSTRUMENT_RULES.region },
        workflow: { name: 'cooperation', version: 1 },
      });
      await engine.step({ caseId: c.id, actor, plan: () => ({ type: 'SUBMIT', machineEvent: { type: 'SUBMIT' }, data: { comment: null } }) });
      ids.push(c.id);
    }
    const early = ids[3]!;
    const late = ids[225]!;
    await t.db.transaction(async (em) => {
      const e = await em.findOneByOrFail<CaseEventRow>(CASE_EVENT, { caseId: late, seq: 2 });
      await em.update(CASE_EVENT, { id: e.id }, { actorId: 'someone-else' });
      await em.delete(CASE_EVENT, { caseId: early, seq: 2 });
    });
    const progress: [number, number][] = [];
    const { AuditService } = await import('../src/audit/audit.service.js');
    const v = await t.app.get(AuditService).verify(undefined, (done, total) => progress.push([done, total]));
    const total = await t.db.read((em) => em.count(CASE));
    expect(v.casesChecked).toBe(total);
    expect(progress.at(-1)).toEqual([total, total]);
    const mine = v.problems.filter((p) => ids.includes(p.caseId));
    // Oldest first: the truncated case's problems, then the edited one's, and no other of these cases.
    expect([...new Set(mine.map((p) => p.caseId))]).toEqual([early, late]);
    expect(mine).toContainEqual(expect.objectContaining({ caseId: early, seq: 2, kind: 'gap' }));
    expect(mine.filter((p) => p.caseId === late)).toEqual([expect.objectContaining({ seq: 2, kind: 'hash_mismatch' })]);
    expect((await t.get('/api/audit/verify?caseId=00000000-0000-4000-8000-000000000000', USERS.auditor)).status).toBe(404);
  }, 120_000);

  it('finds an edited payload, two reordered events and a truncated tail, each with its kind and seq', async () => {
    const edited = await caseAtLegal();
    await t.db.transaction(async (em) => {
      const e = await em.findOneByOrFail<CaseEventRow>(CASE_EVENT, { caseId: edited.id, seq: 5 });
      await em.update(CASE_EVENT, { id: e.id }, { data: { ...e.data, decision: 'reject' } as never });
    });
    expect((await verifyCase(edited.id)).problems).toContainEqual(expect.objectContaining({ seq: 5, kind: 'hash_mismatch' }));

    const reordered = await caseAtLegal();
    await t.db.transaction(async (em) => {
      const a = await em.findOneByOrFail<CaseEventRow>(CASE_EVENT, { caseId: reordered.id, seq: 5 });
      const b = await em.findOneByOrFail<CaseEventRow>(CASE_EVENT, { caseId: reordered.id, seq: 6 });
      await em.update(CASE_EVENT, { id: a.id }, { seq: -1 });
      await em.update(CASE_EVENT, { id: b.id }, { seq: 5 });
      await em.update(CASE_EVENT, { id: a.id }, { seq: 6 });
    });
    const r = await verifyCase(reordered.id);
    expect(r.problems).toContainEqual(expect.objectContaining({ seq: 5, kind: 'hash_mismatch' }));

    const truncated = await caseAtLegal();
    await t.db.transaction((em) => em.delete(CASE_EVENT, { caseId: truncated.id, seq: 7 }));
    const tr = await verifyCase(truncated.id);
    expect(tr.problems).toContainEqual(expect.objectContaining({ caseId: truncated.id, seq: 7, kind: 'gap' }));
  });

  it('replays cases recorded on version 1 after version 2 is deployed, on version 1', async () => {
    const { Engine } = await import('../src/engine/engine.js');
    const { INSTRUMENT_RULES } = await import('../workflows/domain.js');
    const engine = t.app.get(Engine);
    const { case: v1 } = await engine.start({
      actor: { id: USERS.proposer.id, roles: ['proposer'] },
      fields: { title: 'KB lama (v1)', instrument: 'kb', partnerName: 'Kota Palembang', partnerCategory: 'region', partnerCountry: null, summary: null, requiresDprdApproval: false, parentCaseId: null, kind: 'cooperation', validFrom: null, validUntil: null, proposerId: USERS.proposer.id },
      input: { proposerId: USERS.proposer.id, instrument: 'kb', partnerCategory: 'region', requiresDprdApproval: false, allowedInstruments: INSTRUMENT_RULES.region },
      workflow: { name: 'cooperation', version: 1 },
    });
    // Version 1 has no document rules: SUBMIT goes through without uploads, as it did when recorded.
    expect((await t.post(`/api/cases/${v1.id}/events`, USERS.proposer, { type: 'SUBMIT' })).body).toMatchObject({ stage: 'administrative_check', workflow: { version: 1 } });
    await t.decide(v1.id, USERS.secretariat, 'approve');
    const replay = await t.get(`/api/cases/${v1.id}/replay?seq=3`, USERS.auditor);
    expect(replay.body).toMatchObject({
      stage: 'technical_review',
      matchesStored: true,
      workflow: { name: 'cooperation', version: 1 },
      openTasks: [{ stage: 'technical_review', role: 'technical_reviewer', assignee: null }],
      couldAct: { tasks: [{ role: 'technical_reviewer' }], events: [{ type: 'WITHDRAW', roles: ['proposer'], proposerOnly: true }] },
    });
    const before = await t.get(`/api/cases/${v1.id}/replay?at=2000-01-01T00:00:00Z`, USERS.auditor);
    expect(before.status).toBe(404);
    expect((await t.get(`/api/cases/${v1.id}/replay?at=not-a-date`, USERS.auditor)).status).toBe(400);
    expect(replay.body.context.documents).toBeUndefined();
    expect(await verifyCase(v1.id)).toMatchObject({ ok: true });
    expect((await t.upload(v1.id, USERS.proposer, 'other')).status).toBe(409);
    const fresh = await t.createCase();
    expect(fresh.workflow.version).toBe(3);
  });

  describe('hash formats: each event is hashed in the format it records', () => {
    /** A case whose first events are rewritten as onegate wrote them before hash formats (format 1), then continued in format 2. */
    async function mixedChain() {
      const c = await t.createCase();
      await t.post(`/api/cases/${c.id}/events`, USERS.proposer, { type: 'SUBMIT' });
      await t.decide(c.id, USERS.secretariat, 'approve');
      await t.db.transaction((em) => rewriteAsFormat1(em, c.id));
      const legacy = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body.length as number;
      await t.decide(c.id, USERS.reviewerA, 'approve');
      await t.decide(c.id, USERS.chair, 'approve');
      return { c, legacy };
    }
    const tamper = (caseId: string, seq: number, set: Partial<CaseEventRow>) =>
      t.db.transaction(async (em) => {
        const e = await em.findOneByOrFail<CaseEventRow>(CASE_EVENT, { caseId, seq });
        await em.update(CASE_EVENT, { id: e.id }, set as never);
        return e;
      });

    it('verifies a chain of format-1 events continued in format 2, and the history and export say which is which', async () => {
      const { c, legacy } = await mixedChain();
      const history = (await t.get(`/api/cases/${c.id}/history`, USERS.auditor)).body as { seq: number; hashFormat: number; prevHash: string; hash: string }[];
      expect(history.map((e) => e.hashFormat)).toEqual([...Array(legacy).fill(1), 2, 2]);
      // The first format-2 event links to the last format-1 one.
      expect(history[legacy]!.prevHash).toBe(history[legacy - 1]!.hash);
      expect(await verifyCase(c.id)).toMatchObject({ ok: true, eventsChecked: legacy + 2, problems: [] });

      // An auditor holding only the JSON-lines export recomputes every hash, each in its own format.
      const { verifyExportedLines } = await import('../src/audit/export-verify.js');
      const exported = (await t.get('/api/audit/export?format=jsonl', USERS.auditor)).text.split('\n').filter((l) => l.includes(c.id));
      expect(exported.map((l) => (JSON.parse(l) as { hashFormat: number }).hashFormat)).toEqual(history.map((e) => e.hashFormat));
      expect(verifyExportedLines(exported.join('\n'))).toEqual({ eventsChecked: legacy + 2, problems: [] });
      const forged = exported.map((l, i) => (i === 1 ? l.replace(`"id":"${USERS.proposer.id}"`, '"id":"someone-else"') : l));
      expect(forged[1]).not.toBe(exported[1]);
      expect(verifyExportedLines(forged.join('\n')).problems).toEqual([expect.objectContaining({ caseId: c.id, seq: 2, kind: 'hash_mismatch' })]);
    });

    it('finds an edited field in a format-1 event and in a format-2 event, and a relabelled format', async () => {
      const { c, legacy } = await mixedChain();
      const first = await tamper(c.id, 2, { actorId: 'someone-else' });
      expect((await verifyCase(c.id)).problems).toEqual([expect.objectContaining({ caseId: c.id, seq: 2, kind: 'hash_mismatch' })]);
      await tamper(c.id, 2, { actorId: first.actorId });
      expect(await verifyCase(c.id)).toMatchObject({ ok: true });

      const late = await tamper(c.id, legacy + 1, { data: { decision: 'reject' } as never });
      expect((await verifyCase(c.id)).problems).toContainEqual(expect.objectContaining({ caseId: c.id, seq: legacy + 1, kind: 'hash_mismatch' }));
      await tamper(c.id, legacy + 1, { data: late.data as never });
      expect(await verifyCase(c.id)).toMatchObject({ ok: true });

      // Relabelling is an edit too: a format-2 event read as format 1, a format-1 event read as format 2.
      await tamper(c.id, legacy + 2, { hashFormat: 1 });
      await tamper(c.id, 1, { hashFormat: 2 });
      expect((await verifyCase(c.id)).problems.map((p: { seq: number; kind: string }) => [p.seq, p.kind])).toEqual([
        [1, 'hash_mismatch'],
        [legacy + 2, 'hash_mismatch'],
      ]);
    });

    it('reports an event in a format it does not know as a verification problem, not a server error', async () => {
      const { c } = await mixedChain();
      await tamper(c.id, 3, { hashFormat: 7 });
      const res = await t.get(`/api/audit/verify?caseId=${c.id}`, USERS.auditor);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: false, problems: [{ caseId: c.id, seq: 3, kind: 'hash_mismatch', detail: 'hash format 7 is not known (known: 1, 2)' }] });
      const { verifyExportedLines } = await import('../src/audit/export-verify.js');
      const exported = (await t.get('/api/audit/export?format=jsonl', USERS.auditor)).text.split('\n').filter((l) => l.includes(c.id));
      expect(verifyExportedLines(exported.join('\n')).problems).toEqual([{ caseId: c.id, seq: 3, kind: 'hash_mismatch', detail: 'hash format 7 is not known (known: 1, 2)' }]);
    });
  });
});
