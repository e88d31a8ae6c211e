/**
 * evaluation@1: the monitoring and evaluation of an agreement in force (contract §10) as a pure XState v5
 * machine: the proposer's self-report, the Tim Teknis review (approve, or revise back to the report), the
 * secretariat's conclusion with a rating and a recommendation. CANCEL (sent by the system when the
 * agreement ends) closes it from any open stage. Like cooperation's, the machine is the truth of the stage
 * and open tasks and keeps what the decisions carried (report, rating, recommendation) in its context,
 * so a replay from events alone gives them back. No timers, no I/O.
 */
import { assign, setup } from 'xstate';
import type { MachineTask } from '../../definition.js';
import type { Role } from '../../domain.js';
import { UPLOAD_RULES, type DocumentKind } from './documents.js';
import { TASK_STAGE_RULES, type Decision, type EvaluationReport, type Recommendation, type Stage, type TaskStage } from './rules.js';

export interface OpenTask extends MachineTask {
  stage: TaskStage;
  role: Role;
}

export interface EvaluationInput {
  caseId: string;
  /** The agreement (its case id) evaluated. */
  agreementId: string;
  /** The agreement's proposer: holds the report task. */
  proposerId: string;
  /** The period evaluated, dates YYYY-MM-DD inclusive. */
  period: { from: string; to: string };
}

export interface EvaluationContext extends EvaluationInput {
  tasks: OpenTask[];
  taskSeq: number;
  report: EvaluationReport | null;
  rating: number | null;
  recommendation: Recommendation | null;
  /** How many times the review sent the report back. */
  revisions: number;
  documents: Partial<Record<DocumentKind, { version: number; sha256: string; stage: Stage }>>;
}

export type EvaluationEvent =
  | { type: 'DECIDE'; taskKey: string; decision: Decision; report?: EvaluationReport; rating?: number; recommendation?: Recommendation }
  | { type: 'CLAIM'; taskKey: string; userId: string }
  | { type: 'UNCLAIM'; taskKey: string }
  | { type: 'DELEGATE'; taskKey: string; userId: string }
  | { type: 'DOCUMENT_ADDED'; kind: DocumentKind; version: number; sha256: string }
  | { type: 'CANCEL' };

const setAssignee = (context: EvaluationContext, taskKey: string, assignee: string | null): OpenTask[] =>
  context.tasks.map((t) => (t.key === taskKey ? { ...t, assignee } : t));

export const evaluationMachine = setup({
  types: {
    context: {} as EvaluationContext,
    events: {} as EvaluationEvent,
    input: {} as EvaluationInput,
  },
  guards: {
    decisionIs: ({ context, event }, params: { decision: Decision }) =>
      event.type === 'DECIDE' && context.tasks.some((t) => t.key === event.taskKey) && event.decision === params.decision,
    canClaim: ({ context, event }) => event.type === 'CLAIM' && context.tasks.some((t) => t.key === event.taskKey && t.assignee === null),
    canUnclaim: ({ context, event }) => event.type === 'UNCLAIM' && context.tasks.some((t) => t.key === event.taskKey && t.assignee !== null),
    canDelegate: ({ context, event }) => event.type === 'DELEGATE' && context.tasks.some((t) => t.key === event.taskKey),
    uploadAllowed: ({ event }, params: { stage: Stage }) =>
      event.type === 'DOCUMENT_ADDED' && (UPLOAD_RULES[params.stage] ?? []).some((r) => r.kinds.includes(event.kind)),
  },
  actions: {
    // The report task is the proposer's own; the others go to the role until someone claims them.
    openTask: assign(({ context }, params: { stage: TaskStage }) => {
      const seq = context.taskSeq + 1;
      const assignee = params.stage === 'evaluation_report' ? context.proposerId : null;
      return { tasks: [{ key: `t${seq}`, stage: params.stage, role: TASK_STAGE_RULES[params.stage].role, assignee }], taskSeq: seq };
    }),
    closeTasks: assign({ tasks: [] as OpenTask[] }),
    recordReport: assign(({ event }) => (event.type === 'DECIDE' ? { report: event.report ?? null } : {})),
    recordConclusion: assign(({ event }) => (event.type === 'DECIDE' ? { rating: event.rating ?? null, recommendation: event.recommendation ?? null } : {})),
    countRevision: assign(({ context }) => ({ revisions: context.revisions + 1 })),
    claimTask: assign(({ context, event }) => (event.type === 'CLAIM' ? { tasks: setAssignee(context, event.taskKey, event.userId) } : {})),
    unclaimTask: assign(({ context, event }) => (event.type === 'UNCLAIM' ? { tasks: setAssignee(context, event.taskKey, null) } : {})),
    delegateTask: assign(({ context, event }) => (event.type === 'DELEGATE' ? { tasks: setAssignee(context, event.taskKey, event.userId) } : {})),
    recordDocument: assign(({ context, event }, params: { stage: Stage }) =>
      event.type === 'DOCUMENT_ADDED' ? { documents: { ...context.documents, [event.kind]: { version: event.version, sha256: event.sha256, stage: params.stage } } } : {},
    ),
  },
}).createMachine({
  id: 'evaluation',
  initial: 'evaluation_report',
  // As cooperation's: transition() builds a throwaway first snapshot without input; it must not throw.
  context: ({ input }) => ({
    ...input,
    period: { ...(input?.period ?? { from: '', to: '' }) },
    tasks: [],
    taskSeq: 0,
    report: null,
    rating: null,
    recommendation: null,
    revisions: 0,
    documents: {},
  }),
  states: {
    evaluation_report: taskStage('evaluation_report', [{ guard: is('submit'), target: 'evaluation_review', actions: 'recordReport' }]),
    evaluation_review: taskStage('evaluation_review', [
      { guard: is('approve'), target: 'evaluation_conclusion' },
      { guard: is('revise'), target: 'evaluation_report', actions: 'countRevision' },
    ]),
    evaluation_conclusion: taskStage('evaluation_conclusion', [{ guard: is('approve'), target: 'concluded', actions: 'recordConclusion' }]),
    concluded: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

function is(decision: Decision) {
  return { type: 'decisionIs' as const, params: { decision } };
}

/** A task stage: one task on entry, closed on exit; its decisions; claims; uploads; CANCEL. */
function taskStage(
  stage: TaskStage,
  decide: { guard: ReturnType<typeof is>; target: Stage; actions?: 'recordReport' | 'recordConclusion' | 'countRevision' }[],
) {
  return {
    entry: { type: 'openTask' as const, params: { stage } },
    exit: 'closeTasks' as const,
    on: {
      DECIDE: decide,
      CLAIM: { guard: 'canClaim' as const, actions: 'claimTask' as const },
      UNCLAIM: { guard: 'canUnclaim' as const, actions: 'unclaimTask' as const },
      DELEGATE: { guard: 'canDelegate' as const, actions: 'delegateTask' as const },
      CANCEL: 'cancelled' as const,
      ...(UPLOAD_RULES[stage]
        ? { DOCUMENT_ADDED: { guard: { type: 'uploadAllowed' as const, params: { stage } }, actions: { type: 'recordDocument' as const, params: { stage } } } }
        : {}),
    },
  };
}
