import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { amendmentMachine, type AmendmentEvent, type AmendmentInput } from './machine.js';
import type { DocumentKind } from './documents.js';

function input(o: Partial<AmendmentInput> = {}): AmendmentInput {
  return { caseId: 'a', proposerId: 'p', amends: 'k', instrument: 'pks', partnerCategory: 'third_party', requiresDprdApproval: false, scopeChanged: false, changes: { validUntil: '2028-12-31' }, ...o };
}
const add = (kind: DocumentKind, version = 1): AmendmentEvent => ({ type: 'DOCUMENT_ADDED', kind, version, sha256: kind.padEnd(64, '0') });
const send = (snap: AnyMachineSnapshot, e: AmendmentEvent) => transition(amendmentMachine, snap, e as never)[0];
const start = (i: AmendmentInput) => initialTransition(amendmentMachine, i)[0];
const decide = (snap: AnyMachineSnapshot, decision: 'approve' | 'sign' | 'revise' | 'reject') => send(snap, { type: 'DECIDE', taskKey: snap.context.tasks[0].key, decision });

/** Drives an addendum from SUBMIT to signing and returns the stages it passed. */
function walk(i: AmendmentInput): string[] {
  let snap = send(send(start(i), add('addendum')), { type: 'SUBMIT' });
  const stages: string[] = [];
  while (snap.value !== 'signed') {
    stages.push(String(snap.value));
    if (snap.value === 'mayor_signature') snap = decide(send(snap, add('signed')), 'sign');
    else snap = decide(snap, 'approve');
    if (stages.length > 10) throw new Error('no end');
  }
  expect(snap.status).toBe('done');
  return stages;
}

describe('amendment@1: the addendum’s reduced path', () => {
  it('passes the administrative check, legal review and the signature only, when the scope stays', () => {
    expect(walk(input())).toEqual(['administrative_check', 'legal_review', 'mayor_signature']);
  });

  it('adds Tim Teknis and TKKSD when the scope changes, and the DPRD when required', () => {
    expect(walk(input({ scopeChanged: true }))).toEqual(['administrative_check', 'technical_review', 'tkksd_coordination', 'legal_review', 'mayor_signature']);
    expect(walk(input({ requiresDprdApproval: true }))).toEqual(['administrative_check', 'legal_review', 'dprd_approval', 'mayor_signature']);
  });

  it('never asks the minister, even of a foreign partner', () => {
    expect(walk(input({ partnerCategory: 'foreign', instrument: 'loi', requiresDprdApproval: true }))).not.toContain('ministry_approval');
  });

  it('needs the addendum’s text to SUBMIT and the signed copy to sign', () => {
    const snap = start(input());
    expect(send(snap, { type: 'SUBMIT' })).toBe(snap);
    // The instrument's draft of a new proposal is not a document of an addendum.
    expect(send(snap, { type: 'DOCUMENT_ADDED', kind: 'draft_pks', version: 1, sha256: 'x'.padEnd(64, '0') } as never)).toBe(snap);
    let at = send(send(snap, add('addendum')), { type: 'SUBMIT' });
    at = decide(decide(at, 'approve'), 'approve');
    expect(at.value).toBe('mayor_signature');
    expect(decide(at, 'sign')).toBe(at);
  });

  it('returns to the stage that asked for a revision, and may be withdrawn or rejected; a signed addendum takes nothing more', () => {
    let snap = send(send(start(input({ scopeChanged: true })), add('addendum')), { type: 'SUBMIT' });
    snap = decide(snap, 'approve');
    expect(snap.value).toBe('technical_review');
    snap = decide(snap, 'revise');
    expect(snap.value).toBe('revision');
    snap = send(snap, { type: 'RESUBMIT' });
    expect(snap.value).toBe('technical_review');
    expect(send(snap, { type: 'WITHDRAW' }).value).toBe('withdrawn');
    snap = decide(snap, 'approve');
    expect(decide(snap, 'reject').value).toBe('rejected');
    const signed = send(send(start(input()), add('addendum')), { type: 'SUBMIT' });
    let s = decide(decide(signed, 'approve'), 'approve');
    s = decide(send(s, add('signed')), 'sign');
    expect(s.value).toBe('signed');
    expect(send(s, { type: 'WITHDRAW' })).toBe(s);
    expect(send(s, add('other'))).toBe(s);
  });

  it('keeps the changes and the scope flag in its context', () => {
    const snap = start(input({ scopeChanged: true, changes: { fields: ['kesehatan'] } }));
    expect(snap.context).toMatchObject({ amends: 'k', scopeChanged: true, changes: { fields: ['kesehatan'] } });
  });

  it('builds its initial snapshot without input, without throwing', () => {
    const [snap] = initialTransition(amendmentMachine, undefined as never);
    expect(snap.value).toBe('proposal');
  });
});
