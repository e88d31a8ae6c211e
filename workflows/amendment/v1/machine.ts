/**
 * amendment@1: an addendum to an agreement in force (contract §10) as a pure XState v5 machine. The
 * reduced path: proposal → administrative_check → (technical_review → tkksd_coordination only when the
 * addendum changes the cooperation's scope) → legal_review → dprd_approval when required →
 * mayor_signature → signed. Revision, rejection and withdrawal as in the cooperation procedure; no
 * minister's approval (the contract does not ask one of an addendum). `signed` is final: the addendum
 * is done, and the agreement it amends takes its changes in a step of its own (src/amendments).
 *
 * As every version, it is the single truth of a case's stage and open tasks, has no timers and imports
 * nothing but xstate and its own data. Sealed once it has run a case (contract §13).
 */
import { and, assign, setup } from 'xstate';
import type { Instrument, PartnerCategory, Role } from '../../domain.js';
import { TASK_STAGE_RULES, type Decision, type Stage, type TaskStage } from './rules.js';
import { SIGN_REQUIRES, UPLOAD_RULES, requiredForSubmit, type DocumentKind } from './documents.js';

export interface OpenTask {
  /** Stable within a case: `t<n>`, counted by the machine. */
  key: string;
  stage: TaskStage;
  role: Role;
  /** The user who holds the task; null while any member of `role` may claim it. */
  assignee: string | null;
}

/** What an addendum asks to change in its agreement (contract §10): each field's new value. */
export interface AmendmentChanges {
  validUntil?: string;
  summary?: string;
  value?: { amount: number; currency: string; source?: string | null };
  fields?: string[];
  opds?: string[];
}

export interface AmendmentInput {
  caseId: string;
  proposerId: string;
  /** The agreement amended (the case's parent). */
  amends: string;
  /** The agreement's instrument and partner category, copied when the addendum began. */
  instrument: Instrument;
  partnerCategory: PartnerCategory;
  requiresDprdApproval: boolean;
  /** The addendum changes the cooperation's scope: Tim Teknis and TKKSD review it too. */
  scopeChanged: boolean;
  changes: AmendmentChanges;
}

export interface AmendmentContext extends AmendmentInput {
  /** Technical reviewers assigned by the secretariat; empty means one task for the role. */
  reviewers: string[];
  tasks: OpenTask[];
  taskSeq: number;
  /** Technical-review task keys approved in the current round. */
  approvals: string[];
  /** The stage that asked for a revision; RESUBMIT returns there. */
  returnTo: TaskStage | null;
  /** How many times the case was returned to the proposer. */
  revisions: number;
  /** The latest version of each document kind, and the stage it was uploaded at. */
  documents?: Partial<Record<DocumentKind, { version: number; sha256: string; stage: Stage }>>;
}

export type AmendmentEvent =
  | { type: 'SUBMIT' }
  | { type: 'RESUBMIT' }
  | { type: 'WITHDRAW' }
  | { type: 'DECIDE'; taskKey: string; decision: Decision; reviewers?: string[] }
  | { type: 'CLAIM'; taskKey: string; userId: string }
  | { type: 'UNCLAIM'; taskKey: string }
  | { type: 'DELEGATE'; taskKey: string; userId: string }
  | { type: 'DOCUMENT_ADDED'; kind: DocumentKind; version: number; sha256: string };

type DecideEvent = Extract<AmendmentEvent, { type: 'DECIDE' }>;

function openTasksFor(context: AmendmentContext, stage: TaskStage): Pick<AmendmentContext, 'tasks' | 'taskSeq'> {
  const role = TASK_STAGE_RULES[stage].role;
  const assignees: (string | null)[] =
    stage === 'technical_review' && context.reviewers.length > 0 ? context.reviewers : [null];
  let seq = context.taskSeq;
  const tasks = assignees.map((assignee) => ({ key: `t${++seq}`, stage, role, assignee }));
  return { tasks, taskSeq: seq };
}

function isOpenTask(context: AmendmentContext, taskKey: string): boolean {
  return context.tasks.some((t) => t.key === taskKey);
}

