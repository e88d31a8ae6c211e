import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { IN_FORCE_UPLOAD_KINDS } from '../../workflows/domain.js';
import { KNOWN, type DocumentRules } from '../../workflows/registry.js';
import { AuditService } from '../audit/audit.service.js';
import { isPartnerActor, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, forbidden, invalid, notFound } from '../common/errors.js';
import { readMultipart } from '../common/multipart.js';
import { Database } from '../database/database.js';
import { AGREEMENT, DOCUMENT } from '../database/entities.js';
import type { AgreementRow, DocumentRow } from '../database/rows.js';
import { Engine } from '../engine/engine.js';
import { canSeeCase } from '../cases/case-visibility.js';
import { inspectDocument, sanitizeName } from './detect-type.js';
import { DOCUMENT_STORE, type DocumentStore } from './document-store.js';

export { MAX_FILE_BYTES } from '../common/multipart.js';

export interface DocumentDto {
  id: string;
  caseId: string;
  kind: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  version: number;
  uploadedBy: string;
  uploadedAt: string;
  eventSeq: number;
}

export function toDocumentDto(d: DocumentRow): DocumentDto {
  return {
    id: d.id,
    caseId: d.caseId,
    kind: d.kind,
    name: d.name,
    mediaType: d.mediaType,
    size: d.size,
    sha256: d.sha256,
    version: d.version,
    uploadedBy: d.uploadedBy,
    uploadedAt: d.uploadedAt.toISOString(),
    eventSeq: d.eventSeq,
  };
}

/** Upload (a new version per kind, as an event on the case), list and download of case documents. */
@Injectable()
export class DocumentsService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Engine) private readonly engine: Engine,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
  ) {}

  async upload(actor: Actor, caseId: string, req: FastifyRequest): Promise<DocumentDto> {
    const { kind, file } = await readUpload(req);
    return this.add(actor, caseId, kind, file);
  }

  /** Adds the next version of `kind` to the case: type check, then the event and the bytes together. */
  async add(actor: Actor, caseId: string, kind: string, file: { name: string; bytes: Buffer }): Promise<DocumentDto> {
    const type = await inspectDocument(file.bytes);
    if ('refused' in type) throw new DomainError('UnsupportedMediaType', `file: ${type.refused}`, { field: 'file' });
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const name = sanitizeName(file.name, type.ext);
    const id = randomUUID();
    try {
      let stored: DocumentRow | undefined;
      await this.engine.step({
        caseId,
        actor,
        // The last version of the kind, read after the case so it matches the version the step is guarded by;
        // and whether the case is an agreement taken in from before onegate (its register entry's source).
        load: async (_current, read) => ({
          last: await read.findOne<DocumentRow>(DOCUMENT, { where: { caseId, kind }, order: { version: 'DESC' }, select: { version: true } }),
          imported: (await read.findOne<AgreementRow>(AGREEMENT, { where: { id: caseId }, select: { source: true } }))?.source === 'imported',
        }),
        plan: ({ row, workflow, now }, { last, imported }) => {
          // A case the caller may not see (another proposer's) is as unknown as a missing one (contract §6).
          if (!canSeeCase(actor, row)) throw notFound('case', caseId);
          const inForce = row.stage === workflow.inForceStage;
          // Life after signing is the register's, not a version's (an imported agreement never ran the
          // procedure; a sealed version's stage rules end at signing): the register's rule speaks for both.
          const afterSigning = imported || inForce;
          if (afterSigning) {
            checkAfterSigningUpload(actor, kind, { imported, inForce });
          } else if (!workflow.documents) {
            throw new DomainError('InvalidTransition', `case ${row.number} runs on ${row.workflowName}@${row.workflowVersion}, which has no documents`, { allowedEvents: [] });
          } else {
            checkUploadRights(workflow.documents, actor, row.stage, kind, row.proposerId);
          }
          const version = (last?.version ?? 0) + 1;
          const document = { id, kind, version, name, mediaType: type.mediaType, size: file.bytes.length, sha256 };
          stored = { ...document, caseId, uploadedBy: actor.id, uploadedAt: now, eventSeq: row.version + 1 };
          return {
            type: 'DOCUMENT_UPLOADED',
            // A paper of an agreement (an imported one's scan, a termination letter) is recorded on its chain
            // without moving its machine (replay skips it): the sealed machines take no uploads once signed.
            machineEvent: afterSigning ? null : { type: 'DOCUMENT_ADDED', kind, version, sha256 },
            data: { document },
            writes: [{ kind: 'insert', entity: DOCUMENT, rows: [stored] }],
          };
        },
        // The bytes go through the store's port (a file, or its own table), in the step's transaction.
        after: (_step, em) => this.store.put(em, sha256, file.bytes),
      });
      return toDocumentDto(stored!);
    } catch (err) {
      await this.store.discard(sha256);
      throw err;
    }
  }

  async list(actor: Actor, caseId: string): Promise<DocumentDto[]> {
    await this.audit.assertCanSeeRecord(actor, caseId);
    const rows = await this.db.read((em) => em.find<DocumentRow>(DOCUMENT, { where: { caseId }, order: { kind: 'ASC', version: 'ASC' } }));
    return rows.map(toDocumentDto);
  }

  async content(actor: Actor, documentId: string): Promise<{ doc: DocumentRow; bytes: Buffer }> {
    const doc = await this.db.read((em) => em.findOneBy<DocumentRow>(DOCUMENT, { id: documentId }));
    if (!doc) throw notFound('document', documentId);
    await this.audit.assertCanSeeRecord(actor, doc.caseId, () => notFound('document', documentId));
    const bytes = await this.store.get(doc.sha256);
    if (!bytes) throw new DomainError('NotFound', `the bytes of document ${documentId} are missing from storage`);
    return { doc, bytes };
  }
}

