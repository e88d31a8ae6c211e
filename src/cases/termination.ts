/**
 * Ending an agreement in force early (contract §10, Termination): what `TERMINATE` needs besides the
 * case, read in the step's load, and the checks and timers of its plan. The register's rule, not a
 * version's: it holds for agreements signed on sealed versions and for those imported from before onegate.
 */
import { randomUUID } from 'node:crypto';
import type { TerminationGround } from '../../workflows/domain.js';
import { DomainError, invalid } from '../common/errors.js';
import { CASE, DOCUMENT } from '../database/entities.js';
import type { CaseRow, TimerRow } from '../database/rows.js';
import type { LoadedCase, StepReader } from '../engine/engine.js';
import { evaluationOutcome, evaluationRecommendation } from '../evaluations/evaluation-outcome.js';

/** The document that must be on the case before it is terminated. */
export const TERMINATION_LETTER = 'termination_letter';

export interface TerminationFacts {
  hasLetter: boolean;
  /** Concluded evaluations of the agreement that recommend `terminate` (their case ids). */
  recommending: string[];
  /** Evaluations of the agreement still running: each gets a `cancel_evaluation` timer. */
  openEvaluations: string[];
}

type EvaluationRow = Pick<CaseRow, 'id' | 'stage' | 'workflowName' | 'workflowVersion' | 'snapshot'>;

/** Reads, in the step, the termination letter and the agreement's evaluations (cases of kind `evaluation` whose parent it is). */
export async function readTerminationFacts(read: StepReader, agreementId: string): Promise<TerminationFacts> {
  const hasLetter = await read.existsBy(DOCUMENT, { caseId: agreementId, kind: TERMINATION_LETTER });
  const evaluations: EvaluationRow[] = await read.find<CaseRow>(CASE, {
    where: { kind: 'evaluation', parentCaseId: agreementId },
    select: { id: true, stage: true, workflowName: true, workflowVersion: true, snapshot: true },
    order: { id: 'ASC' },
  });
  return {
    hasLetter,
    recommending: evaluations.filter((e) => evaluationRecommendation(e) === 'terminate').map((e) => e.id),
    openEvaluations: evaluations.filter((e) => evaluationOutcome(e) === 'open').map((e) => e.id),
  };
}

/**
 * Refuses a TERMINATE of an agreement in force that lacks what §10 asks (400 without the letter, 409 on
 * evaluation grounds no concluded evaluation recommends), and returns the timers that stop its open
 * evaluations. At any other stage it checks nothing: the machine refuses the event there (409).
 */
export function planTermination(current: LoadedCase, grounds: TerminationGround, facts: TerminationFacts): { timers: TimerRow[]; data: Record<string, unknown> } {
  const { row, workflow, now } = current;
  if (row.stage !== workflow.inForceStage) return { timers: [], data: {} };
  if (!facts.hasLetter) throw invalid('documents', `upload a ${TERMINATION_LETTER} first: TERMINATE needs the letter that ends the agreement on the case`);
  if (grounds === 'evaluation' && facts.recommending.length === 0) {
    throw new DomainError('InvalidTransition', `grounds evaluation needs a concluded evaluation of this agreement recommending terminate; there is none`, {
      stage: row.stage,
      grounds,
    });
  }
  // Pending timers of the agreement's own case (expiry reminders, expiry, scheduled evaluations) are
  // cancelled by the deadline planner as the case reaches its final stage; an open evaluation is a case of
  // its own, which its `cancel_evaluation` timer (run by the evaluations feature) ends, now.
  const timers = facts.openEvaluations.map(
    (caseId): TimerRow => ({
      id: randomUUID(),
      caseId,
      taskId: null,
      kind: 'cancel_evaluation',
      idx: 0,
      offset: row.id,
      fireAt: now,
      dueAt: null,
      status: 'pending',
      createdAt: now,
      settledAt: null,
    }),
  );
  return {
    timers,
    data: { ...(facts.recommending.length && grounds === 'evaluation' ? { evaluations: facts.recommending } : {}), ...(timers.length ? { cancelledEvaluations: facts.openEvaluations } : {}) },
  };
}
