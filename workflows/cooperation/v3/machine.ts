/**
 * cooperation@3: the procedure of contract §4 with documents (version 2), and the partners' way in of
 * contract §11. A case begins by its `initiative`: an OPD's proposal at `proposal` as before; a partner's
 * offer at `intake`, where the secretariat approves it to an OPD proposer (who then carries it from
 * `proposal`), asks the partner for more (`awaiting_partner` until `PARTNER_REPLY`), rejects it or marks it
 * spam; a case the city offers passes `partner_response` after TKKSD, approved only with the partner's
 * written reply. Sealed once it has run cases: a change is a new version beside it.
 *
 * The machine is the single truth of a case's stage and of its open tasks: entering a task stage
 * opens its tasks in context, leaving it closes them. It has no timers (deadlines are rows in the
 * database, fired as ordinary events) and imports nothing but xstate and its own data, so the engine
 * can advance it with the pure `transition()` and an auditor can replay it from events alone.
 */
import { and, assign, setup } from 'xstate';
import type { Instrument, PartnerCategory, Role } from '../../domain.js';
import { TASK_STAGE_RULES, type Decision, type Initiative, type Stage, type TaskStage } from './rules.js';
import { DECISION_REQUIRES, SIGN_REQUIRES, UPLOAD_RULES, requiredForSubmit, type DocumentKind } from './documents.js';

export interface OpenTask {
  /** Stable within a case: `t<n>`, counted by the machine. */
  key: string;
  stage: TaskStage;
  role: Role;
  /** The user who holds the task; null while any member of `role` may claim it. */
  assignee: string | null;
}

export interface CooperationInput {
  caseId: string;
  proposerId: string;
  instrument: Instrument;
  partnerCategory: PartnerCategory;
  requiresDprdApproval: boolean;
  /** The instruments this partner's category may use, copied from the rules when the case began. */
  allowedInstruments: readonly Instrument[];
  /** Who began the case: `opd` when absent. A `partner` offer begins at intake, a `city` offer passes partner_response. */
  initiative?: Initiative;
}

