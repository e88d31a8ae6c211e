import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { cooperationMachineV1, type CooperationEvent, type CooperationInput } from './v1.machine.js';
import { cooperationMachineV2 } from './v2.machine.js';
import { DECISIONS, INSTRUMENT_RULES, PARTNER_CATEGORIES, type Instrument, type PartnerCategory, type Stage } from './v1.rules.js';
import { UPLOAD_RULES, requiredForSubmit, type DocumentKind } from './v2.documents.js';

function input(category: PartnerCategory, instrument: Instrument = INSTRUMENT_RULES[category][0]!, dprd = false): CooperationInput {
  return { caseId: 'c', proposerId: 'p', instrument, partnerCategory: category, requiresDprdApproval: dprd, allowedInstruments: INSTRUMENT_RULES[category] };
}
const add = (kind: DocumentKind, version = 1): CooperationEvent => ({ type: 'DOCUMENT_ADDED', kind, version, sha256: kind.padEnd(64, '0') });
const send = (snap: AnyMachineSnapshot, e: CooperationEvent) => transition(cooperationMachineV2, snap, e as never)[0];
const start = (i: CooperationInput) => initialTransition(cooperationMachineV2, i)[0];

describe('cooperation@2: documents in the procedure', () => {
  it.each(PARTNER_CATEGORIES.flatMap((c) => INSTRUMENT_RULES[c].map((i) => [c, i] as const)))('SUBMIT needs every required document (%s, %s)', (category, instrument) => {
    const required = requiredForSubmit(instrument, category);
    expect(required).toContain('kak');
    let snap = start(input(category, instrument));
    for (const kind of required) {
      expect(send(snap, { type: 'SUBMIT' })).toBe(snap);
      snap = send(snap, add(kind));
    }
    expect(send(snap, { type: 'SUBMIT' }).value).toBe('administrative_check');
  });

  it('asks a third party for a feasibility study and a PKS for its draft', () => {
    expect(requiredForSubmit('pks', 'third_party').sort()).toEqual(['draft_pks', 'feasibility_study', 'kak']);
    expect(requiredForSubmit('nk', 'central_government').sort()).toEqual(['draft_nk', 'kak']);
    expect(requiredForSubmit('loi', 'foreign')).toEqual(['kak']);
  });

  it('takes uploads only of the kinds a stage allows, and none once closed', () => {
    let snap = start(input('region', 'kb'));
    expect(send(snap, add('signed'))).toBe(snap);
    expect(send(snap, add('dprd_decision'))).toBe(snap);
    snap = send(snap, add('kak'));
    snap = send(snap, add('kak', 2));
    expect(snap.context.documents?.kak).toEqual({ version: 2, sha256: 'kak'.padEnd(64, '0'), stage: 'proposal' });
    snap = send(send(snap, add('draft_kb')), { type: 'SUBMIT' });
    expect(send(snap, add('kak', 3))).toBe(snap);
    expect(send(snap, add('offer_letter')).context.documents?.offer_letter?.stage).toBe('administrative_check');
    const withdrawn = send(snap, { type: 'WITHDRAW' });
    expect(send(withdrawn, add('other'))).toBe(withdrawn);
    for (const closed of ['signed', 'expired', 'terminated', 'rejected', 'withdrawn'] as Stage[]) expect(UPLOAD_RULES[closed]).toBeUndefined();
  });

  it('signs only with a signed copy uploaded at the signature stage', () => {
    let snap = start(input('region', 'kb'));
    snap = send(send(send(snap, add('kak')), add('draft_kb')), { type: 'SUBMIT' });
    for (const stage of ['administrative_check', 'technical_review', 'tkksd_coordination', 'legal_review']) {
      expect(snap.value).toBe(stage);
      snap = send(snap, { type: 'DECIDE', taskKey: snap.context.tasks[0].key, decision: 'approve' });
    }
    expect(snap.value).toBe('mayor_signature');
    const key = snap.context.tasks[0].key;
    expect(send(snap, { type: 'DECIDE', taskKey: key, decision: 'sign' })).toBe(snap);
    snap = send(snap, add('signed'));
    expect(send(snap, { type: 'DECIDE', taskKey: key, decision: 'sign' }).value).toBe('signed');
  });

  // Version 2 is version 1 plus documents: every path of v1, with the documents each gate needs
  // uploaded just before it, reaches the same stages in v2.
  it.each(PARTNER_CATEGORIES.flatMap((c) => [false, true].map((dprd) => [c, dprd] as const)))('follows every simple path of version 1 (%s, DPRD %s)', (category, dprd) => {
    const i = input(category, INSTRUMENT_RULES[category][0]!, dprd);
    const paths = getSimplePaths(cooperationMachineV1, {
      input: i,
      events: (snap): CooperationEvent[] => [
        { type: 'SUBMIT' },
        { type: 'RESUBMIT' },
        { type: 'WITHDRAW' },
        { type: 'TERMINATE' },
        ...snap.context.tasks.flatMap((t: { key: string }) => DECISIONS.map((decision) => ({ type: 'DECIDE' as const, taskKey: t.key, decision }))),
      ],
      serializeState: (snap) => JSON.stringify([snap.value, snap.context.returnTo, snap.context.tasks.length, Math.min(snap.context.revisions, 1)]),
    });
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      let v2 = start(i);
      for (const step of path.steps) {
        const e = step.event as CooperationEvent;
        if (e.type === 'SUBMIT') for (const kind of requiredForSubmit(i.instrument, category)) v2 = send(v2, add(kind));
        if (e.type === 'DECIDE' && e.decision === 'sign') v2 = send(v2, add('signed'));
        v2 = send(v2, e);
        expect(v2.value).toBe(step.state.value);
      }
    }
  });
});
