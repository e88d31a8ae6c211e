/**
 * Document rules of the cooperation procedure, version 3: which kinds exist, who may upload which
 * kind at which stage, and what SUBMIT, sign and the partner's answer require. Version 2's, plus the
 * partner's offer (profile, legal papers, attachments) at intake and the city's offer and its answer. Pure data (domain.md §4), read by this
 * version's machine for its guards and, through the registry, by the documents feature for role checks.
 */
import type { UploadRule as BaseUploadRule } from '../../definition.js';
import type { Instrument, PartnerCategory } from '../../domain.js';
import type { Decision, Stage } from './rules.js';

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
  'partner_profile',
  'partner_legal',
  'partner_attachment',
  'partner_reply',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export type UploadRule = BaseUploadRule<DocumentKind>;

const PROPOSER_KINDS: readonly DocumentKind[] = ['kak', 'feasibility_study', 'offer_letter', 'draft_kb', 'draft_pks', 'draft_nk', 'other'];
/** What a partner's offer carries (domain.md §2, S23): its profile, its legal papers, anything else. */
const OFFER_KINDS: readonly DocumentKind[] = ['partner_profile', 'partner_legal', 'partner_attachment'];

/**
 * Uploads by stage (contract §6: proposer, secretariat, legal, mayor): the proposer while drafting or
 * revising; the secretariat its letters, minutes and the DPRD and minister's decisions it records;
 * Bagian Hukum the text it reviews; the mayor's office the signed copy. A stage not listed (signed
 * and every closed stage) takes no uploads.
 */
export const UPLOAD_RULES: Partial<Record<Stage, readonly UploadRule[]>> = {
  // The partner sends its offer's papers (and more when asked); the secretariat may file them for it.
  intake: [{ roles: ['secretariat'], kinds: [...OFFER_KINDS, 'other'], partner: true }],
  awaiting_partner: [{ roles: ['secretariat'], kinds: [...OFFER_KINDS, 'other'], partner: true }],
  proposal: [{ roles: ['proposer'], kinds: PROPOSER_KINDS, proposerOnly: true }],
  revision: [{ roles: ['proposer'], kinds: PROPOSER_KINDS, proposerOnly: true }],
  administrative_check: [{ roles: ['secretariat'], kinds: ['offer_letter', 'other'] }],
  technical_review: [{ roles: ['secretariat'], kinds: ['other'] }],
  // The mayor's offer letter of a city-initiated case, drafted once TKKSD finds it layak (domain.md §2).
  tkksd_coordination: [{ roles: ['secretariat'], kinds: ['offer_letter', 'other'] }],
  partner_response: [{ roles: ['secretariat'], kinds: ['offer_letter', 'partner_reply', 'other'] }],
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

/** Other decisions that need a document uploaded at their stage first: the partner's written answer. */
export const DECISION_REQUIRES: readonly { stage: Stage; decision: Decision; kind: DocumentKind }[] = [{ stage: 'partner_response', decision: 'approve', kind: 'partner_reply' }];

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
  const needs = event.type === 'DECIDE' ? DECISION_REQUIRES.find((r) => r.stage === stage && r.decision === event.decision) : undefined;
  if (needs && held[needs.kind]?.stage !== needs.stage) {
    return { message: `${needs.decision} at ${needs.stage} needs the ${needs.kind} document uploaded at ${needs.stage} first`, details: { missingDocuments: [needs.kind] } };
  }
  return null;
}
