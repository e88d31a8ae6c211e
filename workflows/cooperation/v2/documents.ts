/**
 * Document rules of the cooperation procedure, version 2: which kinds exist, who may upload which
 * kind at which stage, and what SUBMIT and sign require. Pure data (domain.md §4), read by this
 * version's machine for its guards and, through the registry, by the documents feature for role checks.
 */
import type { UploadRule as BaseUploadRule } from '../../definition.js';
import type { Instrument, PartnerCategory } from '../../domain.js';
import type { Stage } from './rules.js';

export const DOCUMENT_KINDS = [
  'kak',
  'feasibility_study',
  'offer_letter',
  'draft_kb',
  'draft_pks',
  'draft_nk',
  'dprd_decision',
  'ministry_approval',
  'signed',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export type UploadRule = BaseUploadRule<DocumentKind>;

const PROPOSER_KINDS: readonly DocumentKind[] = ['kak', 'feasibility_study', 'offer_letter', 'draft_kb', 'draft_pks', 'draft_nk', 'other'];

/**
 * Uploads by stage (contract §6: proposer, secretariat, legal, mayor): the proposer while drafting or
 * revising; the secretariat its letters, minutes and the DPRD and minister's decisions it records;
 * Bagian Hukum the text it reviews; the mayor's office the signed copy. A stage not listed (signed
 * and every closed stage) takes no uploads.
 */
export const UPLOAD_RULES: Partial<Record<Stage, readonly UploadRule[]>> = {
  proposal: [{ roles: ['proposer'], kinds: PROPOSER_KINDS, proposerOnly: true }],
  revision: [{ roles: ['proposer'], kinds: PROPOSER_KINDS, proposerOnly: true }],
  administrative_check: [{ roles: ['secretariat'], kinds: ['offer_letter', 'other'] }],
  technical_review: [{ roles: ['secretariat'], kinds: ['other'] }],
  tkksd_coordination: [{ roles: ['secretariat'], kinds: ['other'] }],
  legal_review: [{ roles: ['legal'], kinds: ['draft_kb', 'draft_pks', 'draft_nk', 'other'] }],
  dprd_approval: [{ roles: ['secretariat'], kinds: ['dprd_decision', 'other'] }],
  ministry_approval: [{ roles: ['secretariat'], kinds: ['ministry_approval', 'other'] }],
  mayor_signature: [{ roles: ['mayor', 'secretariat'], kinds: ['signed', 'other'] }],
};

/** What SUBMIT needs: a KAK always, a feasibility study from a third party, a draft of the instrument's text. */
export const SUBMIT_REQUIRES: {
  always: readonly DocumentKind[];
  byCategory: Partial<Record<PartnerCategory, readonly DocumentKind[]>>;
  byInstrument: Partial<Record<Instrument, readonly DocumentKind[]>>;
} = {
  always: ['kak'],
  byCategory: { third_party: ['feasibility_study'] },
  byInstrument: { kb: ['draft_kb'], pks: ['draft_pks'], nk: ['draft_nk'] },
};

export function requiredForSubmit(instrument: Instrument, category: PartnerCategory): DocumentKind[] {
  return [...SUBMIT_REQUIRES.always, ...(SUBMIT_REQUIRES.byCategory[category] ?? []), ...(SUBMIT_REQUIRES.byInstrument[instrument] ?? [])];
}

/** `sign` needs the signed copy uploaded at the signature stage. */
export const SIGN_REQUIRES: { kind: DocumentKind; uploadedAt: Stage } = { kind: 'signed', uploadedAt: 'mayor_signature' };

export function uploadKindsAt(stage: Stage): DocumentKind[] {
  return [...new Set((UPLOAD_RULES[stage] ?? []).flatMap((r) => r.kinds))];
}

/**
 * Why the machine refused an event, when documents are the reason: the engine puts this in the 409,
 * so the reason is told from the same rules the guards use.
 */
export function explainDocumentRefusal(
  context: { instrument: Instrument; partnerCategory: PartnerCategory; documents?: Partial<Record<DocumentKind, { stage: Stage }>> },
  stage: string,
  event: { type: string; decision?: unknown },
): { message: string; details: Record<string, unknown> } | null {
  const held = context.documents;
  if (!held) return null;
  if (event.type === 'SUBMIT' && stage === 'proposal') {
    const missing = requiredForSubmit(context.instrument, context.partnerCategory).filter((kind) => !held[kind]);
    if (missing.length) return { message: `SUBMIT needs these documents first: ${missing.join(', ')}`, details: { missingDocuments: missing } };
  }
  if (event.type === 'DECIDE' && event.decision === 'sign' && held[SIGN_REQUIRES.kind]?.stage !== SIGN_REQUIRES.uploadedAt) {
    return { message: `sign needs the ${SIGN_REQUIRES.kind} copy uploaded at ${SIGN_REQUIRES.uploadedAt} first`, details: { missingDocuments: [SIGN_REQUIRES.kind] } };
  }
  return null;
}
