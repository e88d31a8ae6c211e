// @ts-check
/**
 * The few procedure rules the forms need to offer only what is allowed, mirrored from
 * workflows/cooperation (v1.rules.ts, v2.documents.ts). The server checks every action anyway;
 * these only keep forbidden choices off the screen.
 */

export const STAGES = [
  'proposal',
  'administrative_check',
  'technical_review',
  'tkksd_coordination',
  'legal_review',
  'dprd_approval',
  'ministry_approval',
  'mayor_signature',
  'signed',
  'expired',
  'terminated',
  'revision',
  'rejected',
  'withdrawn',
];

export const TASK_STAGES = ['administrative_check', 'technical_review', 'tkksd_coordination', 'legal_review', 'dprd_approval', 'ministry_approval', 'mayor_signature'];

/** Who acts at each task stage. */
export const STAGE_ROLE = {
  administrative_check: 'secretariat',
  technical_review: 'technical_reviewer',
  tkksd_coordination: 'tkksd_chair',
  legal_review: 'legal',
  dprd_approval: 'dprd',
  ministry_approval: 'secretariat',
  mayor_signature: 'mayor',
};

export const FINAL_STAGES = ['signed', 'expired', 'terminated', 'rejected', 'withdrawn'];

export const INSTRUMENTS = ['kb', 'pks', 'nk', 'loi'];
export const CATEGORIES = ['region', 'third_party', 'central_government', 'foreign'];

/** @type {Record<string, string[]>} */
export const INSTRUMENT_RULES = {
  region: ['kb', 'pks'],
  third_party: ['kb', 'pks'],
  central_government: ['nk', 'pks'],
  foreign: ['loi', 'kb', 'pks'],
};

export const COMMENT_REQUIRED = ['revise', 'reject'];

const PROPOSER_KINDS = ['kak', 'feasibility_study', 'offer_letter', 'draft_kb', 'draft_pks', 'draft_nk', 'other'];

/** @type {Record<string, {roles: string[], kinds: string[], proposerOnly?: boolean}[]>} */
const UPLOAD_RULES = {
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

/**
 * Document kinds `user` may upload to `c` now (empty: no upload form).
 * @param {{stage: string, proposerId?: string}} c
 * @param {{id: string, roles: string[]}} user
 */
export function uploadKinds(c, user) {
  const kinds = [];
  for (const rule of UPLOAD_RULES[c.stage] ?? []) {
    if (!rule.roles.some((r) => user.roles.includes(r))) continue;
    if (rule.proposerOnly && c.proposerId && c.proposerId !== user.id) continue;
    kinds.push(...rule.kinds);
  }
  return [...new Set(kinds)];
}

/** What SUBMIT needs: a KAK always, a feasibility study from a third party, a draft of the instrument. */
export function requiredForSubmit(/** @type {string} */ instrument, /** @type {string} */ category) {
  /** @type {Record<string,string>} */
  const drafts = { kb: 'draft_kb', pks: 'draft_pks', nk: 'draft_nk' };
  return ['kak', ...(category === 'third_party' ? ['feasibility_study'] : []), ...(drafts[instrument] ? [drafts[instrument]] : [])];
}
