import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../workflows/domain.js';
import { hasRole, type Actor } from '../common/actor.js';
import { DomainError, forbidden, invalid, notFound } from '../common/errors.js';
import { Database } from '../database/database.js';
import { CASE, CASE_EVENT, DOCUMENT } from '../database/entities.js';
import type { CaseEventRow, CaseRow, DocumentRow } from '../database/rows.js';
import { UserRepository } from '../directory/user.repository.js';
import { Engine } from '../engine/engine.js';
import { canSeeCase } from '../cases/case-visibility.js';
import type { CommentDto, PostCommentDto } from './comment.dto.js';

/** The event a comment records on the case's chain; it does not move the machine (replay skips it). */
export const COMMENTED = 'COMMENTED';

/** The desks that review a case at its stages, each of whom may take part in its discussion (with the case's own proposer). */
export const DISCUSSION_ROLES: readonly Role[] = ['secretariat', 'technical_reviewer', 'tkksd', 'tkksd_chair', 'legal', 'dprd', 'mayor'];

/**
 * A case's discussion (issue 19): reviewers and the proposer exchange comments on the case or on one of
 * its documents. Each comment is a `COMMENTED` event `{id, body, documentId}` on the case's hash chain,
 * written through the engine (one transaction, guarded by the case's version), so the thread is the
 * chain's own record and needs no table of its own.
 */
@Injectable()
export class DiscussionService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Engine) private readonly engine: Engine,
    @Inject(UserRepository) private readonly users: UserRepository,
  ) {}

  /** The case's comments, oldest first; a case the actor may not see is 404, as an unknown id. */
  async list(actor: Actor, caseId: string): Promise<{ items: CommentDto[] }> {
    return this.db.read(async (em) => {
      const row = await em.findOne<CaseRow>(CASE, { where: { id: caseId }, select: { id: true, proposerId: true } });
      if (!row || !canSeeCase(actor, row)) throw notFound('case', caseId);
      const events = await em.find<CaseEventRow>(CASE_EVENT, { where: { caseId, type: COMMENTED }, order: { seq: 'ASC' } });
      const ids = [...new Set(events.map((e) => e.actorId))];
      const names = new Map((ids.length ? await this.users.byIds(em, ids) : []).map((u) => [u.id, u.name]));
      return { items: events.map((e) => toCommentDto(e, row, names.get(e.actorId) ?? e.actorId)) };
    });
  }

  /**
   * Adds a comment: by a reviewing desk (DISCUSSION_ROLES) or the case's proposer; 403 for anyone else
   * (the auditor reads only), 404 for a case the actor may not see, 409 once the case has ended,
   * 400 naming `documentId` for a document that is not this case's.
   */
  async post(actor: Actor, caseId: string, body: PostCommentDto): Promise<CommentDto> {
    const id = randomUUID();
    const documentId = body.documentId ?? null;
    const text = body.body.trim();
    const { event, case: row } = await this.engine.step({
      caseId,
      actor,
      expectedVersion: body.expectedVersion,
      load: async (_current, read) => (documentId ? await read.findOne<DocumentRow>(DOCUMENT, { where: { id: documentId, caseId }, select: { id: true } }) : null),
      plan: ({ row, workflow }, document) => {
        if (!canSeeCase(actor, row)) throw notFound('case', caseId);
        if (!hasRole(actor, ...DISCUSSION_ROLES) && row.proposerId !== actor.id) {
          throw forbidden(`the discussion of case ${row.number} is for its proposer and the desks that review it: ${DISCUSSION_ROLES.join(', ')}`);
        }
        if (workflow.finalStages.includes(row.stage)) {
          throw new DomainError('InvalidTransition', `case ${row.number} has ended (${row.stage}): its discussion is closed`, { stage: row.stage, allowedEvents: [] });
        }
        if (documentId && !document) throw invalid('documentId', `${documentId} is not a document of case ${row.number}`);
        return { type: COMMENTED, machineEvent: null, data: { id, body: text, documentId } };
      },
    });
    const user = await this.db.read((em) => this.users.byId(em, actor.id));
    return toCommentDto(event, row, user?.name ?? actor.name ?? actor.id);
  }
}

/** The role a comment speaks in: the proposer's on their own case, else the first reviewing desk the author held. */
function authorRole(e: Pick<CaseEventRow, 'actorId' | 'actorRoles'>, c: Pick<CaseRow, 'proposerId'>): string {
  if (e.actorId === c.proposerId) return 'proposer';
  return e.actorRoles.find((r) => (DISCUSSION_ROLES as readonly string[]).includes(r)) ?? e.actorRoles[0] ?? 'proposer';
}

function toCommentDto(e: CaseEventRow, c: Pick<CaseRow, 'proposerId'>, name: string): CommentDto {
  const d = e.data as { id?: string; body?: string; documentId?: string | null };
  return {
    id: d.id ?? `${e.caseId}:${e.seq}`,
    author: { id: e.actorId, name, role: authorRole(e, c) },
    body: d.body ?? '',
    documentId: d.documentId ?? null,
    createdAt: new Date(e.at).toISOString(),
  };
}
