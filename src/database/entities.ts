import { EntitySchema } from 'typeorm';
import { typesFor, type Dialect } from './columns.js';
import type { AgreementRow, CaseEventRow, CaseRow, CounterRow, BlobRow, CheckpointRow, DeliveryRow, DigestRow, DocumentRow, IdempotencyRow, SettingRow, TaskRow, TimerRow, UserRow } from './rows.js';
import type { OfferRow, SemesterReportSentRow, SigningAttemptRow } from './rows.js';

export const CASE = 'case';
export const CASE_EVENT = 'case_event';
export const TASK = 'task';
export const USER = 'user';
export const IDEMPOTENCY = 'idempotency';
export const COUNTER = 'counter';
export const TIMER = 'timer';
export const DELIVERY = 'delivery';
export const DOCUMENT = 'document';
export const BLOB = 'document_blob';
export const CHECKPOINT = 'checkpoint';
export const SETTING = 'setting';
export const SEMESTER_REPORT_SENT = 'semester_report_sent';
export const AGREEMENT = 'agreement';
export const OFFER = 'offer';
export const SIGNING_ATTEMPT = 'signing_attempt';
export const DIGEST = 'digest';

/** Entity schemas for one dialect; built at start so both databases can be used in one process. */
export function createEntities(dialect: Dialect): EntitySchema[] {
  const t = typesFor(dialect);
  const ts = (name: string, nullable = false) => ({ type: t.timestamp, name, nullable }) as const;
  const str = (name: string, length: number, nullable = false) => ({ type: 'varchar', name, length, nullable }) as const;
  return [
    new EntitySchema<CaseRow>({
      name: CASE,
      tableName: 'cases',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        number: str('number', 32),
        title: str('title', 300),
        instrument: str('instrument', 16),
        partnerName: str('partner_name', 300),
        partnerCategory: str('partner_category', 32),
        partnerCountry: str('partner_country', 100, true),
        summary: { type: 'text', nullable: true },
        requiresDprdApproval: { type: 'boolean', name: 'requires_dprd_approval' },
        parentCaseId: str('parent_case_id', 36, true),
        kind: str('kind', 16),
        validFrom: str('valid_from', 10, true),
        validUntil: str('valid_until', 10, true),
        proposal: { type: t.json, nullable: true },
        stage: str('stage', 32),
        version: { type: 'integer' },
        workflowName: str('workflow_name', 64),
        workflowVersion: { type: 'integer', name: 'workflow_version' },
        snapshot: { type: t.json },
        proposerId: str('proposer_id', 128),
        headHash: str('head_hash', 64),
        signedAt: ts('signed_at', true),
        createdAt: ts('created_at'),
        updatedAt: ts('updated_at'),
      },
    }),
    new EntitySchema<CaseEventRow>({
      name: CASE_EVENT,
      tableName: 'case_events',
      columns: {
        id: { type: 'integer', primary: true, generated: 'increment' },
        caseId: str('case_id', 36),
        seq: { type: 'integer' },
        type: str('type', 64),
        actorId: str('actor_id', 128),
        actorRoles: { type: t.json, name: 'actor_roles' },
        at: ts('at'),
        data: { type: t.json },
        stageBefore: str('stage_before', 32, true),
        stageAfter: str('stage_after', 32),
        workflowName: str('workflow_name', 64),
        workflowVersion: { type: 'integer', name: 'workflow_version' },
        prevHash: str('prev_hash', 64),
        hash: str('hash', 64),
        hashFormat: { type: 'integer', name: 'hash_format' },
      },
    }),
    new EntitySchema<TaskRow>({
      name: TASK,
      tableName: 'tasks',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        caseId: str('case_id', 36),
        key: str('key', 16),
        stage: str('stage', 32),
        role: str('role', 32),
        assigneeId: str('assignee_id', 128, true),
        status: str('status', 16),
        decision: str('decision', 16, true),
        comment: { type: 'text', nullable: true },
        completedBy: str('completed_by', 128, true),
        createdAt: ts('created_at'),
        completedAt: ts('completed_at', true),
        dueAt: ts('due_at', true),
      },
    }),
    new EntitySchema<UserRow>({
      name: USER,
      tableName: 'users',
      columns: {
        id: { type: 'varchar', length: 128, primary: true },
        name: str('name', 200),
        email: str('email', 320),
        roles: { type: t.json },
        supervisorId: str('supervisor_id', 128, true),
        locale: str('locale', 8),
        active: { type: 'boolean', default: true },
        nik: str('nik', 16, true),
        phone: str('phone', 20, true),
        channels: { type: t.json, nullable: true },
        digest: { type: 'varchar', length: 8, default: 'none' },
        createdAt: ts('created_at'),
        updatedAt: ts('updated_at'),
      },
    }),
    new EntitySchema<IdempotencyRow>({
      name: IDEMPOTENCY,
      tableName: 'idempotency_keys',
      columns: {
        key: { type: 'varchar', length: 255, primary: true },
        userId: { type: 'varchar', length: 128, primary: true, name: 'user_id' },
        method: str('method', 8),
        path: str('path', 500),
        requestHash: str('request_hash', 64),
        statusCode: { type: 'integer', name: 'status_code', nullable: true },
        response: { type: t.json, nullable: true },
        createdAt: ts('created_at'),
      },
    }),
    new EntitySchema<CounterRow>({
      name: COUNTER,
      tableName: 'counters',
      columns: {
        name: { type: 'varchar', length: 64, primary: true },
        value: { type: 'integer' },
      },
    }),
    new EntitySchema<TimerRow>({
      name: TIMER,
      tableName: 'timers',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        caseId: str('case_id', 36),
        taskId: str('task_id', 36, true),
        kind: str('kind', 32),
        idx: { type: 'integer' },
        // 64 since 1766000000000: an amend or cancel_evaluation timer's offset is a case id.
        offset: str('offset_spec', 64),
        fireAt: ts('fire_at'),
        dueAt: ts('due_at', true),
        status: str('status', 16),
        createdAt: ts('created_at'),
        settledAt: ts('settled_at', true),
      },
    }),
    new EntitySchema<DeliveryRow>({
      name: DELIVERY,
      tableName: 'deliveries',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        caseId: str('case_id', 36),
        timerId: str('timer_id', 36),
        kind: str('kind', 32),
        level: { type: 'integer', nullable: true },
        late: { type: 'boolean', default: false },
        recipientId: str('recipient_id', 128),
        recipientEmail: str('recipient_email', 320),
        channel: { type: 'varchar', length: 16, default: 'email' },
        recipientPhone: str('recipient_phone', 20, true),
        locale: str('locale', 8),
        subject: str('subject', 500),
        body: { type: 'text' },
        status: str('status', 16),
        attempts: { type: 'integer' },
        lastError: { type: 'text', name: 'last_error', nullable: true },
        createdAt: ts('created_at'),
        sentAt: ts('sent_at', true),
        leaseUntil: ts('lease_until', true),
      },
    }),
    new EntitySchema<DigestRow>({
      name: DIGEST,
      tableName: 'digests',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        userId: str('user_id', 128),
        localDate: str('local_date', 10),
        recipientEmail: str('recipient_email', 320),
        subject: str('subject', 500),
        body: { type: 'text' },
        taskCount: { type: 'integer', name: 'task_count' },
        overdueCount: { type: 'integer', name: 'overdue_count' },
        status: str('status', 16),
        attempts: { type: 'integer' },
        lastError: { type: 'text', name: 'last_error', nullable: true },
        createdAt: ts('created_at'),
        sentAt: ts('sent_at', true),
        leaseUntil: ts('lease_until', true),
      },
    }),
    new EntitySchema<DocumentRow>({
      name: DOCUMENT,
      tableName: 'documents',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        caseId: str('case_id', 36),
        kind: str('kind', 32),
        version: { type: 'integer' },
        name: str('name', 255),
        mediaType: str('media_type', 128),
        size: { type: 'integer' },
        sha256: str('sha256', 64),
        uploadedBy: str('uploaded_by', 128),
        uploadedAt: ts('uploaded_at'),
        eventSeq: { type: 'integer', name: 'event_seq' },
      },
    }),
    new EntitySchema<SigningAttemptRow>({
      name: SIGNING_ATTEMPT,
      tableName: 'signing_attempts',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        caseId: str('case_id', 36),
        taskId: str('task_id', 36),
        userId: str('user_id', 128),
        backend: str('backend', 16),
        outcome: str('outcome', 16),
        reason: str('reason', 64, true),
        detail: { type: 'text', nullable: true },
        documentId: str('document_id', 36, true),
        durationMs: { type: 'integer', name: 'duration_ms' },
        attemptedAt: ts('attempted_at'),
      },
    }),
    new EntitySchema<BlobRow>({
      name: BLOB,
      tableName: 'document_blobs',
      columns: {
        sha256: { type: 'varchar', length: 64, primary: true },
        size: { type: 'integer' },
        content: { type: t.binary },
        createdAt: ts('created_at'),
      },
    }),
    new EntitySchema<CheckpointRow>({
      name: CHECKPOINT,
      tableName: 'checkpoints',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        createdAt: ts('created_at'),
        root: str('root', 64),
        cases: { type: 'integer' },
        events: { type: 'integer' },
        leaves: { type: t.json },
        signature: str('signature', 64),
      },
    }),
    new EntitySchema<SettingRow>({
      name: SETTING,
      tableName: 'settings',
      columns: { key: { type: 'varchar', length: 64, primary: true }, value: str('value', 500) },
    }),
    new EntitySchema<SemesterReportSentRow>({
      name: SEMESTER_REPORT_SENT,
      tableName: 'semester_reports_sent',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        year: { type: 'integer' },
        half: { type: 'integer' },
        sentTo: str('sent_to', 300),
        letterNumber: str('letter_number', 100),
        sentAt: ts('sent_at'),
        recordedBy: str('recorded_by', 128),
        recordedAt: ts('recorded_at'),
      },
    }),
    new EntitySchema<AgreementRow>({
      name: AGREEMENT,
      tableName: 'agreements',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        number: str('number', 100),
        partnerNumber: str('partner_number', 200, true),
        signedAt: str('signed_at', 10, true),
        signedPlace: str('signed_place', 200, true),
        signatories: { type: t.json },
        fields: { type: t.json },
        opds: { type: t.json },
        value: { type: t.json, nullable: true },
        source: str('source', 16),
        createdAt: ts('created_at'),
        updatedAt: ts('updated_at'),
      },
    }),
    new EntitySchema<OfferRow>({
      name: OFFER,
      tableName: 'offers',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        caseId: str('case_id', 36),
        codeHash: str('code_hash', 64),
        contactName: str('contact_name', 200),
        contactEmail: str('contact_email', 254),
        contactPhone: str('contact_phone', 40, true),
        createdAt: ts('created_at'),
      },
    }),
  ];
}
