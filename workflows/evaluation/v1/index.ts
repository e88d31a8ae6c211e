/** evaluation@1 as the registry sees it: the monev of an agreement in force (contract §10). Sealed once it ran a case. */
import type { WorkflowDefinition } from '../../definition.js';
import { DOCUMENT_KINDS, UPLOAD_RULES, uploadKindsAt } from './documents.js';
import { evaluationMachine } from './machine.js';
import { CASE_EVENT_RULES, CASE_EVENT_TYPES, DECISIONS, FINAL_STAGES, STAGES, TASK_STAGES, TASK_STAGE_RULES, checkDecisionInput, type Stage } from './rules.js';
import { DEFAULT_EXPIRY_REMINDER_DAYS, DEFAULT_STAGE_SLA } from './sla.js';

export const evaluationV1: WorkflowDefinition = {
  name: 'evaluation',
  version: 1,
  description: "Monitoring and evaluation of an agreement in force: the proposer's report, the Tim Teknis review, the secretariat's rating and recommendation",
  machine: evaluationMachine,
  stages: STAGES,
  taskStages: TASK_STAGES,
  finalStages: FINAL_STAGES,
  // An evaluation is not an agreement: it never enters the register.
  inForceStage: null,
  decisions: DECISIONS,
  taskStageRules: TASK_STAGE_RULES,
  caseEventTypes: CASE_EVENT_TYPES,
  caseEventRules: CASE_EVENT_RULES,
  stageMessages: {},
  sla: { stages: DEFAULT_STAGE_SLA, expiryReminderDays: DEFAULT_EXPIRY_REMINDER_DAYS },
  documents: {
    kinds: DOCUMENT_KINDS,
    uploadRules: UPLOAD_RULES,
    submitRequires: { always: [], byCategory: {}, byInstrument: {} },
    // No decision here is `sign`: the rule is never asked; the report's own file is what it names.
    signRequires: { kind: 'evaluation_report', uploadedAt: 'evaluation_report' },
    requiredForSubmit: () => [],
    uploadKindsAt: (stage) => uploadKindsAt(stage as Stage),
  },
  numberSeries: 'EV',
  checkDecisionInput,
};
