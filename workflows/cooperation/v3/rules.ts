/**
 * Data of the cooperation procedure, version 3 (contract §11): version 2, plus the partners' way in —
 * an offer from a partner starts at `intake` (the secretariat approves it to an OPD proposer, asks the
 * partner for more, rejects it or marks it spam), and a case the city offers (`initiative: "city"`) waits
 * at `partner_response` for the partner's answer after TKKSD. Pure data, no logic: this version's
 * machine reads it, and the rest of onegate reads it through the registry. Sealed once it runs cases.
 */
import type { CaseEventRule, TaskStageRule as BaseTaskStageRule } from '../../definition.js';

/** Case stages in procedure order (contract §4), then the side and final stages. */
export const STAGES = [
  'intake',
  'proposal',
  'administrative_check',
  'technical_review',
  'tkksd_coordination',
  'partner_response',
  'legal_review',
  'dprd_approval',
  'ministry_approval',
  'mayor_signature',
  'signed',
  'expired',
  'terminated',
  'revision',
  'awaiting_partner',
  'rejected',
  'withdrawn',
  'spam',
] as const;
export type Stage = (typeof STAGES)[number];

export const TASK_STAGES = [
  'intake',
  'administrative_check',
  'technical_review',
  'tkksd_coordination',
  'partner_response',
  'legal_review',
  'dprd_approval',
  'ministry_approval',
  'mayor_signature',
] as const;
export type TaskStage = (typeof TASK_STAGES)[number];

export const FINAL_STAGES: readonly Stage[] = ['expired', 'terminated', 'rejected', 'withdrawn', 'spam'];

/** Who began the case (contract §11): an OPD's proposal (v1/v2's only way), a partner's offer, the city's offer. */
export const INITIATIVES = ['opd', 'partner', 'city'] as const;
export type Initiative = (typeof INITIATIVES)[number];

/** `spam`: an offer that is no offer at all, closed at intake without a message to anyone. */
export const DECISIONS = ['approve', 'revise', 'reject', 'sign', 'spam'] as const;
export type Decision = (typeof DECISIONS)[number];

export type TaskStageRule = BaseTaskStageRule<Decision>;

export const TASK_STAGE_RULES: Record<TaskStage, TaskStageRule> = {
  intake: {
    role: 'secretariat',
    // `revise` asks the partner (stage awaiting_partner), not an OPD proposer.
    decisions: ['approve', 'revise', 'reject', 'spam'],
    commentRequired: ['revise', 'reject'],
    title: { en: "Intake of a partner's offer", id: 'Penerimaan penawaran mitra' },
    assignee: { decision: 'approve', role: 'proposer' },
  },
  administrative_check: {
    role: 'secretariat',
    decisions: ['approve', 'revise', 'reject'],
    commentRequired: ['revise', 'reject'],
    title: { en: 'Administrative check', id: 'Pemeriksaan administrasi' },
  },
  technical_review: {
    role: 'technical_reviewer',
    decisions: ['approve', 'revise'],
    commentRequired: ['revise'],
    title: { en: 'Technical review (Tim Teknis)', id: 'Kajian Tim Teknis' },
  },
  tkksd_coordination: {
    role: 'tkksd_chair',
    decisions: ['approve', 'revise', 'reject'],
    commentRequired: ['revise', 'reject'],
    title: { en: 'TKKSD coordination (layak)', id: 'Koordinasi TKKSD (kelayakan)' },
  },
  partner_response: {
    role: 'secretariat',
    decisions: ['approve', 'reject'],
    commentRequired: ['reject'],
    title: { en: "Partner's answer to the city's offer", id: 'Tanggapan mitra atas penawaran' },
  },
  legal_review: {
    role: 'legal',
    decisions: ['approve', 'revise', 'reject'],
    commentRequired: ['revise', 'reject'],
    title: { en: 'Legal review (Bagian Hukum)', id: 'Telaah hukum (Bagian Hukum)' },
  },
  dprd_approval: {
    role: 'dprd',
    decisions: ['approve', 'revise', 'reject'],
    commentRequired: ['revise', 'reject'],
    title: { en: 'DPRD approval', id: 'Persetujuan DPRD' },
  },
  ministry_approval: {
    role: 'secretariat',
    decisions: ['approve', 'revise', 'reject'],
    commentRequired: ['revise', 'reject'],
    title: { en: "Minister's approval (foreign partner)", id: 'Persetujuan Menteri' },
  },
  mayor_signature: {
    role: 'mayor',
    decisions: ['sign', 'revise', 'reject'],
    commentRequired: ['revise', 'reject'],
    title: { en: "Mayor's signature", id: 'Penandatanganan Wali Kota' },
  },
};

export const CASE_EVENT_TYPES = ['SUBMIT', 'RESUBMIT', 'WITHDRAW', 'TERMINATE', 'PARTNER_REPLY'] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

/** Who may send the case-level events of `POST /api/cases/:id/events`. */
export const CASE_EVENT_RULES: Record<CaseEventType, CaseEventRule> = {
  SUBMIT: { roles: ['proposer'], proposerOnly: true },
  RESUBMIT: { roles: ['proposer'], proposerOnly: true },
  WITHDRAW: { roles: ['proposer'], proposerOnly: true },
  // Ending a signed agreement early is recorded by the one gate.
  TERMINATE: { roles: ['secretariat'], proposerOnly: false },
  // The partner answers a request of the intake through its tracking page (actor `partner:<offerId>`), never a user.
  PARTNER_REPLY: { roles: [], proposerOnly: true, byPartner: true },
};
