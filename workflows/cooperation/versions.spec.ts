/**
 * What holds between cooperation's versions, asked through the registry as the rest of onegate asks:
 * version 2 is version 1 plus documents. (Each version's own behaviour is tested in its sealed folder.)
 */
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { INSTRUMENT_RULES, PARTNER_CATEGORIES } from '../domain.js';
import { findWorkflow } from '../registry.js';

type Event = { type: string; taskKey?: string; decision?: string; kind?: string; version?: number; sha256?: string };

const v1 = findWorkflow('cooperation', 1)!;
const v2 = findWorkflow('cooperation', 2)!;
const documents = v2.documents!;

describe('cooperation@2 against cooperation@1', () => {
  it('keeps the same stages, task stages, decisions and case events', () => {
    for (const key of ['stages', 'taskStages', 'finalStages', 'decisions', 'caseEventTypes', 'inForceStage'] as const) expect(v2[key]).toEqual(v1[key]);
    expect(v2.taskStageRules).toEqual(v1.taskStageRules);
    expect(v1.documents).toBeNull();
  });

  // Every path of v1, with the documents each gate needs uploaded just before it, reaches the same stages in v2.
  it.each(PARTNER_CATEGORIES.flatMap((c) => [false, true].map((dprd) => [c, dprd] as const)))('follows every simple path of version 1 (%s, DPRD %s)', (category, dprd) => {
    const instrument = INSTRUMENT_RULES[category][0]!;
    const input = { caseId: 'c', proposerId: 'p', instrument, partnerCategory: category, requiresDprdApproval: dprd, allowedInstruments: INSTRUMENT_RULES[category] };
    const paths = getSimplePaths(v1.machine, {
      input,
      events: (snap: AnyMachineSnapshot): Event[] => [
        ...['SUBMIT', 'RESUBMIT', 'WITHDRAW', 'TERMINATE'].map((type) => ({ type })),
        ...(snap.context as { tasks: { key: string }[] }).tasks.flatMap((t) => v1.decisions.map((decision) => ({ type: 'DECIDE', taskKey: t.key, decision }))),
      ],
      serializeState: (snap: AnyMachineSnapshot) => {
        const c = snap.context as { returnTo: unknown; tasks: unknown[]; revisions: number };
        return JSON.stringify([snap.value, c.returnTo, c.tasks.length, Math.min(c.revisions, 1)]);
      },
    } as never);
    expect(paths.length).toBeGreaterThan(20);
    const send = (snap: AnyMachineSnapshot, e: Event) => transition(v2.machine, snap, e as never)[0];
    const add = (kind: string): Event => ({ type: 'DOCUMENT_ADDED', kind, version: 1, sha256: kind.padEnd(64, '0') });
    for (const path of paths) {
      let snap = initialTransition(v2.machine, input)[0];
      for (const step of path.steps) {
        const e = step.event as Event;
        if (e.type === 'SUBMIT') for (const kind of documents.requiredForSubmit(instrument, category)) snap = send(snap, add(kind));
        if (e.type === 'DECIDE' && e.decision === 'sign') snap = send(snap, add(documents.signRequires.kind));
        snap = send(snap, e);
        expect(snap.value).toBe(step.state.value);
      }
    }
  });
});
