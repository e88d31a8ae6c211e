import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { INSTRUMENT_RULES, PARTNER_CATEGORIES, type PartnerCategory } from '../../domain.js';
import { cooperationMachine as cooperationMachineV1, type CooperationEvent, type CooperationInput } from './machine.js';
import { DECISIONS, STAGES, TASK_STAGES, TASK_STAGE_RULES, type Stage, type TaskStage } from './rules.js';

type Snap = SnapshotFrom<typeof cooperationMachineV1>;

function inputFor(category: PartnerCategory, requiresDprdApproval: boolean): CooperationInput {
  return {
    caseId: 'case-1',
    proposerId: 'opd-1',
    instrument: INSTRUMENT_RULES[category][0]!,
    partnerCategory: category,
    requiresDprdApproval,
    allowedInstruments: INSTRUMENT_RULES[category],
  };
}

/** Every event a user could send in this snapshot, including decisions the stage does not allow. */
function possibleEvents(reviewers: string[]) {
  return (snap: Snap): CooperationEvent[] => {
    const events: CooperationEvent[] = [{ type: 'SUBMIT' }, { type: 'RESUBMIT' }, { type: 'WITHDRAW' }, { type: 'TERMINATE' }, { type: 'EXPIRE' }];
    for (const task of snap.context.tasks) {
      for (const decision of DECISIONS) {
        events.push(
          task.stage === 'administrative_check' && decision === 'approve'
            ? { type: 'DECIDE', taskKey: task.key, decision, reviewers }
            : { type: 'DECIDE', taskKey: task.key, decision },
        );
      }
    }
    return events;
  };
}

// Stage, where a revision returns, how many technical approvals so far, and whether it was revised before:
// enough to tell states apart without counting task keys forever.
function serialize(snap: Snap): string {
  const c = snap.context;
  return JSON.stringify([snap.value, c.returnTo, c.approvals.length, c.tasks.length, Math.min(c.revisions, 1)]);
}

function stagesOf(steps: { state: Snap }[]): Stage[] {
  return steps.map((s) => s.state.value as Stage);
}

const CONFIGS = PARTNER_CATEGORIES.flatMap((category) =>
  [false, true].flatMap((dprd) => [[], ['rev-a', 'rev-b']].map((reviewers) => ({ category, dprd, reviewers }))),
);

