/**
 * The half-yearly report to the province and the ministry (contract §9), from agreements as
 * SemesterAgreementSource gives them. For a half [first, last] (city calendar days):
 * - signed: signed on a day of the half;
 * - in force at the end: signed by `last`, its term begun by `last` (or no start given), and ending after
 *   `last` (or open-ended) — still in force the next day;
 * - ended: its term's last day, or its termination, falls in the half (so each agreement signed by the
 *   end is either in force at the end or ended by it, never both);
 * - evaluations done: evaluations concluded in the half (an agreement may have two).
 * An agreement terminated on an unrecorded day (imported so) is counted only as signed.
 * Each is counted by instrument, partner category and field (an agreement with two fields counts in
 * both; one with none under `FIELD_NONE`).
 */
import { INSTRUMENTS, PARTNER_CATEGORIES } from '../../workflows/domain.js';
import type { SemesterAgreement } from './semester-source.js';

export const MEASURES = ['signed', 'inForceAtEnd', 'ended', 'evaluationsDone'] as const;
export type Measure = (typeof MEASURES)[number];

/** The byField key of agreements without a recorded field. */
export const FIELD_NONE = '-';

export interface Breakdown {
  total: number;
  byInstrument: Record<string, number>;
  byCategory: Record<string, number>;
  byField: Record<string, number>;
}

/** An agreement as the report lists it: as the source gave it, with what it counts for in the half. */
export interface SemesterReportAgreement extends Omit<SemesterAgreement, 'endedUndated' | 'evaluationsDone'> {
  signedInHalf: boolean;
  inForceAtEnd: boolean;
  endedInHalf: boolean;
  evaluationsInHalf: number;
}

export interface SemesterReport extends Record<Measure, Breakdown> {
  year: number;
  half: 1 | 2;
  period: { from: string; to: string };
  timezone: string;
  letterhead: string[];
  generatedAt: string;
  source: 'register';
  /** Agreements that figure in any measure, by signing date. */
  agreements: SemesterReportAgreement[];
}

/** The first and last calendar day of a half. */
export function halfDays(year: number, half: 1 | 2): { from: string; to: string } {
  return half === 1 ? { from: `${year}-01-01`, to: `${year}-06-30` } : { from: `${year}-07-01`, to: `${year}-12-31` };
}

function emptyBreakdown(): Breakdown {
  return {
    total: 0,
    byInstrument: Object.fromEntries(INSTRUMENTS.map((i) => [i, 0])),
    byCategory: Object.fromEntries(PARTNER_CATEGORIES.map((c) => [c, 0])),
    byField: {},
  };
}

function count(b: Breakdown, a: SemesterAgreement, n = 1): void {
  b.total += n;
  b.byInstrument[a.instrument] = (b.byInstrument[a.instrument] ?? 0) + n;
  b.byCategory[a.category] = (b.byCategory[a.category] ?? 0) + n;
  for (const f of a.fields.length ? a.fields : [FIELD_NONE]) b.byField[f] = (b.byField[f] ?? 0) + n;
}

export function buildSemesterReport(
  agreements: readonly SemesterAgreement[],
  meta: { year: number; half: 1 | 2; timezone: string; letterhead: readonly string[]; generatedAt: Date; source: 'register' },
): SemesterReport {
  const period = halfDays(meta.year, meta.half);
  const within = (d: string | null) => d !== null && d >= period.from && d <= period.to;
  const measures = Object.fromEntries(MEASURES.map((m) => [m, emptyBreakdown()])) as Record<Measure, Breakdown>;
  const listed: SemesterReportAgreement[] = [];
  for (const a of agreements) {
    if (a.signedAt > period.to) continue;
    const signedInHalf = within(a.signedAt);
    const inForceAtEnd = !a.endedUndated && (a.validFrom === null || a.validFrom <= period.to) && (a.endedOn === null || a.endedOn > period.to);
    const endedInHalf = !a.endedUndated && within(a.endedOn);
    const evaluationsInHalf = a.evaluationsDone.filter(within).length;
    if (signedInHalf) count(measures.signed, a);
    if (inForceAtEnd) count(measures.inForceAtEnd, a);
    if (endedInHalf) count(measures.ended, a);
    if (evaluationsInHalf) count(measures.evaluationsDone, a, evaluationsInHalf);
    if (signedInHalf || inForceAtEnd || endedInHalf || evaluationsInHalf) {
      const { endedUndated: _undated, evaluationsDone: _done, ...listedFields } = a;
      listed.push({ ...listedFields, fields: [...a.fields], signedInHalf, inForceAtEnd, endedInHalf, evaluationsInHalf });
    }
  }
  listed.sort((x, y) => x.signedAt.localeCompare(y.signedAt) || x.number.localeCompare(y.number));
  return {
    year: meta.year,
    half: meta.half,
    period,
    timezone: meta.timezone,
    letterhead: [...meta.letterhead],
    generatedAt: meta.generatedAt.toISOString(),
    source: meta.source,
    ...measures,
    agreements: listed,
  };
}
