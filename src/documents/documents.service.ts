import { Inject, Injectable } from '@nestjs/common';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { DOCUMENT_KINDS, UPLOAD_RULES, type DocumentKind } from '../../workflows/cooperation/v2.documents.js';
import type { Role, Stage } from '../../workflows/cooperation/v1.rules.js';
import { AuditService } from '../audit/audit.service.js';
import { type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, forbidden, invalid, notFound } from '../common/errors.js';
import { Database } from '../database/database.js';
import { DOCUMENT } from '../database/entities.js';
import type { DocumentRow } from '../database/rows.js';
import { Engine } from '../engine/engine.js';
import { inspectDocument, sanitizeName } from './detect-type.js';
import { DOCUMENT_STORE, type DocumentStore } from './document-store.js';

export const MAX_FILE_BYTES = 20 * 1024 * 1024;

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
  async add(actor: Actor, caseId: string, kind: DocumentKind, file: { name: string; bytes: Buffer }): Promise<DocumentDto> {
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
        plan: async ({ row, snapshot, em }) => {
          if (!('documents' in snapshot.context)) {
            throw new DomainError('InvalidTransition', `case ${row.number} runs on ${row.workflowName}@${row.workflowVersion}, which has no documents`, { allowedEvents: [] });
          }
          checkUploadRights(actor, row.stage as Stage, kind, row.proposerId);
          const last = await em.findOne<DocumentRow>(DOCUMENT, { where: { caseId, kind }, order: { version: 'DESC' } });
          const version = (last?.version ?? 0) + 1;
          return {
            type: 'DOCUMENT_UPLOADED',
            machineEvent: { type: 'DOCUMENT_ADDED', kind, version, sha256 },
            data: { document: { id, kind, version, name, mediaType: type.mediaType, size: file.bytes.length, sha256 } },
          };
        },
        after: async (step, em) => {
          const data = step.event.data.document as Omit<DocumentRow, 'caseId' | 'uploadedBy' | 'uploadedAt' | 'eventSeq'>;
          stored = { ...data, caseId, uploadedBy: actor.id, uploadedAt: step.event.at, eventSeq: step.event.seq };
          await em.insert(DOCUMENT, stored);
          await this.store.put(em, sha256, file.bytes);
        },
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

/** Who may upload which kind at this stage (v2.documents.ts): 409 when the stage takes none of it, 403 when the role may not. */
function checkUploadRights(actor: Actor, stage: Stage, kind: DocumentKind, proposerId: string): void {
  const rules = UPLOAD_RULES[stage] ?? [];
  const forKind = rules.filter((r) => r.kinds.includes(kind));
  if (forKind.length === 0) {
    const kinds = [...new Set(rules.flatMap((r) => r.kinds))];
    throw new DomainError('InvalidTransition', kinds.length ? `stage ${stage} takes documents of kind ${kinds.join(', ')}, not ${kind}` : `stage ${stage} takes no uploads: the case is closed or past signing`, {
      stage,
      allowedKinds: kinds,
    });
  }
  const mine = forKind.filter((r) => r.roles.some((role) => actor.roles.includes(role as Role)));
  if (mine.length === 0) throw forbidden(`at ${stage}, ${kind} is uploaded by: ${[...new Set(forKind.flatMap((r) => r.roles))].join(', ')}`);
  if (mine.every((r) => r.proposerOnly) && actor.id !== proposerId) throw forbidden(`only the case's proposer (${proposerId}) uploads ${kind} at ${stage}`);
}

/** Reads the multipart body: exactly one `file` part and a `kind` field, in any order; at most 20 MiB. */
async function readUpload(req: FastifyRequest): Promise<{ kind: DocumentKind; file: { name: string; bytes: Buffer } }> {
  if (!req.isMultipart()) {
    throw new DomainError('UnsupportedMediaType', 'content-type: send multipart/form-data with a file field and a kind field');
  }
  const fields: Record<string, string> = {};
  let file: { name: string; bytes: Buffer } | null = null;
  try {
    for await (const part of req.parts({ limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 10, fieldSize: 1024 } })) {
      if (part.type === 'file') {
        const f = part as MultipartFile;
        if (f.fieldname !== 'file') {
          f.file.resume();
          throw invalid(f.fieldname, 'unknown file field; send the document as "file"');
        }
        const chunks: Buffer[] = [];
        for await (const chunk of f.file) chunks.push(chunk as Buffer);
        if (f.file.truncated) throw new DomainError('PayloadTooLarge', 'file: larger than 20 MiB', { field: 'file' });
        file = { name: f.filename, bytes: Buffer.concat(chunks) };
      } else {
        if (part.fieldname !== 'kind') throw invalid(part.fieldname, 'unknown field; only file and kind are accepted');
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    // The multipart parser's own errors (a body cut short, a broken boundary) are the client's, not ours.
    if (err instanceof DomainError || (typeof (err as { statusCode?: unknown }).statusCode === 'number' && (err as { statusCode: number }).statusCode < 500)) throw err;
    throw invalid('body', `malformed multipart/form-data: ${(err as Error).message}`);
  }
  if (fields.kind === undefined) throw invalid('kind', `required: one of ${DOCUMENT_KINDS.join(', ')}`);
  if (!(DOCUMENT_KINDS as readonly string[]).includes(fields.kind)) throw invalid('kind', `must be one of ${DOCUMENT_KINDS.join(', ')}`);
  if (!file) throw invalid('file', 'required: the document to upload');
  if (file.bytes.length === 0) throw invalid('file', 'is empty');
  return { kind: fields.kind as DocumentKind, file };
}

