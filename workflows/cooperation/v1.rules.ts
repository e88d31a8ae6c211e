/**
 * Data of the cooperation procedure, version 1: stages, who acts at each, which decisions each
 * stage takes and which instruments each partner category may use. Pure data, no logic:
 * the machine (v1.machine.ts) and the engine read it; a city changes it here, not in code paths.
 */

export const ROLES = [
  'proposer',
  'secretariat',
  'technical_reviewer',
  'tkksd',
  'tkksd_chair',
  'legal',
  'dprd',
  'mayor',
  'auditor',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export const INSTRUMENTS = ['kb', 'pks', 'nk', 'loi'] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

export const PARTNER_CATEGORIES = ['region', 'third_party', 'central_government', 'foreign'] as const;
export type PartnerCategory = (typeof PARTNER_CATEGORIES)[number];

/** Case stages in procedure order (contract §4), then the side and final stages. */
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
] as const;
export type Stage = (typeof STAGES)[number];

export const TASK_STAGES = [
  'administrative_check',
  'technical_review',
  'tkksd_coordination',
  'legal_review',
  'dprd_approval',
  'ministry_approval',
  'mayor_signature',
] as const;
export type TaskStage = (typeof TASK_STAGES)[number];

export const FINAL_STAGES: readonly Stage[] = ['expired', 'terminated', 'rejected', 'withdrawn'];

export const DECISIONS = ['approve', 'revise', 'reject', 'sign'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface TaskStageRule {
  /** The role whose members may claim and complete the stage's tasks. */
  role: Role;
  /** Decisions a task of this stage accepts. */
  decisions: readonly Decision[];
  /** Decisions that must carry a comment. */
  commentRequired: readonly Decision[];
  /** Short English and Indonesian names, for the inbox and e-mails. */
  title: { en: string; id: string };
}

export const TASK_STAGE_RULES: Record<TaskStage, TaskStageRule> = {
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

export const CASE_EVENT_TYPES = ['SUBMIT', 'RESUBMIT', 'WITHDRAW', 'TERMINATE'] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

export interface CaseEventRule {
  roles: readonly Role[];
  /** Only the user who proposed the case may send it. */
  proposerOnly: boolean;
}

/** Who may send the case-level events of `POST /api/cases/:id/events`. */
export const CASE_EVENT_RULES: Record<CaseEventType, CaseEventRule> = {
  SUBMIT: { roles: ['proposer'], proposerOnly: true },
  RESUBMIT: { roles: ['proposer'], proposerOnly: true },
  WITHDRAW: { roles: ['proposer'], proposerOnly: true },
  // Ending a signed agreement early is recorded by the one gate.
  TERMINATE: { roles: ['secretariat'], proposerOnly: false },
};

/**
 * Which instruments each partner category may use. PP 28/2018 Art. 46 puts central-government
 * partners on a Nota Kesepakatan (Sinergi); a LoI is the foreign opening (Perda DIY 1/2023 Art. 12(2)).
 * domain.md §2 warns the classification is disputed, hence data.
 */
export const INSTRUMENT_RULES: Record<PartnerCategory, readonly Instrument[]> = {
  region: ['kb', 'pks'],
  third_party: ['kb', 'pks'],
  central_government: ['nk', 'pks'],
  foreign: ['loi', 'kb', 'pks'],
};

export const INSTRUMENT_NAMES: Record<Instrument, string> = {
  kb: 'Kesepakatan Bersama (MoU)',
  pks: 'Perjanjian Kerja Sama',
  nk: 'Nota Kesepakatan',
  loi: 'Letter of Intent',
};
