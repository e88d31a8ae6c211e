/**
 * What every workflow version hands the registry: its machine and the rules the rest of onegate asks
 * about a case (who acts at a stage, which decisions it takes, its SLAs and documents). Types only; a
 * version fills them with its own sealed data, and no code outside workflows/ names a version's files.
 */
import type { AnyStateMachine } from 'xstate';
import type { Instrument, PartnerCategory, Role } from './domain.js';

export interface TaskStageRule<Decision extends string = string> {
  /** The role whose members may claim and complete the stage's tasks. */
  role: Role;
  /** Decisions a task of this stage accepts. */
  decisions: readonly Decision[];
  /** Decisions that must carry a comment. */
  commentRequired: readonly Decision[];
  /** Short English and Indonesian names, for the inbox and e-mails. */
  title: { en: string; id: string };
  /**
   * This decision names `assignee`, a user holding `role`, who becomes the case's proposer (an offer's
   * intake approved to an OPD): required with it, refused with any other decision.
   */
  assignee?: { decision: Decision; role: Role };
}

export interface CaseEventRule {
  roles: readonly Role[];
  /** Only the user who proposed the case may send it. */
  proposerOnly: boolean;
  /**
   * Sent by the partner of an offer (actor `partner:<offerId>`, who is then the case's proposer) through
   * its own service method, never by a user: `roles` is empty.
   */
  byPartner?: boolean;
}

/** What happens when a task outlives `onExpiry.after` (counted, like `due`, from the task's opening). */
export interface ExpiryAction {
  /** `approve` = deemed approval (silence counts as consent). */
  action: 'approve';
  after: string;
}

/** ISO 8601 durations: a `D` part counts working days, a `T` part clock time. */
export interface StageSla {
  /** Time from the task's opening to its due time. */
  due: string;
  /** Offsets before the due time (`PT0S` = at due). */
  remind: string[];
  /** Offsets after the due time. */
  escalate: string[];
  /** Off unless configured: no deemed approval is verified in the sources. */
  onExpiry?: ExpiryAction;
  /** Where the value comes from and whether it is verified. */
  source: string;
}

export interface SlaTable<TaskStage extends string = string> {
  stages: Record<TaskStage, StageSla>;
  /** Calendar days before `validUntil` on which a signed agreement's expiry reminders go out. */
  expiryReminderDays: number[];
}

export interface UploadRule<Kind extends string = string> {
  roles: readonly Role[];
  kinds: readonly Kind[];
  /** Only the case's own proposer, not any holder of the role. */
  proposerOnly?: boolean;
  /** The partner of an offer may upload these too, while it is the case's proposer (actor `partner:<offerId>`). */
  partner?: boolean;
}

export interface DocumentRules {
  kinds: readonly string[];
  /** Uploads by stage; a stage not listed takes none. A rule with `partner` is for the offer's partner (actor `partner:<offerId>`). */
  uploadRules: Readonly<Partial<Record<string, readonly UploadRule[]>>>;
  submitRequires: {
    always: readonly string[];
    byCategory: Readonly<Partial<Record<PartnerCategory, readonly string[]>>>;
    byInstrument: Readonly<Partial<Record<Instrument, readonly string[]>>>;
  };
  /** `sign` needs this kind uploaded at this stage. */
  signRequires: { kind: string; uploadedAt: string };
  /** Other decisions that need a kind uploaded at their stage first (the partner's reply, to approve partner_response). */
  decisionRequires?: readonly { stage: string; decision: string; kind: string }[];
  requiredForSubmit(instrument: Instrument, category: PartnerCategory): string[];
  uploadKindsAt(stage: string): string[];
}

/** A task the machine holds open in its context; the engine mirrors it as a task row. */
export interface MachineTask {
  key: string;
  stage: string;
  role: Role;
  assignee: string | null;
}

export interface WorkflowDefinition {
  name: string;
  version: number;
  description: string;
  machine: AnyStateMachine;
  /** Every stage, in procedure order, then the side and final stages. */
  stages: readonly string[];
  /** Stages that open tasks. */
  taskStages: readonly string[];
  /** Stages a case never leaves. */
  finalStages: readonly string[];
  /** The stage of an agreement in force: entering it records `signedAt` and schedules its expiry. */
  inForceStage: string | null;
  decisions: readonly string[];
  taskStageRules: Readonly<Record<string, TaskStageRule>>;
  /** Events sent to a case itself (`POST /api/cases/:id/events`). */
  caseEventTypes: readonly string[];
  caseEventRules: Readonly<Record<string, CaseEventRule>>;
  /** The message (contract §8) a case's proposer and secretariat get when the case enters a stage. */
  stageMessages: Readonly<Partial<Record<string, 'revision_requested' | 'case_rejected' | 'case_signed'>>>;
  /** The version's default SLAs; ONEGATE_SLA overrides them per stage. */
  sla: { stages: Readonly<Record<string, StageSla>>; expiryReminderDays: readonly number[] };
  /** Document rules, or null for a version without documents. */
  documents: DocumentRules | null;
  /**
   * Who may begin a case of this version (contract §11: `opd`, `partner`, `city`), first the default; the
   * machine's input carries it as `initiative`. Absent: only an OPD's proposal (versions before 3).
   */
  initiatives?: readonly string[];
  /** The series its cases are numbered in, per year: `KS` when absent (KS-2026-0001), e.g. `EV` for evaluations. */
  numberSeries?: string;
  /**
   * Checks what a task decision carries besides its comment (an evaluation's report, a rating), before
   * the step: the field and message of a 400, or null when it is whole. Absent: decisions carry nothing else.
   */
  checkDecisionInput?: (stage: string, decision: string, input: Readonly<Record<string, unknown>>) => { field: string; message: string } | null;
  /** Says why the machine refused an event, when the rules can tell (for the 409's message). */
  explainRefusal?: (context: never, stage: string, event: { type: string; [k: string]: unknown }) => { message: string; details: Record<string, unknown> } | null;
}
