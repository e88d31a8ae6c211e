/** Row shapes of onegate's tables. The schemas that map them are in entities.ts. */

/** `cooperation`: a new proposal; `amendment`, `renewal`, `evaluation`: of the agreement `parentCaseId` (contract §10). */
export const CASE_KINDS = ['cooperation', 'amendment', 'renewal', 'evaluation'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export interface CaseRow {
  id: string;
  number: string;
  title: string;
  instrument: string;
  partnerName: string;
  partnerCategory: string;
  partnerCountry: string | null;
  summary: string | null;
  requiresDprdApproval: boolean;
  parentCaseId: string | null;
  /** What the case is (contract §10): a proposal, an addendum or renewal of its parent agreement, or an evaluation of it. */
  kind: CaseKind;
  validFrom: string | null;
  validUntil: string | null;
  /**
   * What the proposal says the register will need (urusan, OPDs, value, the partner's contact person), so
   * the register entry is filled from it at signing; null when the proposal gave none of it (or predates it).
   */
  proposal?: CaseProposal | null;
  stage: string;
  version: number;
  workflowName: string;
  workflowVersion: number;
  /** The machine's persisted state: `{ value, context }`. */
  snapshot: { value: string; context: Record<string, unknown> };
  proposerId: string;
  headHash: string;
  signedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A proposal's structured part (CreateCaseDto's `fields`, `opds`, `value`, `partner.contact`). */
export interface CaseProposal {
  fields: string[];
  opds: string[];
  value: AgreementValue | null;
  contact: PartnerContact | null;
}

/** The partner's contact person for the proposal. */
export interface PartnerContact {
  name: string;
  email: string;
  phone: string | null;
}

export interface CaseEventRow {
  id?: number;
  caseId: string;
  seq: number;
  type: string;
  actorId: string;
  actorRoles: string[];
  at: Date;
  data: Record<string, unknown>;
  stageBefore: string | null;
  stageAfter: string;
  workflowName: string;
  workflowVersion: number;
  prevHash: string;
  hash: string;
  /** How the event was written out before hashing (event-hash.ts): 1 before issue 16, 2 since. */
  hashFormat: number;
}

export type TaskStatus = 'open' | 'completed' | 'cancelled';

export interface TaskRow {
  id: string;
  caseId: string;
  key: string;
  stage: string;
  role: string;
  assigneeId: string | null;
  status: TaskStatus;
  decision: string | null;
  comment: string | null;
  completedBy: string | null;
  createdAt: Date;
  completedAt: Date | null;
  dueAt: Date | null;
}

export const MESSAGE_CHANNELS = ['email', 'whatsapp'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];
export const DIGEST_SETTINGS = ['none', 'daily'] as const;
export type DigestSetting = (typeof DIGEST_SETTINGS)[number];

export interface UserRow {
  id: string;
  name: string;
  email: string;
  roles: string[];
  supervisorId: string | null;
  locale: string;
  /** false: deactivated, every request of theirs is refused (contract §3). */
  active: boolean;
  /** The signer's NIK at BSrE (ONEGATE_SIGNING=bsre, contract §12); absent or null for everyone else. */
  nik?: string | null;
  /** A WhatsApp number, normalised `62…` (contract §12); null: none. */
  phone: string | null;
  /** The channels their messages go by; null: e-mail only (a user from before channels). */
  channels: MessageChannel[] | null;
  /** `daily`: one morning e-mail of their open tasks instead of separate reminders. */
  digest: DigestSetting;
  createdAt: Date;
  updatedAt: Date;
}

export interface IdempotencyRow {
  key: string;
  userId: string;
  method: string;
  path: string;
  requestHash: string;
  statusCode: number | null;
  response: unknown;
  createdAt: Date;
}

export interface CounterRow {
  name: string;
  value: number;
}

/**
 * `notify`: a message a step asks for (its kind in `offset`), sent like a deadline's, at the step's moment.
 * After signing (contract §10): `evaluation_due` opens an agreement's evaluation (its period in `offset`);
 * `amend` applies a signed addendum to its agreement (the addendum's case id in `offset`); `cancel_evaluation`
 * ends an open evaluation of an agreement that ended. Each runs once, as a step of the case it names.
 */
export type TimerKind = 'remind' | 'escalate' | 'deemed_approval' | 'expiry_reminder' | 'expire' | 'notify' | 'evaluation_due' | 'amend' | 'cancel_evaluation';
export type TimerStatus = 'pending' | 'fired' | 'cancelled';

export interface TimerRow {
  id: string;
  caseId: string;
  taskId: string | null;
  kind: TimerKind;
  /** Which reminder or escalation of the list (0-based); days before expiry for expiry reminders. */
  idx: number;
  /** The configured offset that placed it (`P1D`, `PT10S`, `90`). */
  offset: string;
  fireAt: Date;
  dueAt: Date | null;
  status: TimerStatus;
  createdAt: Date;
  settledAt: Date | null;
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface DeliveryRow {
  id: string;
  caseId: string;
  timerId: string;
  /** A message kind of contract §8 (`reminder`, `escalation`, `task_assigned`, …). */
  kind: string;
  /** Escalations: 0 = the supervisor, 1+ = the TKKSD chair. */
  level: number | null;
  /** Sent as a catch-up, after the moment it was due (an outage, or history loaded later). */
  late: boolean;
  recipientId: string;
  recipientEmail: string;
  /** `email`, or `whatsapp` (then sent to recipientPhone; the address still names the recipient). */
  channel: MessageChannel;
  recipientPhone: string | null;
  locale: string;
  subject: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  /** While `sending`: until when this attempt holds the delivery; after that another worker may retry it. */
  leaseUntil: Date | null;
}

/** A user's morning digest of one working day (contract §12): `sending` (leased), `pending` (to retry), `sent`, `failed`, or `empty`. */
export interface DigestRow {
  id: string;
  userId: string;
  /** The working day, `YYYY-MM-DD` in the city's zone. */
  localDate: string;
  recipientEmail: string;
  subject: string;
  body: string;
  taskCount: number;
  overdueCount: number;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'empty';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  leaseUntil: Date | null;
}

export interface DocumentRow {
  id: string;
  caseId: string;
  kind: string;
  version: number;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: Date;
  /** The case event that recorded the upload. */
  eventSeq: number;
}

/** One try of the mayor's electronic signature (contract §12), kept for the auditor; never the passphrase. */
export interface SigningAttemptRow {
  id: string;
  caseId: string;
  taskId: string;
  userId: string;
  /** local or bsre. */
  backend: string;
  /** signed, failed or refused (the certificate not usable: 409). */
  outcome: string;
  /** A SigningReason (src/signing/signing.port.ts), null when signed. */
  reason: string | null;
  /** What the signer said (BSrE's error text, an HTTP status), the passphrase masked out. */
  detail: string | null;
  /** The `signed` document written, when signed. */
  documentId: string | null;
  durationMs: number;
  attemptedAt: Date;
}

export interface BlobRow {
  sha256: string;
  size: number;
  content: Buffer;
  createdAt: Date;
}

export interface CheckpointRow {
  id: string;
  createdAt: Date;
  root: string;
  cases: number;
  events: number;
  /** [caseId, seq, leafHash] of every case's chain head, sorted by case id. */
  leaves: [string, number, string][];
  signature: string;
}

export interface SettingRow {
  key: string;
  value: string;
}

export interface Signatory {
  party: 'city' | 'partner';
  name: string;
  position: string;
}

export interface AgreementValue {
  amount: number;
  currency: string;
  source: string | null;
}

/**
 * The register's own fields of an agreement (contract §9); the rest (title, partner, term, stage) is its
 * case's row, under the same id. Written when the case enters its workflow's in-force stage, or by an import.
 */
export interface AgreementRow {
  id: string;
  /** The city's agreement number: the case number until the secretariat records the city's own. */
  number: string;
  partnerNumber: string | null;
  /** The local calendar date it was signed (YYYY-MM-DD). */
  signedAt: string | null;
  signedPlace: string | null;
  signatories: Signatory[];
  fields: string[];
  opds: string[];
  value: AgreementValue | null;
  source: 'workflow' | 'imported';
  createdAt: Date;
  updatedAt: Date;
}

/** That the half-yearly report (contract §9) went out: to whom, under which letter number, when. */
export interface SemesterReportSentRow {
  id: string;
  year: number;
  half: number;
  sentTo: string;
  letterNumber: string;
  sentAt: Date;
  recordedBy: string;
  recordedAt: Date;
}

/**
 * A partner's offer through `/public/offers` (contract §11): its case, the contact person who is mailed,
 * and the sha256 of its tracking code. The code itself is never stored; the partner acts as `partner:<id>`.
 */
export interface OfferRow {
  id: string;
  caseId: string;
  /** sha256 (hex) of the tracking code. */
  codeHash: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string | null;
  createdAt: Date;
}