export interface CooperationContext extends CooperationInput {
  initiative: Initiative;
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

export type CooperationEvent =
  | { type: 'SUBMIT' }
  | { type: 'RESUBMIT' }
  | { type: 'WITHDRAW' }
  | { type: 'TERMINATE' }
  | { type: 'EXPIRE' }
  | { type: 'DECIDE'; taskKey: string; decision: Decision; reviewers?: string[]; assignee?: string }
  | { type: 'PARTNER_REPLY' }
  | { type: 'CLAIM'; taskKey: string; userId: string }
  | { type: 'UNCLAIM'; taskKey: string }
  | { type: 'DELEGATE'; taskKey: string; userId: string }
  | { type: 'DOCUMENT_ADDED'; kind: DocumentKind; version: number; sha256: string };

type DecideEvent = Extract<CooperationEvent, { type: 'DECIDE' }>;

function openTasksFor(context: CooperationContext, stage: TaskStage): Pick<CooperationContext, 'tasks' | 'taskSeq'> {
  const role = TASK_STAGE_RULES[stage].role;
  const assignees: (string | null)[] =
    stage === 'technical_review' && context.reviewers.length > 0 ? context.reviewers : [null];
  let seq = context.taskSeq;
  const tasks = assignees.map((assignee) => ({ key: `t${++seq}`, stage, role, assignee }));
  return { tasks, taskSeq: seq };
}

function isOpenTask(context: CooperationContext, taskKey: string): boolean {
  return context.tasks.some((t) => t.key === taskKey);
}

function setAssignee(context: CooperationContext, taskKey: string, assignee: string | null): OpenTask[] {
  return context.tasks.map((t) => (t.key === taskKey ? { ...t, assignee } : t));
}

export const cooperationMachine = setup({
  types: {
    context: {} as CooperationContext,
    events: {} as CooperationEvent,
    input: {} as CooperationInput,
  },
  guards: {
    instrumentFitsPartner: ({ context }) => context.allowedInstruments.includes(context.instrument),
    decisionIs: ({ context, event }, params: { decision: Decision }) =>
      event.type === 'DECIDE' && isOpenTask(context, event.taskKey) && event.decision === params.decision,
    // An approved review task closes at once, so the last open one is the last approval.
    lastTechnicalApproval: ({ context, event }) =>
      event.type === 'DECIDE' && context.tasks.length === 1 && context.tasks[0]!.key === event.taskKey,
    needsDprd: ({ context }) => context.requiresDprdApproval,
    isForeign: ({ context }) => context.partnerCategory === 'foreign',
    fromPartner: ({ context }) => context.initiative === 'partner',
    cityInitiative: ({ context }) => context.initiative === 'city',
    namesAssignee: ({ event }) => event.type === 'DECIDE' && typeof event.assignee === 'string' && event.assignee.length > 0,
    // The stage is the decided task's: a decision's document must be uploaded there (the partner's reply at partner_response).
    decisionDocumentPresent: ({ context, event }) => {
      if (event.type !== 'DECIDE') return false;
      const stage = context.tasks.find((t) => t.key === event.taskKey)?.stage;
      return DECISION_REQUIRES.filter((r) => r.stage === stage && r.decision === event.decision).every((r) => context.documents?.[r.kind]?.stage === r.stage);
    },
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
    // The OPD proposer the intake named carries the case on; the engine keeps the case's proposer in step with it.
    takeProposer: assign(({ context, event }) => (event.type === 'DECIDE' && event.assignee ? { proposerId: event.assignee } : { proposerId: context.proposerId })),
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
  id: 'cooperation',
  // `begin` is no stage: the case passes it at once, to where its initiative begins.
  initial: 'begin',
  // xstate's transition() builds a throwaway actor per call, whose initial snapshot gets no input; a
  // throw here for that discarded snapshot used to cost more than the transition itself.
  context: ({ input }) => ({
    ...input,
    allowedInstruments: [...(input?.allowedInstruments ?? [])],
    initiative: input?.initiative ?? 'opd',
    reviewers: [],
    tasks: [],
    taskSeq: 0,
    approvals: [],
    returnTo: null,
    revisions: 0,
    documents: {},
  }),
  states: {
    begin: {
      always: [{ guard: 'fromPartner', target: 'intake' }, { target: 'proposal' }],
    },
    intake: {
      entry: { type: 'openTasks', params: { stage: 'intake' } },
      exit: 'closeTasks',
      on: {
        DECIDE: [
          { guard: and([decided('approve'), 'namesAssignee']), target: 'proposal', actions: 'takeProposer' },
          { guard: decided('revise'), target: 'awaiting_partner' },
          { guard: decided('reject'), target: 'rejected' },
          { guard: decided('spam'), target: 'spam' },
        ],
        CLAIM: { guard: 'canClaim', actions: 'claimTask' },
        UNCLAIM: { guard: 'canUnclaim', actions: 'unclaimTask' },
        DELEGATE: { guard: 'canDelegate', actions: 'delegateTask' },
        ...uploads('intake'),
      },
    },
    awaiting_partner: {
      on: {
        PARTNER_REPLY: 'intake',
        ...uploads('awaiting_partner'),
      },
    },
    proposal: {
      on: {
        SUBMIT: { guard: and(['instrumentFitsPartner', 'requiredDocuments']), target: 'administrative_check' },
        WITHDRAW: 'withdrawn',
        ...uploads('proposal'),
      },
    },
    administrative_check: taskStage('administrative_check', {
      approve: [{ target: 'technical_review', actions: 'recordReviewers' }],
    }),
    technical_review: taskStage('technical_review', {
      approve: [
        { guard: 'lastTechnicalApproval', target: 'tkksd_coordination' },
        { actions: 'recordApproval' },
      ],
    }),
    tkksd_coordination: taskStage('tkksd_coordination', { approve: [{ guard: 'cityInitiative', target: 'partner_response' }, { target: 'legal_review' }] }),
    partner_response: taskStage('partner_response', { approve: [{ guard: 'decisionDocumentPresent', target: 'legal_review' }] }),
    legal_review: taskStage('legal_review', {
      approve: [
        { guard: 'needsDprd', target: 'dprd_approval' },
        { guard: 'isForeign', target: 'ministry_approval' },
        { target: 'mayor_signature' },
      ],
    }),
    dprd_approval: taskStage('dprd_approval', {
      approve: [{ guard: 'isForeign', target: 'ministry_approval' }, { target: 'mayor_signature' }],
    }),
    ministry_approval: taskStage('ministry_approval', { approve: [{ target: 'mayor_signature' }] }),
    mayor_signature: taskStage('mayor_signature', { sign: [{ target: 'signed', guard: 'signedDocumentPresent' }] }),
    signed: {
      on: { TERMINATE: 'terminated', EXPIRE: 'expired' },
    },
    revision: {
      exit: 'clearReturn',
      on: {
        RESUBMIT: [
          { guard: { type: 'returnsTo', params: { stage: 'administrative_check' } }, target: 'administrative_check' },
          { guard: { type: 'returnsTo', params: { stage: 'technical_review' } }, target: 'technical_review' },
          { guard: { type: 'returnsTo', params: { stage: 'tkksd_coordination' } }, target: 'tkksd_coordination' },
          { guard: { type: 'returnsTo', params: { stage: 'legal_review' } }, target: 'legal_review' },
          { guard: { type: 'returnsTo', params: { stage: 'dprd_approval' } }, target: 'dprd_approval' },
          { guard: { type: 'returnsTo', params: { stage: 'ministry_approval' } }, target: 'ministry_approval' },
          { guard: { type: 'returnsTo', params: { stage: 'mayor_signature' } }, target: 'mayor_signature' },
        ],
        WITHDRAW: 'withdrawn',
        ...uploads('revision'),
      },
    },
    expired: { type: 'final' },
    terminated: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
    spam: { type: 'final' },
  },
});

/** The guard that the decided task is open and its decision is `decision`. */
function decided(decision: Decision) {
  return { type: 'decisionIs' as const, params: { decision } };
}

/** A task stage: opens its tasks on entry, closes them on exit, and routes every decision it allows. */
function taskStage(
  stage: TaskStage,
  forward: Partial<
    Record<
      'approve' | 'sign',
      { target?: Stage; guard?: 'needsDprd' | 'isForeign' | 'lastTechnicalApproval' | 'signedDocumentPresent' | 'cityInitiative' | 'decisionDocumentPresent'; actions?: 'recordReviewers' | 'recordApproval' }[]
    >
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
