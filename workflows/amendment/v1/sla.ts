/**
 * Default SLAs of the amendment (addendum) procedure, version 1 (contract §5, §10): the same practical
 * defaults as the cooperation procedure's stages, since an addendum passes the same desks (no source
 * gives an addendum shorter limits). ONEGATE_SLA overrides them per stage, as for every version.
 */
import type { StageSla } from '../../definition.js';
import type { TaskStage } from './rules.js';

const PRACTICE = 'practice/assumption: as the cooperation procedure\'s stage (an addendum passes the same desks); configure per Perwali';

export const DEFAULT_STAGE_SLA: Readonly<Record<TaskStage, StageSla>> = {
  administrative_check: { due: 'P5D', remind: ['P1D', 'PT0S'], escalate: ['P1D', 'P3D'], source: PRACTICE },
  technical_review: { due: 'P10D', remind: ['P2D', 'PT0S'], escalate: ['P2D', 'P5D'], source: PRACTICE },
  tkksd_coordination: { due: 'P10D', remind: ['P3D', 'PT0S'], escalate: ['P2D', 'P5D'], source: PRACTICE },
  legal_review: { due: 'P7D', remind: ['P2D', 'PT0S'], escalate: ['P2D', 'P5D'], source: PRACTICE },
  dprd_approval: {
    due: 'P45D',
    remind: ['P10D', 'P3D', 'PT0S'],
    escalate: ['P1D', 'P5D'],
    source: 'UNVERIFIED, as the cooperation procedure\'s DPRD stage: deemed approval off unless configured',
  },
  mayor_signature: { due: 'P5D', remind: ['P1D', 'PT0S'], escalate: ['P1D', 'P3D'], source: PRACTICE },
};

/** An addendum is not an agreement of its own: it has no term, so no expiry reminders. */
export const DEFAULT_EXPIRY_REMINDER_DAYS: readonly number[] = [];
