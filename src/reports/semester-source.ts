/**
 * What the half-yearly report reads about agreements, behind one small interface (so a test, or a
 * register kept elsewhere, can stand in): the register of agreements, src/agreements. Dates are city calendar days.
 */
import { Inject, Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { AgreementsService } from '../agreements/agreements.service.js';
import { KNOWN } from '../../workflows/registry.js';
import { dateIn } from '../common/time-zone.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { CASE, CASE_EVENT } from '../database/entities.js';
import type { CaseEventRow, CaseRow } from '../database/rows.js';
import { evaluationOutcome } from '../evaluations/evaluation-outcome.js';

export interface SemesterAgreement {
  id: string;
  number: string;
  title: string;
  instrument: string;
  category: string;
  partnerName: string;
  /** Government affairs (urusan), e.g. `kesehatan`; empty when not recorded. */
  fields: string[];
  /** `YYYY-MM-DD`. */
  signedAt: string;
  validFrom: string | null;
  validUntil: string | null;
  /** The day it ends or ended: the last day of its term, or the day it was terminated if earlier; null when open-ended. */
  endedOn: string | null;
  /** Ended (terminated) on a day nobody recorded (an agreement imported as terminated): in no half in force at the end, nor ended. */
  endedUndated?: boolean;
  /** Days on which an evaluation (monev) of it was concluded. */
  evaluationsDone: string[];
}

export abstract class SemesterAgreementSource {
  /** Where the figures come from, said in the report. */
  abstract readonly name: 'register';
  /** Every agreement signed on or before `last`. */
  abstract signedBy(last: string): Promise<SemesterAgreement[]>;
}

/** The city's day each case first left its workflow's in-force stage (its expiry or termination), from the event log. */
async function leftInForceOn(em: EntityManager, timeZone: string): Promise<Map<string, string>> {
  const stages = KNOWN.inForceStages;
  const leftOn = new Map<string, string>();
  if (!stages.length) return leftOn;
  const left = await em.find<CaseEventRow>(CASE_EVENT, { select: { caseId: true, at: true, stageBefore: true, stageAfter: true }, where: { stageBefore: In([...stages]) } });
  for (const e of left) {
    if (e.stageAfter === e.stageBefore) continue;
    const day = dateIn(e.at, timeZone);
    const known = leftOn.get(e.caseId);
    if (!known || day < known) leftOn.set(e.caseId, day);
  }
  return leftOn;
}

/**
 * The city's days on which each agreement's evaluations (contract §10, cases of kind `evaluation`) were
 * concluded: closed (a final stage of its version) with the secretariat's rating in its machine's context;
 * dated by its last step, the conclusion, as nothing follows a final stage. A cancelled one has no rating.
 */
async function evaluationsConcludedOn(em: EntityManager, timeZone: string): Promise<Map<string, string[]>> {
  const done = new Map<string, string[]>();
  const rows = await em.find<CaseRow>(CASE, { select: { parentCaseId: true, updatedAt: true, workflowName: true, workflowVersion: true, stage: true, snapshot: true }, where: { kind: 'evaluation' } });
  for (const r of rows) {
    if (!r.parentCaseId || evaluationOutcome(r) !== 'done') continue;
    done.set(r.parentCaseId, [...(done.get(r.parentCaseId) ?? []), dateIn(r.updatedAt, timeZone)]);
  }
  return done;
}

/**
 * The register of agreements (src/agreements, through its service): signing dates, fields and status as
 * the secretariat keeps them, workflow and imported agreements alike. Ended on the earlier of the term's
 * last day and the day the case left its in-force stage; an imported agreement terminated before onegate
 * has no such day in the log, so it counts in no half as in force at the end, nor as ended. Entries without a signing date cannot be
 * placed in a half and are left out (the register lists them as incomplete). Evaluations: the days its
 * evaluations were concluded.
 */
@Injectable()
export class RegisterSemesterSource extends SemesterAgreementSource {
  readonly name = 'register' as const;

  constructor(
    @Inject(AgreementsService) private readonly agreements: AgreementsService,
    @Inject(Database) private readonly db: Database,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    super();
  }

  async signedBy(last: string): Promise<SemesterAgreement[]> {
    const entries = await this.agreements.all(null, {});
    const [leftOn, evaluated] = await this.db.read(async (em) => [await leftInForceOn(em, this.config.timezone), await evaluationsConcludedOn(em, this.config.timezone)] as const);
    return entries
      .filter((a): a is typeof a & { signedAt: string } => a.signedAt !== null && a.signedAt <= last)
      .map((a) => {
        const left = leftOn.get(a.id);
        const ends = [a.validUntil, left].filter((d): d is string => !!d).sort();
        return {
          endedUndated: a.status === 'terminated' && !left,
          id: a.id,
          number: a.number,
          title: a.title,
          instrument: a.instrument,
          category: a.partner.category,
          partnerName: a.partner.name,
          fields: [...a.fields],
          signedAt: a.signedAt,
          validFrom: a.validFrom,
          validUntil: a.validUntil,
          endedOn: ends[0] ?? null,
          evaluationsDone: evaluated.get(a.id) ?? [],
        };
      });
  }
}
