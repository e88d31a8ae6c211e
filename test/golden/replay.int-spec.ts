/**
 * Golden replays (contract §13): every recorded case of every sealed version replays, on the version
 * that recorded it, to the state the engine stored. No database: the fixtures are the record.
 */
import { WORKFLOWS, findWorkflow, type WorkflowDefinition } from '../../workflows/registry.js';
import { auditorReplayMismatch, goldenMismatches, loadGoldenFixtures } from './golden.js';

const fixtures = loadGoldenFixtures();

describe('golden replays', () => {
  it('exist for every version in the registry', () => {
    const recorded = fixtures.map((f) => `${f.workflow.name}@${f.workflow.version}`);
    expect(recorded.sort()).toEqual(WORKFLOWS.map((w) => `${w.name}@${w.version}`).sort());
  });

  it('cover every stage of every version, and every decision of every task stage', () => {
    for (const f of fixtures) {
      const definition = findWorkflow(f.workflow.name, f.workflow.version)!;
      const reached = new Set(f.cases.flatMap((c) => c.events.map((e) => e.stageAfter)));
      expect([...Object.keys(definition.machine.root.states)].filter((s) => !reached.has(s))).toEqual([]);
      const taken = new Set(f.cases.flatMap((c) => c.events.flatMap((e) => (e.type === 'TASK_COMPLETED' ? [`${e.stageBefore}:${String(e.data.decision)}`] : []))));
      const possible = Object.entries(definition.taskStageRules).flatMap(([stage, rule]) => rule.decisions.map((d) => `${stage}:${d}`));
      expect(possible.filter((p) => !taken.has(p))).toEqual([]);
    }
  });

  for (const f of fixtures) {
    describe(`${f.workflow.name}@${f.workflow.version} (${f.file})`, () => {
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

  it('fail when a recorded event was altered', () => {
    const c = structuredClone(fixtures[0]!.cases[0]!);
    c.events[1]!.data = { ...c.events[1]!.data, comment: 'changed afterwards' };
    expect(goldenMismatches(c, findWorkflow)).toContain('seq 2: hash does not match its content');
  });
});
