/**
 * Default SLAs of the evaluation, version 1 (contract §10, §5). ONEGATE_MONEV's report/review/conclusion
 * replace the `due` of these stages, and ONEGATE_SLA then overrides any field per stage, as for any workflow.
 */
import type { StageSla } from '../../definition.js';
import type { TaskStage } from './rules.js';

export const DEFAULT_STAGE_SLA: Readonly<Record<TaskStage, StageSla>> = {
  evaluation_report: {
    due: 'P10D',
    remind: ['P2D', 'PT0S'],
    escalate: ['P2D', 'P5D'],
    source: 'assumption (contract §10 default): SIKERJA asks the requester for a self-report, no time limit found; ONEGATE_MONEV report',
  },
  evaluation_review: {
    due: 'P5D',
    remind: ['P1D', 'PT0S'],
    escalate: ['P1D', 'P3D'],
    source: 'assumption (contract §10 default): the TKKSD lokus review, no time limit found; ONEGATE_MONEV review',
  },
  evaluation_conclusion: {
    due: 'P5D',
    remind: ['P1D', 'PT0S'],
    escalate: ['P1D', 'P3D'],
    source: "assumption (contract §10 default): Bagian Kerja Sama's final form, no time limit found; ONEGATE_MONEV conclusion",
  },
};

/** An evaluation is no agreement: it has no expiry reminders. */
export const DEFAULT_EXPIRY_REMINDER_DAYS: readonly number[] = [];