describe('cooperation@1 machine, every simple path (xstate/graph)', () => {
  describe.each(CONFIGS)('$category partner, DPRD required: $dprd, reviewers: $reviewers', ({ category, dprd, reviewers }) => {
    const paths = getSimplePaths(cooperationMachineV1, {
      input: inputFor(category, dprd),
      events: possibleEvents(reviewers),
      serializeState: serialize,
    });
    const foreign = category === 'foreign';

    it('explores the procedure', () => {
      expect(paths.length).toBeGreaterThan(50);
    });

    it('signs only after every required stage, in order, and no other', () => {
      const signedPaths = paths.filter((p) => p.state.value === 'signed');
      expect(signedPaths.length).toBeGreaterThan(0);
      for (const path of signedPaths) {
        const visited = stagesOf(path.steps).filter((s, i, all) => s !== all[i - 1]);
        const firstPass = visited.filter((s) => s !== 'revision');
        const expected: Stage[] = ['proposal', 'administrative_check', 'technical_review', 'tkksd_coordination', 'legal_review'];
        if (dprd) expected.push('dprd_approval');
        if (foreign) expected.push('ministry_approval');
        expected.push('mayor_signature', 'signed');
        // Revisions may repeat a stage; dedupe while keeping first-visit order.
        expect([...new Set(firstPass)]).toEqual(expected);
        expect(visited.includes('dprd_approval')).toBe(dprd);
        expect(visited.includes('ministry_approval')).toBe(foreign);
      }
    });

    it('sends a case to revision only on a revise decision with a stage that allows it, and RESUBMIT returns there', () => {
      let resubmits = 0;
      for (const path of paths) {
        path.steps.forEach((step, i) => {
          const before = i === 0 ? 'proposal' : (path.steps[i - 1]!.state.value as Stage);
          const after = step.state.value as Stage;
          if (after === 'revision' && before !== 'revision') {
            expect(step.event).toMatchObject({ type: 'DECIDE', decision: 'revise' });
            expect(TASK_STAGE_RULES[before as TaskStage].decisions).toContain('revise');
            expect(step.state.context.returnTo).toBe(before);
          }
          if (before === 'revision' && step.event.type === 'RESUBMIT') {
            resubmits++;
            expect(after).toBe(path.steps[i - 1]!.state.context.returnTo);
          }
        });
      }
      expect(resubmits).toBeGreaterThan(0);
    });

    it('rejects only by a reject decision at a stage that takes one; technical reviewers cannot reject', () => {
      for (const path of paths) {
        path.steps.forEach((step, i) => {
          const before = i === 0 ? 'proposal' : (path.steps[i - 1]!.state.value as Stage);
          if (step.state.value === 'rejected' && before !== 'rejected') {
            expect(step.event).toMatchObject({ type: 'DECIDE', decision: 'reject' });
            expect(before).not.toBe('technical_review');
            expect(TASK_STAGE_RULES[before as TaskStage].decisions).toContain('reject');
          }
        });
      }
    });

    it('keeps tasks open only in task stages, for the stage role, one per assigned reviewer', () => {
      for (const path of paths) {
        for (const { state } of path.steps) {
          const stage = state.value as Stage;
          if (!(TASK_STAGES as readonly string[]).includes(stage)) {
            expect(state.context.tasks).toEqual([]);
            continue;
          }
          expect(state.context.tasks.length).toBeGreaterThan(0);
          for (const task of state.context.tasks) {
            expect(task.stage).toBe(stage);
            expect(task.role).toBe(TASK_STAGE_RULES[stage as TaskStage].role);
          }
          if (stage === 'technical_review' && reviewers.length > 0) {
            const assigned = state.context.tasks.map((t) => t.assignee);
            expect(reviewers).toEqual(expect.arrayContaining(assigned as string[]));
          }
        }
      }
    });

    it('moves past technical review only when every reviewer approved', () => {
      for (const path of paths) {
        path.steps.forEach((step, i) => {
          if (i === 0) return;
          const prev = path.steps[i - 1]!.state;
          if (prev.value === 'technical_review' && step.state.value === 'tkksd_coordination') {
            expect(prev.context.approvals.length).toBe(Math.max(reviewers.length, 1) - 1);
          }
        });
      }
    });

    it('withdraws only before signing and ends in final stages', () => {
      for (const path of paths) {
        path.steps.forEach((step, i) => {
          const before = i === 0 ? 'proposal' : (path.steps[i - 1]!.state.value as Stage);
          if (step.event.type === 'WITHDRAW' && before !== step.state.value) {
            expect(step.state.value).toBe('withdrawn');
            expect(['signed', 'expired', 'terminated', 'rejected', 'withdrawn']).not.toContain(before);
          }
        });
        if (['rejected', 'withdrawn', 'expired', 'terminated'].includes(path.state.value as string)) {
          expect(path.state.status).toBe('done');
        }
      }
    });

    it('reaches every stage this configuration allows, by a shortest path', () => {
      const reached = new Set(
        getShortestPaths(cooperationMachineV1, {
          input: inputFor(category, dprd),
          events: possibleEvents(reviewers),
          serializeState: serialize,
        }).map((p) => p.state.value as Stage),
      );
      const unreachable = new Set<Stage>([...(dprd ? [] : ['dprd_approval' as const]), ...(foreign ? [] : ['ministry_approval' as const])]);
      expect([...reached].sort()).toEqual(STAGES.filter((s) => !unreachable.has(s)).sort());
    });
  });
});

