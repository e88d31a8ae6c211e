/**
 * Document rules of the amendment (addendum) procedure, version 1: which kinds exist, who may upload
 * which kind at which stage, and what SUBMIT and sign require. Pure data, read by this version's machine
 * for its guards and, through the registry, by the documents feature for role checks. SUBMIT needs the
 * addendum's text (instead of the instrument's draft of a new proposal), sign the signed copy.
 */
import type { UploadRule as BaseUploadRule } from '../../definition.js';
import type { Instrument, PartnerCategory } from '../../domain.js';
import type { Stage } from './rules.js';

export const DOCUMENT_KINDS = ['addendum', 'dprd_decision', 'signed', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export type UploadRule = BaseUploadRule<DocumentKind>;

const PROPOSER_KINDS: readonly DocumentKind[] = ['addendum', 'other'];

/** Uploads by stage, as the cooperation procedure's: the proposer while drafting or revising, each desk its own. */
export const UPLOAD_RULES: Partial<Record<Stage, readonly UploadRule[]>> = {
  proposal: [{ roles: ['proposer'], kinds: PROPOSER_KINDS, proposerOnly: true }],
  revision: [{ roles: ['proposer'], kinds: PROPOSER_KINDS, proposerOnly: true }],
  administrative_check: [{ roles: ['secretariat'], kinds: ['other'] }],
  technical_review: [{ roles: ['secretariat'], kinds: ['other'] }],
  tkksd_coordination: [{ roles: ['secretariat'], kinds: ['other'] }],
  legal_review: [{ roles: ['legal'], kinds: ['addendum', 'other'] }],
  dprd_approval: [{ roles: ['secretariat'], kinds: ['dprd_decision', 'other'] }],
  mayor_signature: [{ roles: ['mayor', 'secretariat'], kinds: ['signed', 'other'] }],
};

/** What SUBMIT needs: the addendum's text, whatever the partner and instrument. */
export const SUBMIT_REQUIRES: {
  always: readonly DocumentKind[];
  byCategory: Partial<Record<PartnerCategory, readonly DocumentKind[]>>;
  byInstrument: Partial<Record<Instrument, readonly DocumentKind[]>>;
} = {
  always: ['addendum'],
  byCategory: {},
  byInstrument: {},
};

export function requiredForSubmit(instrument: Instrument, category: PartnerCategory): DocumentKind[] {
  return [...SUBMIT_REQUIRES.always, ...(SUBMIT_REQUIRES.byCategory[category] ?? []), ...(SUBMIT_REQUIRES.byInstrument[instrument] ?? [])];
}

/** `sign` needs the signed copy uploaded at the signature stage. */
export const SIGN_REQUIRES: { kind: DocumentKind; uploadedAt: Stage } = { kind: 'signed', uploadedAt: 'mayor_signature' };

export function uploadKindsAt(stage: Stage): DocumentKind[] {
  return [...new Set((UPLOAD_RULES[stage] ?? []).flatMap((r) => r.kinds))];
}

/** Why the machine refused an event, when documents are the reason (for the 409's message). */
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
