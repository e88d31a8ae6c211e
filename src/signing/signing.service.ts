import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { findWorkflow } from '../../workflows/registry.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, forbidden, invalid, notFound } from '../common/errors.js';
import { Database } from '../database/database.js';
import { CASE, DOCUMENT, SIGNING_ATTEMPT, TASK } from '../database/entities.js';
import type { CaseRow, DocumentRow, SigningAttemptRow, TaskRow } from '../database/rows.js';
import { UserRepository } from '../directory/user.repository.js';
import { DocumentsService, type DocumentDto } from '../documents/documents.service.js';
import { canSeeCase } from '../cases/case-visibility.js';
import { LABELS } from '../i18n/labels.js';
import { verifyEmbeddedSignature } from './pdf-signature.js';
import { CERTIFICATE_REASONS, SIGNER, SigningFailure, maskSecret, type SignatureCheck, type Signer } from './signing.port.js';

/** The kinds a case's text is drafted in (cooperation's per instrument, an amendment's addendum): the newest is what gets signed. */
export const DRAFT_KINDS: readonly string[] = ['draft_kb', 'draft_pks', 'draft_nk', 'addendum'];

/**
 * The mayor's electronic signature (contract §12), a use case of the signature task: the case's latest
 * draft goes through the signing port and comes back as the `signed` document (an upload on the case's
 * chain); every attempt is recorded for the auditor. The passphrase is handed to the port and nowhere else.
 */
