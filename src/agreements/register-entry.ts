import { workflowOf } from '../../workflows/registry.js';
import { dateIn } from '../common/time-zone.js';
import { AGREEMENT } from '../database/entities.js';
import type { AgreementRow, CaseRow, TimerRow } from '../database/rows.js';
import type { StepContext, StepEffect } from '../engine/engine.js';

/**
 * The register entry of a case that has just been signed: numbered with its case, dated by the city's
 * calendar, its urusan, OPDs and value as the proposal gave them (nothing typed twice; PATCH changes them).
 */
export function workflowEntry(c: Pick<CaseRow, 'id' | 'number' | 'proposal'>, signedAt: Date, timeZone: string): AgreementRow {
  const p = c.proposal ?? null;
  return {
    id: c.id,
    number: c.number,
    partnerNumber: null,
    signedAt: dateIn(signedAt, timeZone),
    signedPlace: null,
    signatories: [],
    fields: [...(p?.fields ?? [])],
    opds: [...(p?.opds ?? [])],
    value: p?.value ? { ...p.value } : null,
    source: 'workflow',
    createdAt: signedAt,
    updatedAt: signedAt,
  };
}

/**
 * Enters a case in the register of agreements (contract §9) in the step that brings it to its
 * workflow's in-force stage, in that step's own transaction: a signed case is never missing from the
 * register, and a failed signing leaves no entry.
 */
export class RegisterEntryProjection implements StepEffect {
  constructor(private readonly timeZone: string) {}

  async apply(ctx: StepContext): Promise<TimerRow[]> {
    const stage = workflowOf(ctx.caseAfter).inForceStage;
    if (stage && ctx.caseAfter.stage === stage && ctx.caseBefore?.stage !== stage) {
      const entry = workflowEntry(ctx.caseAfter, ctx.now, this.timeZone);
      // A renewal (contract §10) carries on its agreement's register fields: the same urusan, OPDs and value until changed.
      const renewed = ctx.caseAfter.kind === 'renewal' && ctx.caseAfter.parentCaseId ? await ctx.em.findOneBy<AgreementRow>(AGREEMENT, { id: ctx.caseAfter.parentCaseId }) : null;
      // The renewal's own proposal, where it says something, speaks over its agreement's.
      if (renewed) {
        Object.assign(entry, {
          fields: entry.fields.length ? entry.fields : [...renewed.fields],
          opds: entry.opds.length ? entry.opds : [...renewed.opds],
          value: entry.value ?? renewed.value,
        });
      }
      ctx.batch.insert(ctx.raw<AgreementRow>(AGREEMENT), [entry]);
    }
    return [];
  }
}
