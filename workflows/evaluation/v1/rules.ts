/**
 * Data of the monitoring and evaluation (monev) of an agreement, version 1 (contract §10, domain.md §8):
 * stages, who acts at each, which decisions each takes, what a decision carries. Pure data and the pure
 * check of a decision's input; the machine reads it, the rest of onegate through the registry. Sealed once
 * it ran a case (contract §13): a change is a new version.
 */
import type { CaseEventRule, TaskStageRule as BaseTaskStageRule } from '../../definition.js';

/** The three forms of SIKERJA's monev in turn, then the final stages. */
export const STAGES = ['evaluation_report', 'evaluation_review', 'evaluation_conclusion', 'concluded', 'cancelled'] as const;
export type Stage = (typeof STAGES)[number];

export const TASK_STAGES = ['evaluation_report', 'evaluation_review', 'evaluation_conclusion'] as const;
export type TaskStage = (typeof TASK_STAGES)[number];

export const FINAL_STAGES: readonly Stage[] = ['concluded', 'cancelled'];

export const DECISIONS = ['submit', 'approve', 'revise'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Bagian Kerja Sama's recommendation: SIKERJA's continue / extend / stop, plus `improve` (domain.md §8, INF). */
export const RECOMMENDATIONS = ['continue', 'extend', 'improve', 'terminate'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

export type TaskStageRule = BaseTaskStageRule<Decision>;

export const TASK_STAGE_RULES: Record<TaskStage, TaskStageRule> = {
  // Held by the agreement's own proposer (the machine names them), not by any holder of the role.
  evaluation_report: {
    role: 'proposer',
    decisions: ['submit'],
    commentRequired: [],
    title: { en: 'Evaluation self-report', id: 'Laporan evaluasi pelaksanaan' },
  },
  evaluation_review: {
    role: 'technical_reviewer',
    decisions: ['approve', 'revise'],
    commentRequired: ['revise'],
    title: { en: 'Evaluation review (Tim Teknis)', id: 'Telaah evaluasi (Tim Teknis)' },
  },
  evaluation_conclusion: {
    role: 'secretariat',
    decisions: ['approve'],
    commentRequired: [],
    title: { en: 'Evaluation conclusion (Bagian Kerja Sama)', id: 'Kesimpulan evaluasi (Bagian Kerja Sama)' },
  },
};

/** No case-level event is sent by a person: CANCEL comes from the system when the agreement ends. */
export const CASE_EVENT_TYPES = [] as const;
export const CASE_EVENT_RULES: Record<string, CaseEventRule> = {};

/** The report the proposer submits. */
export interface EvaluationReport {
  progress: number;
  outputs: string;
  problems?: string;
}

export const TEXT_MAX = 4000;

/**
 * What a decision carries besides its comment: `submit` the report, the conclusion's `approve` a rating
 * 1–5 and a recommendation. The field of a 400 and why, or null when whole; the other decisions carry
 * nothing (a report or rating sent with them is refused, so nothing is silently dropped).
 */
export function checkDecisionInput(stage: string, decision: string, input: Readonly<Record<string, unknown>>): { field: string; message: string } | null {
  const { report, rating, recommendation } = input;
  const submit = stage === 'evaluation_report' && decision === 'submit';
  const conclude = stage === 'evaluation_conclusion' && decision === 'approve';
  if (!submit && report !== undefined) return { field: 'report', message: 'only the evaluation report stage submits a report' };
  if (!conclude && rating !== undefined) return { field: 'rating', message: 'only the evaluation conclusion rates' };
  if (!conclude && recommendation !== undefined) return { field: 'recommendation', message: 'only the evaluation conclusion recommends' };
  if (submit) {
    if (typeof report !== 'object' || report === null || Array.isArray(report)) return { field: 'report', message: 'submit needs report: {progress, outputs, problems?}' };
    const r = report as Record<string, unknown>;
    const extra = Object.keys(r).find((k) => !['progress', 'outputs', 'problems'].includes(k));
    if (extra) return { field: `report.${extra}`, message: 'is not a field of the report (progress, outputs, problems)' };
    if (typeof r.progress !== 'number' || !Number.isInteger(r.progress) || r.progress < 0 || r.progress > 100) {
      return { field: 'report.progress', message: 'must be a whole number from 0 to 100 (percent done)' };
    }
    if (typeof r.outputs !== 'string' || !r.outputs.trim()) return { field: 'report.outputs', message: 'must say what the cooperation produced so far' };
    if (r.outputs.length > TEXT_MAX) return { field: 'report.outputs', message: `must be at most ${TEXT_MAX} characters` };
    if (r.problems !== undefined && typeof r.problems !== 'string') return { field: 'report.problems', message: 'must be text' };
    if (typeof r.problems === 'string' && r.problems.length > TEXT_MAX) return { field: 'report.problems', message: `must be at most ${TEXT_MAX} characters` };
  }
  if (conclude) {
    if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) return { field: 'rating', message: 'must be a whole number from 1 to 5' };
    if (typeof recommendation !== 'string' || !(RECOMMENDATIONS as readonly string[]).includes(recommendation)) {
      return { field: 'recommendation', message: `must be one of ${RECOMMENDATIONS.join(', ')}` };
    }
  }
  return null;
}