@Injectable()
export class SigningService {
  private readonly logger = new Logger('Signing');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(DocumentsService) private readonly documents: DocumentsService,
    @Inject(SIGNER) private readonly signer: Signer | null,
  ) {}

  /** True when `sign` at the signature stage signs here (local or bsre), false for the uploaded copy. */
  get signsHere(): boolean {
    return this.signer !== null;
  }

  /**
   * Signs the latest draft of the task's case and stores it as the `signed` document; null when the
   * task is not a signature task (the task's own use case then answers the decision). Checks first
   * what the decision's step would refuse, so a refused step does not follow a stored signature.
   */
  async signForTask(actor: Actor, taskId: string, passphrase: string | undefined): Promise<DocumentDto | null> {
    const signer = this.signer;
    if (!signer) return null;
    const found = await this.db.read(async (em) => {
      const task = await em.findOneBy<TaskRow>(TASK, { id: taskId });
      const c = task ? await em.findOneBy<CaseRow>(CASE, { id: task.caseId }) : null;
      const docs = c ? await em.find<DocumentRow>(DOCUMENT, { where: { caseId: c.id }, order: { uploadedAt: 'DESC', version: 'DESC' } }) : [];
      const user = await this.users.byId(em, actor.id);
      return task && c ? { task, c, docs, nik: user?.nik ?? null } : null;
    });
    if (!found || !canSeeCase(actor, found.c)) throw notFound('task', taskId);
    const { task, c, docs } = found;
    const workflow = findWorkflow(c.workflowName, c.workflowVersion);
    if (!workflow?.documents || task.stage !== workflow.documents.signRequires.uploadedAt) return null;
    if (task.status !== 'open') throw new DomainError('TaskAlreadyCompleted', `task ${taskId} is already ${task.status}`, { taskStatus: task.status });
    if (!actor.roles.includes(task.role as never)) throw forbidden(`task ${task.id} is for the role ${task.role}`);
    if (task.assigneeId && task.assigneeId !== actor.id) throw new DomainError('TaskClaimedByAnother', `task ${task.id} is claimed by ${task.assigneeId}`, { assigneeId: task.assigneeId });
    if (!passphrase) throw invalid('passphrase', `required: signing is ${signer.backend} (ONEGATE_SIGNING), the passphrase of the signer's certificate`);
    const draft = docs.find((d) => DRAFT_KINDS.includes(d.kind));
    const draftKind = workflow.documents.submitRequires.byInstrument[c.instrument as never]?.[0] ?? DRAFT_KINDS.find((k) => workflow.documents!.kinds.includes(k)) ?? 'draft_pks';
    if (!draft) throw new DomainError('InvalidTransition', `sign needs a draft of the text (${draftKind}) to sign`, { stage: task.stage, missingDocuments: [draftKind] });
    if (draft.mediaType !== 'application/pdf') {
      throw new DomainError('InvalidTransition', `the latest draft (${draft.kind} v${draft.version}) is ${draft.mediaType}, not a PDF: upload it as a PDF to sign it`, { stage: task.stage, missingDocuments: [draft.kind], draftMediaType: draft.mediaType });
    }
    const { bytes } = await this.documents.content(actor, draft.id);
    const started = Date.now();
    const at = this.clock.now();
    let signed: Buffer;
    try {
      signed = await signer.sign({ pdf: bytes, passphrase, nik: found.nik, signerName: actor.name ?? actor.id, reason: `Penandatanganan ${c.number}`, location: 'onegate', at });
      if (signed.subarray(0, 5).toString('latin1') !== '%PDF-') throw new SigningFailure('not_pdf', 'the signer returned a file that is not a PDF');
    } catch (err) {
      const failure = err instanceof SigningFailure ? err : null;
      await this.record({ caseId: c.id, taskId, userId: actor.id, backend: signer.backend, outcome: failure && CERTIFICATE_REASONS.includes(failure.reason) ? 'refused' : 'failed', reason: failure?.reason ?? 'internal', detail: maskSecret(failure?.detail ?? (err instanceof Error ? err.message : String(err)), passphrase).slice(0, 1000), documentId: null, durationMs: Date.now() - started, attemptedAt: at });
      if (!failure) throw err;
      throw toDomainError(failure);
    }
    const name = `${draft.name.replace(/\.pdf$/i, '')}-ditandatangani.pdf`;
    const document = await this.documents.add(actor, c.id, 'signed', { name, bytes: signed });
    await this.record({ caseId: c.id, taskId, userId: actor.id, backend: signer.backend, outcome: 'signed', reason: null, detail: null, documentId: document.id, durationMs: Date.now() - started, attemptedAt: at });
    this.logger.log(`case ${c.number}: ${draft.kind} v${draft.version} signed (${signer.backend}) as document ${document.id}`);
    return document;
  }

  /** `GET /api/documents/:id/verification`: the document's embedded signature, checked by the backend (BSrE verifies its own). */
  async verification(actor: Actor, documentId: string): Promise<SignatureCheck> {
    const { doc, bytes } = await this.documents.content(actor, documentId);
    if (doc.mediaType !== 'application/pdf') return { valid: false, signer: null, signedAt: null, issuer: null };
    if (this.signer?.backend !== 'bsre') return verifyEmbeddedSignature(bytes);
    try {
      return await this.signer.verify(bytes);
    } catch (err) {
      if (err instanceof SigningFailure) throw toDomainError(err);
      throw err;
    }
  }

  /** The signing attempts of a case, oldest first (the auditor's view). */
  async attempts(caseId: string): Promise<SigningAttemptDto[]> {
    const rows = await this.db.read(async (em) => {
      // An unknown case is a 404, as everywhere, not an empty record.
      if (!(await em.existsBy(CASE, { id: caseId }))) throw notFound('case', caseId);
      return em.find<SigningAttemptRow>(SIGNING_ATTEMPT, { where: { caseId }, order: { attemptedAt: 'ASC' } });
    });
    return rows.map(toSigningAttemptDto);
  }

  private async record(row: Omit<SigningAttemptRow, 'id'>): Promise<void> {
    // Kept whatever the request's outcome, and not one of its writes (an Idempotency-Key stays free to retry).
    await this.db.outsideCommitHook(() => this.db.transaction((em) => em.insert(SIGNING_ATTEMPT, { id: randomUUID(), ...row })));
    if (row.outcome !== 'signed') this.logger.warn(`case ${row.caseId}: signing ${row.outcome} (${row.backend}): ${row.reason}${row.detail ? ` — ${row.detail}` : ''}`);
  }
}

/** 409 for a certificate that is not usable, 502 for a backend that failed; the reason in both languages. */
function toDomainError(failure: SigningFailure): DomainError {
  const refused = CERTIFICATE_REASONS.includes(failure.reason);
  const status = failure.certificateStatus ?? '';
  const words = (locale: 'id' | 'en') => (LABELS[locale][`signing.${failure.reason}`] ?? failure.message).replace('{status}', status || '—');
  return new DomainError(refused ? 'SigningRefused' : 'SigningFailed', failure.message, {
    reason: failure.reason,
    ...(failure.certificateStatus ? { certificateStatus: failure.certificateStatus } : {}),
    reasonText: { id: words('id'), en: words('en') },
  });
}

export interface SigningAttemptDto {
  id: string;
  taskId: string;
  userId: string;
  backend: string;
  outcome: string;
  reason: string | null;
  detail: string | null;
  documentId: string | null;
  durationMs: number;
  attemptedAt: string;
}

function toSigningAttemptDto(a: SigningAttemptRow): SigningAttemptDto {
  return { id: a.id, taskId: a.taskId, userId: a.userId, backend: a.backend, outcome: a.outcome, reason: a.reason, detail: a.detail, documentId: a.documentId, durationMs: a.durationMs, attemptedAt: a.attemptedAt.toISOString() };
}