/** Who may upload which kind at this stage (the case's version's document rules): 409 when the stage takes none of it, 403 when the role may not. */
function checkUploadRights(documents: DocumentRules, actor: Actor, stage: string, kind: string, proposerId: string): void {
  const rules = documents.uploadRules[stage] ?? [];
  const forKind = rules.filter((r) => r.kinds.includes(kind));
  if (forKind.length === 0) {
    const kinds = [...new Set(rules.flatMap((r) => r.kinds))];
    throw new DomainError('InvalidTransition', kinds.length ? `stage ${stage} takes documents of kind ${kinds.join(', ')}, not ${kind}` : `stage ${stage} takes no uploads: the case is closed or past signing`, {
      stage,
      allowedKinds: kinds,
    });
  }
  // The partner of an offer uploads where a rule names it, while the case is still its own (cooperation@3's intake).
  const asPartner = isPartnerActor(actor) && actor.id === proposerId;
  const mine = forKind.filter((r) => r.roles.some((role) => actor.roles.includes(role)) || (r.partner === true && asPartner));
  if (mine.length === 0) {
    const who = [...new Set(forKind.flatMap((r) => [...r.roles, ...(r.partner ? ['the partner of the offer'] : [])]))];
    throw forbidden(`at ${stage}, ${kind} is uploaded by: ${who.join(', ')}`);
  }
  if (mine.every((r) => r.proposerOnly) && actor.id !== proposerId) throw forbidden(`only the case's proposer (${proposerId}) uploads ${kind} at ${stage}`);
}

/** What may be attached to an agreement signed before onegate (contract §9, import): its scanned copy, or other papers, by the secretariat. */
export const IMPORTED_UPLOAD_KINDS = ['signed', 'other'] as const;

/**
 * What the secretariat attaches to an agreement (the register's rule, contract §9–§10): in force, its
 * termination letter and other papers (domain.ts); imported, its scanned signed copy too, in force or ended.
 * 409 for another kind, 403 for another role, as a stage's rules answer.
 */
export function afterSigningUploadKinds(at: { imported: boolean; inForce: boolean }): string[] {
  return [...new Set([...(at.imported ? IMPORTED_UPLOAD_KINDS : []), ...(at.inForce ? IN_FORCE_UPLOAD_KINDS : [])])];
}

function checkAfterSigningUpload(actor: Actor, kind: string, at: { imported: boolean; inForce: boolean }): void {
  const kinds = afterSigningUploadKinds(at);
  const what = at.imported ? 'an imported agreement' : 'an agreement in force';
  if (!kinds.includes(kind)) throw new DomainError('InvalidTransition', `${what} takes documents of kind ${kinds.join(', ')}, not ${kind}`, { allowedKinds: kinds });
  if (!actor.roles.includes('secretariat')) throw forbidden(`the papers of ${what} are attached by: secretariat`);
}

/**
 * The upload's parts: exactly one `file` and a `kind` field, in any order; at most 20 MiB. Read by
 * readMultipart, once per request: when an Idempotency-Key came with it, the interceptor has already
 * read them to bind the key to the file's bytes, and this gets the same parts.
 */
async function readUpload(req: FastifyRequest): Promise<{ kind: string; file: { name: string; bytes: Buffer } }> {
  if (!req.isMultipart()) {
    throw new DomainError('UnsupportedMediaType', 'content-type: send multipart/form-data with a file field and a kind field');
  }
  const body = await readMultipart(req);
  const strayFile = body.files.find((f) => f.field !== 'file');
  if (strayFile) throw invalid(strayFile.field, 'unknown file field; send the document as "file"');
  const strayField = body.fields.find((f) => f.name !== 'kind');
  if (strayField) throw invalid(strayField.name, 'unknown field; only file and kind are accepted');
  const kinds = body.fields.filter((f) => f.name === 'kind');
  if (kinds.length > 1) throw invalid('kind', 'sent more than once; send one kind');
  const kind = kinds[0]?.value;
  if (kind === undefined) throw invalid('kind', `required: one of ${KNOWN.documentKinds.join(', ')}`);
  if (!KNOWN.documentKinds.includes(kind)) throw invalid('kind', `must be one of ${KNOWN.documentKinds.join(', ')}`);
  const file = body.files[0];
  if (!file) throw invalid('file', 'required: the document to upload');
  if (file.bytes.length === 0) throw invalid('file', 'is empty');
  return { kind, file: { name: file.filename, bytes: file.bytes } };
}
