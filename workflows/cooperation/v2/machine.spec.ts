import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { INSTRUMENT_RULES, PARTNER_CATEGORIES, type Instrument, type PartnerCategory } from '../../domain.js';
import { UPLOAD_RULES, requiredForSubmit, type DocumentKind } from './documents.js';
import { cooperationMachine as cooperationMachineV2, type CooperationEvent, type CooperationInput } from './machine.js';
import type { Stage } from './rules.js';

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
});

describe('cooperation@2 without input', () => {
  it('builds its initial snapshot without throwing', () => {
    const [snap] = initialTransition(cooperationMachineV2, undefined as never);
    expect(snap.status).toBe('active');
    expect(snap.value).toBe('proposal');
  });
});