describe('cooperation@1 machine, refused events', () => {
  const start = () => initialTransition(cooperationMachineV1, inputFor('region', false))[0];
  const send = (snap: Snap, event: CooperationEvent) => transition(cooperationMachineV1, snap, event)[0];

  it('refuses SUBMIT when the instrument does not fit the partner category', () => {
    const [snap] = initialTransition(cooperationMachineV1, { ...inputFor('region', false), instrument: 'nk' });
    expect(send(snap, { type: 'SUBMIT' })).toBe(snap);
  });

  it('ignores a decision the stage does not take and a task that is not open', () => {
    const atAdmin = send(start(), { type: 'SUBMIT' });
    const key = atAdmin.context.tasks[0]!.key;
    expect(send(atAdmin, { type: 'DECIDE', taskKey: key, decision: 'sign' })).toBe(atAdmin);
    expect(send(atAdmin, { type: 'DECIDE', taskKey: 'nope', decision: 'approve' })).toBe(atAdmin);
    const atTech = send(atAdmin, { type: 'DECIDE', taskKey: key, decision: 'approve' });
    const techKey = atTech.context.tasks[0]!.key;
    expect(send(atTech, { type: 'DECIDE', taskKey: techKey, decision: 'reject' })).toBe(atTech);
    expect(send(atTech, { type: 'DECIDE', taskKey: key, decision: 'approve' })).toBe(atTech);
  });

  it('claims, unclaims and delegates open tasks only', () => {
    const atAdmin = send(start(), { type: 'SUBMIT' });
    const key = atAdmin.context.tasks[0]!.key;
    expect(send(atAdmin, { type: 'UNCLAIM', taskKey: key })).toBe(atAdmin);
    const claimed = send(atAdmin, { type: 'CLAIM', taskKey: key, userId: 'sec-1' });
    expect(claimed.context.tasks[0]!.assignee).toBe('sec-1');
    expect(send(claimed, { type: 'CLAIM', taskKey: key, userId: 'sec-2' })).toBe(claimed);
    const delegated = send(claimed, { type: 'DELEGATE', taskKey: key, userId: 'sec-2' });
    expect(delegated.context.tasks[0]!.assignee).toBe('sec-2');
    expect(send(delegated, { type: 'UNCLAIM', taskKey: key }).context.tasks[0]!.assignee).toBeNull();
    expect(send(atAdmin, { type: 'DELEGATE', taskKey: 't99', userId: 'x' })).toBe(atAdmin);
  });

  it('opens new tasks for the same reviewers when a revision returns to technical review', () => {
    let snap = send(start(), { type: 'SUBMIT' });
    snap = send(snap, { type: 'DECIDE', taskKey: snap.context.tasks[0]!.key, decision: 'approve', reviewers: ['a', 'b', 'a'] });
    expect(snap.context.tasks.map((t) => t.assignee)).toEqual(['a', 'b']);
    const firstKeys = snap.context.tasks.map((t) => t.key);
    snap = send(snap, { type: 'DECIDE', taskKey: firstKeys[0]!, decision: 'approve' });
    expect(snap.value).toBe('technical_review');
    snap = send(snap, { type: 'DECIDE', taskKey: firstKeys[1]!, decision: 'revise' });
    expect(snap.value).toBe('revision');
    expect(snap.context.tasks).toEqual([]);
    snap = send(snap, { type: 'RESUBMIT' });
    expect(snap.value).toBe('technical_review');
    expect(snap.context.approvals).toEqual([]);
    expect(snap.context.tasks.map((t) => t.assignee)).toEqual(['a', 'b']);
    expect(snap.context.tasks.map((t) => t.key)).not.toEqual(firstKeys);
    expect(snap.context.returnTo).toBeNull();
  });
});

describe('cooperation@1 without input', () => {
  // transition() builds a throwaway actor per call whose initial snapshot has no input; if building
  // that snapshot threw, every transition() would pay for an exception (issue 7, profiled in verify).
  it('builds its initial snapshot without throwing', () => {
    const [snap] = initialTransition(cooperationMachineV1, undefined as never);
    expect(snap.status).toBe('active');
    expect(snap.value).toBe('proposal');
  });
});
