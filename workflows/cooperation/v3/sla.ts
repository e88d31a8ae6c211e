/**
 * Default SLAs of the cooperation procedure, version 3 (contract §5, §11). Pure data: durations are
 * ISO 8601, a `D` part counts working days, a `T` part clock time. `remind` offsets are before the
 * due time, `escalate` offsets after it (first the assignee's supervisor, then every tkksd_chair).
 *
 * Almost no time limit of the procedure is verified in regulation text (domain.md §3), so these are
 * practical defaults for a city to replace through ONEGATE_SLA once its Perwali says otherwise.
 * `source` records where each value comes from and how sure it is.
 */
import type { StageSla } from '../../definition.js';
import type { TaskStage } from './rules.js';

export const DEFAULT_STAGE_SLA: Readonly<Record<TaskStage, StageSla>> = {
  intake: {
    due: 'P3D',
    remind: ['P1D', 'PT0S'],
    escalate: ['P1D', 'P3D'],
    source: "configuration/assumption: no time limit found for taking in a partner's offer (domain.md §3); a prompt for the secretariat, configure per Perwali",
  },
  administrative_check: {
    due: 'P5D',
    remind: ['P1D', 'PT0S'],
    escalate: ['P1D', 'P3D'],
    source: 'practice/assumption (completeness check by Bagian Kerja Sama), no regulation found; configure per Perwali',
  },
  technical_review: {
    due: 'P10D',
    remind: ['P2D', 'PT0S'],
    escalate: ['P2D', 'P5D'],
    source: "practice/assumption: Tim Teknis' duties and time limit not found (domain.md §2); configure per Perwali",
  },
  tkksd_coordination: {
    due: 'P10D',
    remind: ['P3D', 'PT0S'],
    escalate: ['P2D', 'P5D'],
    source: 'practice/assumption: allows for a TKKSD meeting; no time limit found in Permendagri 22/2020 excerpts; configure per Perwali',
  },
  partner_response: {
    due: 'P10D',
    remind: ['P3D', 'PT0S'],
    escalate: ['P2D', 'P5D'],
    // domain.md §3: "Answering an offer — not found"; the secretariat is reminded to chase the answer.
    source: "configuration/assumption: no time limit for a partner's answer to the city's offer is found (domain.md §3: practice, INF); configure per Perwali",
  },
  legal_review: {
    due: 'P7D',
    remind: ['P2D', 'PT0S'],
    escalate: ['P2D', 'P5D'],
    source: "practice/assumption: Bagian Hukum's review has no source at all (domain.md §2); configure per Perwali",
  },
  dprd_approval: {
    due: 'P45D',
    remind: ['P10D', 'P3D', 'PT0S'],
    escalate: ['P1D', 'P5D'],
    // The commonly cited "45 days, silence = deemed approval" is UNVERIFIED, so no onExpiry by default.
    source: 'UNVERIFIED: "45 (working?) days, silence = deemed approval" is commonly cited, text not found (domain.md §3); deemed approval off unless configured',
  },
  ministry_approval: {
    due: 'P30D',
    remind: ['P5D', 'PT0S'],
    escalate: ['P5D', 'P10D'],
    source: "assumption: no time limit found for the Minister's approval; a follow-up prompt for the secretariat, configure per Perwali",
  },
  mayor_signature: {
    due: 'P5D',
    remind: ['P1D', 'PT0S'],
    escalate: ['P1D', 'P3D'],
    source: 'practice/assumption: no time limit found for signing; configure per Perwali',
  },
};

/** Days before `validUntil`: SIKERJA Samarinda practice (domain.md §3, S18a), not regulation. */
export const DEFAULT_EXPIRY_REMINDER_DAYS: readonly number[] = [90, 60, 30, 7, 0];
