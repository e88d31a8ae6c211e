import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { INSTRUMENT_RULES, PARTNER_CATEGORIES, type Instrument, type PartnerCategory } from '../../domain.js';
import { UPLOAD_RULES, requiredForSubmit, type DocumentKind } from './documents.js';
import { cooperationMachine as cooperationMachineV3, type CooperationEvent, type CooperationInput } from './machine.js';
import type { Initiative, Stage } from './rules.js';

function input(category: PartnerCategory, instrument: Instrument = INSTRUMENT_RULES[category][0]!, dprd = false, initiative?: Initiative): CooperationInput {
  return { caseId: 'c', proposerId: 'p', instrument, partnerCategory: category, requiresDprdApproval: dprd, allowedInstruments: INSTRUMENT_RULES[category], ...(initiative ? { initiative } : {}) };
}
const add = (kind: DocumentKind, version = 1): CooperationEvent => ({ type: 'DOCUMENT_ADDED', kind, version, sha256: kind.padEnd(64, '0') });
const send = (snap: AnyMachineSnapshot, e: CooperationEvent) => transition(cooperationMachineV3, snap, e as never)[0];
const start = (i: CooperationInput) => initialTransition(cooperationMachineV3, i)[0];

describe('cooperation@3: documents in the procedure', () => {
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
    for (const closed of ['signed', 'expired', 'terminated', 'rejected', 'withdrawn', 'spam'] as Stage[]) expect(UPLOAD_RULES[closed]).toBeUndefined();
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

describe('cooperation@3 without input', () => {
  it('builds its initial snapshot without throwing', () => {
    const [snap] = initialTransition(cooperationMachineV3, undefined as never);
    expect(snap.status).toBe('active');
    expect(snap.value).toBe('proposal');
  });
});

const decide = (snap: AnyMachineSnapshot, decision: string, extra: Record<string, unknown> = {}) =>
  send(snap, { type: 'DECIDE', taskKey: snap.context.tasks[0].key, decision, ...extra } as CooperationEvent);

describe('cooperation@3: a partner offer', () => {
  const offer = () => start({ ...input('third_party', 'pks', false, 'partner'), proposerId: 'partner:o1' });

  it('begins at intake with one secretariat task; an OPD proposal still begins at proposal', () => {
    const snap = offer();
    expect(snap.value).toBe('intake');
    expect(snap.context.initiative).toBe('partner');
    expect(snap.context.tasks).toEqual([{ key: 't1', stage: 'intake', role: 'secretariat', assignee: null }]);
    expect(start(input('region')).value).toBe('proposal');
    expect(start(input('region')).context.initiative).toBe('opd');
    expect(start(input('region', 'kb', false, 'city')).value).toBe('proposal');
  });

  it('is approved only with an assignee, who becomes its proposer', () => {
    const snap = offer();
    expect(decide(snap, 'approve')).toBe(snap);
    const approved = decide(snap, 'approve', { assignee: 'opd-dinkes' });
    expect(approved.value).toBe('proposal');
    expect(approved.context.proposerId).toBe('opd-dinkes');
    expect(approved.context.tasks).toEqual([]);
  });

  it('asks the partner, who replies back to intake; then is rejected or marked spam', () => {
    let snap = decide(offer(), 'revise');
    expect(snap.value).toBe('awaiting_partner');
    expect(snap.context.tasks).toEqual([]);
    expect(send(snap, { type: 'SUBMIT' })).toBe(snap);
    snap = send(snap, add('partner_attachment'));
    expect(snap.context.documents?.partner_attachment?.stage).toBe('awaiting_partner');
    snap = send(snap, { type: 'PARTNER_REPLY' });
    expect(snap.value).toBe('intake');
    expect(snap.context.tasks.map((t: { stage: string }) => t.stage)).toEqual(['intake']);
    expect(decide(snap, 'reject').value).toBe('rejected');
    const spam = decide(snap, 'spam');
    expect(spam.value).toBe('spam');
    expect(spam.status).toBe('done');
  });

  it('takes the offer papers at intake, not the proposal papers; no withdrawal before an OPD carries it', () => {
    const snap = offer();
    expect(send(snap, add('partner_profile')).context.documents?.partner_profile?.stage).toBe('intake');
    expect(send(snap, add('kak'))).toBe(snap);
    expect(send(snap, { type: 'WITHDRAW' })).toBe(snap);
    expect(send(snap, { type: 'PARTNER_REPLY' })).toBe(snap);
  });
});

describe('cooperation@3: a city offer', () => {
  const toTkksd = (initiative?: Initiative) => {
    let snap = start(input('region', 'kb', false, initiative));
    snap = send(send(send(snap, add('kak')), add('draft_kb')), { type: 'SUBMIT' });
    for (let i = 0; i < 2; i++) snap = decide(snap, 'approve');
    expect(snap.value).toBe('tkksd_coordination');
    return snap;
  };

  it('waits for the partner after TKKSD and goes on only with its reply', () => {
    let snap = send(toTkksd('city'), add('offer_letter'));
    expect(snap.context.documents?.offer_letter?.stage).toBe('tkksd_coordination');
    snap = decide(snap, 'approve');
    expect(snap.value).toBe('partner_response');
    expect(snap.context.tasks[0]).toMatchObject({ stage: 'partner_response', role: 'secretariat' });
    expect(decide(snap, 'approve')).toBe(snap);
    expect(decide(snap, 'revise')).toBe(snap);
    snap = send(snap, add('partner_reply'));
    expect(decide(snap, 'approve').value).toBe('legal_review');
    expect(decide(snap, 'reject').value).toBe('rejected');
  });

  it.each(['opd', undefined] as const)('skips partner_response for initiative %s', (initiative) => {
    expect(decide(toTkksd(initiative), 'approve').value).toBe('legal_review');
  });
});
