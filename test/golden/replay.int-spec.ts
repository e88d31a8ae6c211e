/**
 * Golden replays (contract §13): every recorded case of every sealed version replays, on the version
 * that recorded it, to the state the engine stored. No database: the fixtures are the record.
 */
import { WORKFLOWS, findWorkflow, type WorkflowDefinition } from '../../workflows/registry.js';
import { auditorReplayMismatch, goldenMismatches, loadGoldenFixtures } from './golden.js';

const fixtures = loadGoldenFixtures();

describe('golden replays', () => {
  it('exist for every version in the registry', () => {
    const recorded = fixtures.filter((f) => f.migratedFrom === undefined).map((f) => `${f.workflow.name}@${f.workflow.version}`);
    expect(recorded.sort()).toEqual(WORKFLOWS.map((w) => `${w.name}@${w.version}`).sort());
  });

  it('cover every stage of every version, and every decision of every task stage', () => {
    for (const f of fixtures.filter((x) => x.migratedFrom === undefined)) {
      const definition = findWorkflow(f.workflow.name, f.workflow.version)!;
      const reached = new Set(f.cases.flatMap((c) => c.events.map((e) => e.stageAfter)));
      // A state a case only passes through (cooperation@3's `begin`) is no stage and is never recorded.
      expect([...Object.keys(definition.machine.root.states)].filter((s) => definition.stages.includes(s) && !reached.has(s))).toEqual([]);
      const taken = new Set(f.cases.flatMap((c) => c.events.flatMap((e) => (e.type === 'TASK_COMPLETED' ? [`${e.stageBefore}:${String(e.data.decision)}`] : []))));
      const possible = Object.entries(definition.taskStageRules).flatMap(([stage, rule]) => rule.decisions.map((d) => `${stage}:${d}`));
      expect(possible.filter((p) => !taken.has(p))).toEqual([]);
    }
  });

  for (const f of fixtures) {
    describe(`${f.workflow.name}@${f.migratedFrom !== undefined ? `${f.migratedFrom}→${f.workflow.version}` : f.workflow.version} (${f.file})`, () => {
      it.each(f.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
        expect(goldenMismatches(c, findWorkflow)).toEqual([]);
        expect(auditorReplayMismatch(c)).toBeNull();
      });
    });
  }

  it('fail when a sealed version behaves differently: a version whose DPRD guard changed', () => {
    const changed = (name: string, version: number): WorkflowDefinition | undefined => {
      const w = findWorkflow(name, version);
      return w && { ...w, machine: w.machine.provide({ guards: { needsDprd: () => false } }) };
    };
    for (const f of fixtures.filter((x) => x.workflow.name === 'cooperation')) {
      const dprd = f.cases.filter((c) => c.events.some((e) => e.stageAfter === 'dprd_approval'));
      expect(dprd.length).toBeGreaterThan(0);
      for (const c of dprd) expect(goldenMismatches(c, changed).join('\n')).toMatch(/leads to (ministry_approval|mayor_signature), recorded dprd_approval/);
    }
  });

  it("fail when cooperation@3's ways in behave differently: an offer that begins at proposal, a city's offer that skips the partner's response", () => {
    const v3 = fixtures.find((f) => f.workflow.name === 'cooperation' && f.workflow.version === 3 && f.migratedFrom === undefined)!;
    const changed = (guards: Record<string, () => boolean>) => (name: string, version: number): WorkflowDefinition | undefined => {
      const w = findWorkflow(name, version);
      return w && { ...w, machine: w.machine.provide({ guards }) };
    };
    const offers = v3.cases.filter((c) => c.events[0]!.stageAfter === 'intake');
    const city = v3.cases.filter((c) => c.events.some((e) => e.stageAfter === 'partner_response'));
    expect(offers.length).toBeGreaterThanOrEqual(3);
    expect(city.length).toBeGreaterThanOrEqual(2);
    for (const c of offers) expect(goldenMismatches(c, changed({ fromPartner: () => false }))).toContain('seq 1: starts in proposal, recorded intake');
    for (const c of city) expect(goldenMismatches(c, changed({ cityInitiative: () => false })).join('\n')).toMatch(/leads to legal_review, recorded partner_response/);
    // The OPD the intake named is the case's proposer in the stored snapshot (the engine keeps the row in step).
    const approved = offers.find((c) => c.stored.stage === 'signed')!;
    expect((approved.stored.snapshot.context as { proposerId: string }).proposerId).toBe('opd-dinkes');
    expect(approved.events[0]!.actorId).toBe('partner:golden-offer');
  });

  it('fail when a sealed evaluation version behaves differently: a conclusion that no longer keeps its rating', () => {
    const changed = (name: string, version: number): WorkflowDefinition | undefined => {
      const w = findWorkflow(name, version);
      return w && { ...w, machine: w.machine.provide({ actions: { recordConclusion: () => undefined } }) };
    };
    const concluded = fixtures.filter((f) => f.workflow.name === 'evaluation').flatMap((f) => f.cases.filter((c) => c.stored.stage === 'concluded'));
    expect(concluded.length).toBeGreaterThan(0);
    for (const c of concluded) {
      expect(goldenMismatches(c, findWorkflow)).toEqual([]);
      expect(goldenMismatches(c, changed).length).toBeGreaterThan(0);
    }
  });

  it('replay a moved case on the old version up to MIGRATED and on the new one after, and fail when it stays on the old one', () => {
    const moved = fixtures.filter((f) => f.migratedFrom !== undefined);
    expect(moved.map((f) => `${f.workflow.name}@${f.migratedFrom}-${f.workflow.version}`)).toEqual(expect.arrayContaining(['cooperation@1-2', 'cooperation@2-3']));
    for (const f of moved) {
      // The new version's definition swapped for the old one: what replay would do if it ignored MIGRATED.
      const stayed = (name: string, version: number) => (version === f.workflow.version ? findWorkflow(name, f.migratedFrom!) : findWorkflow(name, version));
      for (const c of f.cases) {
        expect(c.events.filter((e) => e.type === 'MIGRATED').map((e) => e.data)).toEqual([{ from: f.migratedFrom, to: f.workflow.version }]);
        expect(goldenMismatches(c, stayed).length).toBeGreaterThan(0);
      }
    }
  });

  it('fail when a recorded event was altered', () => {
    const c = structuredClone(fixtures[0]!.cases[0]!);
    c.events[1]!.data = { ...c.events[1]!.data, comment: 'changed afterwards' };
    expect(goldenMismatches(c, findWorkflow)).toContain('seq 2: hash does not match its content');
  });
});
