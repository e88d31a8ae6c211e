/**
 * Data of the amendment (addendum) procedure, version 1 (contract §10): the reduced path an addendum
 * to an agreement in force takes. Stages, who acts at each, which decisions each stage takes, who may
 * send the case-level events. Pure data, no logic: this version's machine reads it, and the rest of
 * onegate reads it through the registry. Sealed (contract §13): a change is a new version.
 */
import type { CaseEventRule, TaskStageRule as BaseTaskStageRule } from '../../definition.js';

/** Case stages in procedure order (contract §4), then the side and final stages. */
export const STAGES = [
  'proposal',
  'administrative_check',
  'technical_review',
  'tkksd_coordination',
  'legal_review',
  'dprd_approval',
  'mayor_signature',
  'signed',
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
  'mayor_signature',
] as const;
export type TaskStage = (typeof TASK_STAGES)[number];

/**
 * An addendum is never an agreement of its own (it has no in-force stage): once signed it is done, and
 * the agreement it amends takes its changes (an `AMENDED` event on the agreement's chain).
 */
export const FINAL_STAGES: readonly Stage[] = ['signed', 'rejected', 'withdrawn'];

export const DECISIONS = ['approve', 'revise', 'reject', 'sign'] as const;
export type Decision = (typeof DECISIONS)[number];

export type TaskStageRule = BaseTaskStageRule<Decision>;

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
  mayor_signature: {
    role: 'mayor',
    decisions: ['sign', 'revise', 'reject'],
    commentRequired: ['revise', 'reject'],
    title: { en: "Mayor's signature", id: 'Penandatanganan Wali Kota' },
  },
};

export const CASE_EVENT_TYPES = ['SUBMIT', 'RESUBMIT', 'WITHDRAW'] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

/** Who may send the case-level events of `POST /api/cases/:id/events`. */
export const CASE_EVENT_RULES: Record<CaseEventType, CaseEventRule> = {
  SUBMIT: { roles: ['proposer'], proposerOnly: true },
  RESUBMIT: { roles: ['proposer'], proposerOnly: true },
  WITHDRAW: { roles: ['proposer'], proposerOnly: true },
};
