/**
 * Where an evaluation (a case of kind `evaluation`) stands, decided in one place for the evaluations list,
 * the half-yearly report and termination: running while its version's machine has not reached a final
 * stage; then done when the conclusion gave it a rating (the only step that does), else cancelled.
 */
import { workflowOf } from '../../workflows/registry.js';
import type { CaseRow } from '../database/rows.js';

export type EvaluationOutcome = 'open' | 'done' | 'cancelled';

export type EvaluationCase = Pick<CaseRow, 'workflowName' | 'workflowVersion' | 'stage' | 'snapshot'>;

export function evaluationOutcome(c: EvaluationCase): EvaluationOutcome {
  if (!workflowOf(c).finalStages.includes(c.stage)) return 'open';
  return c.snapshot.context.rating != null ? 'done' : 'cancelled';
}

/** A concluded evaluation's recommendation (`continue`, `amend`, `terminate`…); null while it has none. */
export function evaluationRecommendation(c: EvaluationCase): string | null {
  return evaluationOutcome(c) === 'done' ? ((c.snapshot.context.recommendation as string | null | undefined) ?? null) : null;
}