function setAssignee(context: AmendmentContext, taskKey: string, assignee: string | null): OpenTask[] {
  return context.tasks.map((t) => (t.key === taskKey ? { ...t, assignee } : t));
}

export const amendmentMachine = setup({
  types: {
    context: {} as AmendmentContext,
    events: {} as AmendmentEvent,
    input: {} as AmendmentInput,
  },
  guards: {
    decisionIs: ({ context, event }, params: { decision: Decision }) =>
      event.type === 'DECIDE' && isOpenTask(context, event.taskKey) && event.decision === params.decision,
    // An approved review task closes at once, so the last open one is the last approval.
    lastTechnicalApproval: ({ context, event }) =>
      event.type === 'DECIDE' && context.tasks.length === 1 && context.tasks[0]!.key === event.taskKey,
    needsDprd: ({ context }) => context.requiresDprdApproval,
    scopeChanged: ({ context }) => context.scopeChanged,
    returnsTo: ({ context }, params: { stage: TaskStage }) => context.returnTo === params.stage,
    canClaim: ({ context, event }) =>
      event.type === 'CLAIM' && context.tasks.some((t) => t.key === event.taskKey && t.assignee === null),
    canUnclaim: ({ context, event }) =>
      event.type === 'UNCLAIM' && context.tasks.some((t) => t.key === event.taskKey && t.assignee !== null),
    canDelegate: ({ context, event }) => event.type === 'DELEGATE' && isOpenTask(context, event.taskKey),
    requiredDocuments: ({ context }) =>
      requiredForSubmit(context.instrument, context.partnerCategory).every((kind) => context.documents?.[kind]),
    signedDocumentPresent: ({ context }) => context.documents?.[SIGN_REQUIRES.kind]?.stage === SIGN_REQUIRES.uploadedAt,
    uploadAllowed: ({ event }, params: { stage: Stage }) =>
      event.type === 'DOCUMENT_ADDED' && (UPLOAD_RULES[params.stage] ?? []).some((r) => r.kinds.includes(event.kind)),
  },
  actions: {
    openTasks: assign(({ context }, params: { stage: TaskStage }) => ({
      ...openTasksFor(context, params.stage),
      approvals: [],
    })),
    closeTasks: assign({ tasks: [] as OpenTask[], approvals: [] as string[] }),
    recordReviewers: assign(({ event }) => ({
      reviewers: [...new Set((event as DecideEvent).reviewers ?? [])],
    })),
    recordApproval: assign(({ context, event }) => ({
      approvals: [...context.approvals, (event as DecideEvent).taskKey],
      tasks: context.tasks.filter((t) => t.key !== (event as DecideEvent).taskKey),
    })),
    askRevision: assign(({ context }, params: { stage: TaskStage }) => ({
      returnTo: params.stage,
      revisions: context.revisions + 1,
    })),
    clearReturn: assign({ returnTo: null }),
    claimTask: assign(({ context, event }) =>
      event.type === 'CLAIM' ? { tasks: setAssignee(context, event.taskKey, event.userId) } : {},
    ),
    unclaimTask: assign(({ context, event }) =>
      event.type === 'UNCLAIM' ? { tasks: setAssignee(context, event.taskKey, null) } : {},
    ),
    delegateTask: assign(({ context, event }) =>
      event.type === 'DELEGATE' ? { tasks: setAssignee(context, event.taskKey, event.userId) } : {},
    ),
    recordDocument: assign(({ context, event }, params: { stage: Stage }) =>
      event.type === 'DOCUMENT_ADDED'
        ? { documents: { ...context.documents, [event.kind]: { version: event.version, sha256: event.sha256, stage: params.stage } } }
        : {},
    ),
  },
}).createMachine({
  id: 'amendment',
  initial: 'proposal',
  // xstate's transition() builds a throwaway actor per call, whose initial snapshot gets no input; a
  // throw here for that discarded snapshot used to cost more than the transition itself.
  context: ({ input }) => ({
    ...input,
    scopeChanged: input?.scopeChanged ?? false,
    changes: { ...(input?.changes ?? {}) },
    reviewers: [],
    tasks: [],
    taskSeq: 0,
    approvals: [],
    returnTo: null,
    revisions: 0,
    documents: {},
  }),
  states: {
    proposal: {
      on: {
        SUBMIT: { guard: 'requiredDocuments', target: 'administrative_check' },
        WITHDRAW: 'withdrawn',
        ...uploads('proposal'),
      },
    },
    administrative_check: taskStage('administrative_check', {
      approve: [{ guard: 'scopeChanged', target: 'technical_review', actions: 'recordReviewers' }, { target: 'legal_review' }],
    }),
    technical_review: taskStage('technical_review', {
      approve: [
        { guard: 'lastTechnicalApproval', target: 'tkksd_coordination' },
        { actions: 'recordApproval' },
      ],
    }),
    tkksd_coordination: taskStage('tkksd_coordination', { approve: [{ target: 'legal_review' }] }),
    legal_review: taskStage('legal_review', {
      approve: [{ guard: 'needsDprd', target: 'dprd_approval' }, { target: 'mayor_signature' }],
    }),
    dprd_approval: taskStage('dprd_approval', { approve: [{ target: 'mayor_signature' }] }),
    mayor_signature: taskStage('mayor_signature', { sign: [{ target: 'signed', guard: 'signedDocumentPresent' }] }),
    // Final: the addendum is done; its agreement takes the changes (src/amendments).
    signed: { type: 'final' },
    revision: {
      exit: 'clearReturn',
      on: {
        RESUBMIT: [
          { guard: { type: 'returnsTo', params: { stage: 'administrative_check' } }, target: 'administrative_check' },
          { guard: { type: 'returnsTo', params: { stage: 'technical_review' } }, target: 'technical_review' },
          { guard: { type: 'returnsTo', params: { stage: 'tkksd_coordination' } }, target: 'tkksd_coordination' },
          { guard: { type: 'returnsTo', params: { stage: 'legal_review' } }, target: 'legal_review' },
          { guard: { type: 'returnsTo', params: { stage: 'dprd_approval' } }, target: 'dprd_approval' },
          { guard: { type: 'returnsTo', params: { stage: 'mayor_signature' } }, target: 'mayor_signature' },
        ],
        WITHDRAW: 'withdrawn',
        ...uploads('revision'),
      },
    },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});

/** A task stage: opens its tasks on entry, closes them on exit, and routes every decision it allows. */
function taskStage(
  stage: TaskStage,
  forward: Partial<
    Record<'approve' | 'sign', { target?: Stage; guard?: 'needsDprd' | 'scopeChanged' | 'lastTechnicalApproval' | 'signedDocumentPresent'; actions?: 'recordReviewers' | 'recordApproval' }[]>
  >,
) {
  const allowed = TASK_STAGE_RULES[stage].decisions;
  const is = (decision: Decision) => ({ type: 'decisionIs' as const, params: { decision } });
  const decide = [
    ...Object.entries(forward).flatMap(([decision, branches]) =>
      branches.map((b) => ({
        target: b.target,
        actions: b.actions,
        guard: b.guard ? and([is(decision as Decision), b.guard]) : is(decision as Decision),
      })),
    ),
    ...(allowed.includes('revise')
      ? [{ guard: is('revise'), target: 'revision' as const, actions: { type: 'askRevision' as const, params: { stage } } }]
      : []),
    ...(allowed.includes('reject') ? [{ guard: is('reject'), target: 'rejected' as const }] : []),
  ];
  return {
    entry: { type: 'openTasks' as const, params: { stage } },
    exit: 'closeTasks' as const,
    on: {
      DECIDE: decide,
      CLAIM: { guard: 'canClaim' as const, actions: 'claimTask' as const },
      UNCLAIM: { guard: 'canUnclaim' as const, actions: 'unclaimTask' as const },
      DELEGATE: { guard: 'canDelegate' as const, actions: 'delegateTask' as const },
      WITHDRAW: 'withdrawn' as const,
      ...uploads(stage),
    },
  };
}

/** A stage accepts the document kinds its upload rules name, recorded in context. */
function uploads(stage: Stage) {
  return { DOCUMENT_ADDED: { guard: { type: 'uploadAllowed' as const, params: { stage } }, actions: { type: 'recordDocument' as const, params: { stage } } } };
}
