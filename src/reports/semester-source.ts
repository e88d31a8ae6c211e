/**
 * What the half-yearly report reads about agreements, behind one small interface: the register of
 * agreements (src/agreements) when it is there, the signed cases otherwise. Dates are city calendar days.
 */
import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { KNOWN } from '../../workflows/registry.js';
import { dateIn } from '../common/time-zone.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { CASE, CASE_EVENT } from '../database/entities.js';
import type { CaseEventRow, CaseRow } from '../database/rows.js';

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
  /** Days on which an evaluation (monev) of it was concluded. */
  evaluationsDone: string[];
}

export abstract class SemesterAgreementSource {
  /** Where the figures come from, said in the report. */
  abstract readonly name: 'register' | 'cases';
  /** Every agreement signed on or before `last`. */
  abstract signedBy(last: string): Promise<SemesterAgreement[]>;
}

/**
 * The signed cases as agreements (no register yet): signed on the city's date of `signedAt`; ended on
 * the earlier of `validUntil` and the day the case left its workflow's in-force stage (expiry or
 * termination). Cases carry no fields nor evaluations, so those are empty.
 */
@Injectable()
export class CaseSemesterSource extends SemesterAgreementSource {
  readonly name = 'cases' as const;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    super();
  }

  async signedBy(last: string): Promise<SemesterAgreement[]> {
    const tz = this.config.timezone;
    const { cases, left } = await this.db.read(async (em) => {
      const cases = await em
        .createQueryBuilder<CaseRow>(CASE, 'c')
        .select(['c.id', 'c.number', 'c.title', 'c.instrument', 'c.partnerCategory', 'c.partnerName', 'c.validFrom', 'c.validUntil', 'c.signedAt'])
        .where('c.signed_at IS NOT NULL')
        .orderBy('c.signed_at', 'ASC')
        .addOrderBy('c.id', 'ASC')
        .getMany();
      const stages = KNOWN.inForceStages;
      const left = cases.length && stages.length ? await em.find<CaseEventRow>(CASE_EVENT, { select: { caseId: true, at: true, stageBefore: true, stageAfter: true }, where: { stageBefore: In([...stages]) } }) : [];
      return { cases, left: left.filter((e) => e.stageAfter !== e.stageBefore) };
    });
    const leftOn = new Map<string, string>();
    for (const e of left) {
      const day = dateIn(e.at, tz);
      const known = leftOn.get(e.caseId);
      if (!known || day < known) leftOn.set(e.caseId, day);
    }
    return cases
      .map((c) => {
        const ends = [c.validUntil, leftOn.get(c.id)].filter((d): d is string => !!d).sort();
        return {
          id: c.id,
          number: c.number,
          title: c.title,
          instrument: c.instrument,
          category: c.partnerCategory,
          partnerName: c.partnerName,
          fields: [],
          signedAt: dateIn(c.signedAt!, tz),
          validFrom: c.validFrom,
          validUntil: c.validUntil,
          endedOn: ends[0] ?? null,
          evaluationsDone: [],
        };
      })
      .filter((a) => a.signedAt <= last);
  }
}
