import { In, Not, IsNull, type EntityManager } from 'typeorm';
import { CASE, CASE_EVENT } from '../database/entities.js';
import type { CaseEventRow, CaseRow } from '../database/rows.js';
import { AMENDED, signedStageOf } from './after-signing.js';
import type { AmendmentSummaryDto } from './amendment.dto.js';

/**
 * What `GET /api/agreements/:id` shows of an agreement's life after signing (contract §10): its addenda in
 * the order they were opened, each with the changes its `AMENDED` event recorded once applied, and the
 * signed renewal that took its place (null until one is signed).
 */
export async function agreementLife(em: EntityManager, id: string): Promise<{ amendments: AmendmentSummaryDto[]; renewedBy: string | null; renewedAt: Date | null }> {
  const addenda = await em.find<CaseRow>(CASE, {
    where: { parentCaseId: id, kind: 'amendment' },
    select: { id: true, number: true, title: true, stage: true, createdAt: true, workflowName: true, workflowVersion: true },
    order: { createdAt: 'ASC', number: 'ASC' },
  });
  const applied = new Map<string, CaseEventRow>();
  const signed = new Map<string, Date>();
  if (addenda.length) {
    for (const e of await em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: id, type: AMENDED }, order: { seq: 'ASC' } })) applied.set(String(e.data.amendmentId), e);
    // The moment each addendum reached its version's signed stage: the step that entered it.
    const signedStage = new Map(addenda.map((a) => [a.id, signedStageOf(a)]));
    const stages = [...new Set(signedStage.values())].filter((s): s is string => s !== null);
    const entered = stages.length
      ? await em.find<CaseEventRow>(CASE_EVENT, { where: { caseId: In(addenda.map((a) => a.id)), stageAfter: In(stages) }, select: { caseId: true, at: true, stageBefore: true, stageAfter: true } })
      : [];
    for (const e of entered) if (e.stageAfter === signedStage.get(e.caseId) && e.stageBefore !== e.stageAfter) signed.set(e.caseId, e.at);
  }
  const renewal = await em.findOne<CaseRow>(CASE, { where: { parentCaseId: id, kind: 'renewal', signedAt: Not(IsNull()) }, select: { id: true, signedAt: true }, order: { signedAt: 'DESC' } });
  return {
    amendments: addenda.map((a) => {
      const e = applied.get(a.id);
      return {
        id: a.id,
        number: a.number,
        title: a.title,
        stage: a.stage,
        signedAt: signed.get(a.id)?.toISOString() ?? null,
        appliedAt: e ? e.at.toISOString() : null,
        changes: e ? (e.data.changes as AmendmentSummaryDto['changes']) : null,
      };
    }),
    renewedBy: renewal?.id ?? null,
    /** When the renewal was signed (for the entry at a past date); not part of the DTO. */
    renewedAt: renewal?.signedAt ?? null,
  };
}
