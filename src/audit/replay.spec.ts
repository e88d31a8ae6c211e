import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { INSTRUMENT_RULES, PARTNER_CATEGORIES, type Instrument, type PartnerCategory } from '../../workflows/domain.js';
import { findWorkflow } from '../../workflows/registry.js';
import { canonicalJson } from '../common/canonical-json.js';
import type { CaseEventRow } from '../database/rows.js';
import { persist } from '../engine/engine.js';
import { replayEvents } from './audit.service.js';

// Through the registry, as the auditor's replay finds them.
const v1 = findWorkflow('cooperation', 1)!;
const v2 = findWorkflow('cooperation', 2)!;
const cooperationMachineV1 = v1.machine;
const cooperationMachineV2 = v2.machine;
const DECISIONS = v1.decisions;
const DOCUMENT_KINDS = v2.documents!.kinds;

interface CooperationInput {
  caseId: string;
  proposerId: string;
  instrument: Instrument;
  partnerCategory: PartnerCategory;
  requiresDprdApproval: boolean;
  allowedInstruments: readonly Instrument[];
}
type CooperationEvent = { type: string; taskKey?: string; decision?: string; reviewers?: string[]; userId?: string; kind?: string; version?: number; sha256?: string };

/**
 * Replay folds histories with a live actor for speed; the engine records them with the pure
 * `transition()`. Both must agree at every step, or verify would report divergences that are not there
 * (or miss ones that are).
 */
function input(category: PartnerCategory, dprd: boolean): CooperationInput {
  return { caseId: 'c-1', proposerId: 'opd-1', instrument: INSTRUMENT_RULES[category][0]!, partnerCategory: category, requiresDprdApproval: dprd, allowedInstruments: INSTRUMENT_RULES[category] };
}

function history(version: number, start: CooperationInput, events: CooperationEvent[]): CaseEventRow[] {
  const row = (seq: number, type: string, data: Record<string, unknown>): CaseEventRow => ({
    caseId: 'c-1',
    seq,
    type,
    actorId: 'x',
    actorRoles: [],
    at: new Date(0),
    data,
    stageBefore: null,
    stageAfter: '',
    workflowName: 'cooperation',
    workflowVersion: version,
    prevHash: '',
    hash: '',
    hashFormat: 2,
  });
  return [row(1, 'CASE_CREATED', { input: start }), ...events.map((e, i) => row(i + 2, e.type, { event: e }))];
}

/** The engine's way: transition() event by event, each stage and the final snapshot. */
function byTransition(machine: AnyStateMachine, start: CooperationInput, events: CooperationEvent[]) {
  let [snapshot] = initialTransition(machine, start) as [AnyMachineSnapshot, unknown];
  const stages = [String(snapshot.value)];
  for (const e of events) {
    [snapshot] = transition(machine, snapshot, e as never) as [AnyMachineSnapshot, unknown];
    stages.push(String(snapshot.value));
  }
  return { stages, snapshot: canonicalJson(persist(snapshot)) };
}

function expectSameFold(machine: AnyStateMachine, version: number, start: CooperationInput, events: CooperationEvent[]): void {
  const replayed = replayEvents(history(version, start, events));
  expect({ stages: replayed.stages, snapshot: canonicalJson(persist(replayed.snapshot)) }).toEqual(byTransition(machine, start, events));
}

describe('replay through a live actor agrees with transition()', () => {
  it.each(PARTNER_CATEGORIES.flatMap((c) => [false, true].map((dprd) => [c, dprd] as const)))('on every simple path of version 1 (%s, DPRD %s)', (category, dprd) => {
    const start = input(category, dprd);
    const paths = getSimplePaths(cooperationMachineV1, {
      input: start,
      events: (snap: AnyMachineSnapshot): CooperationEvent[] => [
        { type: 'SUBMIT' },
        { type: 'RESUBMIT' },
        { type: 'WITHDRAW' },
        { type: 'TERMINATE' },
        { type: 'EXPIRE' },
        ...snap.context.tasks.flatMap((t: { key: string; stage: string }) =>
          DECISIONS.map((decision) =>
            t.stage === 'administrative_check' && decision === 'approve' ? { type: 'DECIDE' as const, taskKey: t.key, decision, reviewers: ['tt-a', 'tt-b'] } : { type: 'DECIDE' as const, taskKey: t.key, decision },
          ),
        ),
      ],
      serializeState: (snap) => JSON.stringify([snap.value, snap.context.returnTo, snap.context.approvals.length, snap.context.tasks.length, Math.min(snap.context.revisions, 1)]),
    });
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) expectSameFold(cooperationMachineV1, 1, start, path.steps.map((s) => s.event as CooperationEvent));
  });

  it('on random walks of version 2, refused events, claims and uploads included', async () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const reached = new Set<string>();
    for (let walk = 0; walk < 300; walk++) {
      const start = input(pick(PARTNER_CATEGORIES), rnd() < 0.3);
      let [snap] = initialTransition(cooperationMachineV2, start) as [AnyMachineSnapshot, unknown];
      const events: CooperationEvent[] = [];
      for (let step = 0; step < 40; step++) {
        const tasks = snap.context.tasks as { key: string }[];
        const task = tasks.length ? pick(tasks).key : 't1';
        const e: CooperationEvent = pick<CooperationEvent>([
          { type: 'DOCUMENT_ADDED', kind: pick(DOCUMENT_KINDS), version: 1 + step, sha256: 'a'.repeat(64) },
          { type: 'SUBMIT' },
          { type: 'RESUBMIT' },
          { type: 'DECIDE', taskKey: task, decision: pick(DECISIONS), ...(rnd() < 0.3 ? { reviewers: ['tt-a'] } : {}) },
          { type: 'DECIDE', taskKey: task, decision: 'approve' },
          { type: 'CLAIM', taskKey: task, userId: 'u-1' },
          { type: 'UNCLAIM', taskKey: task },
          { type: 'DELEGATE', taskKey: task, userId: 'u-2' },
          { type: rnd() < 0.05 ? 'WITHDRAW' : 'EXPIRE' },
        ]);
        events.push(e);
        [snap] = transition(cooperationMachineV2, snap, e as never) as [AnyMachineSnapshot, unknown];
        reached.add(String(snap.value));
      }
      expectSameFold(cooperationMachineV2, 2, start, events);
    }
    // The walks must get past the proposal, or they would compare little.
    expect(reached.size).toBeGreaterThanOrEqual(5);
  });

  it('throws when the machine fails, as transition() would', () => {
    const broken = history(1, { ...input('region', false), allowedInstruments: 5 as never }, [{ type: 'SUBMIT' }]);
    expect(() => replayEvents(broken)).toThrow();
  });
});
