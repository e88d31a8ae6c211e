/** amendment@1 as the registry sees it: the addendum to an agreement in force (contract §10). No in-force stage: an addendum is never a register entry of its own. */
import type { WorkflowDefinition } from '../../definition.js';
import { DOCUMENT_KINDS, SIGN_REQUIRES, SUBMIT_REQUIRES, UPLOAD_RULES, explainDocumentRefusal, requiredForSubmit, uploadKindsAt } from './documents.js';
import { amendmentMachine } from './machine.js';
import { CASE_EVENT_RULES, CASE_EVENT_TYPES, DECISIONS, FINAL_STAGES, STAGES, TASK_STAGES, TASK_STAGE_RULES, type Stage } from './rules.js';
import { DEFAULT_EXPIRY_REMINDER_DAYS, DEFAULT_STAGE_SLA } from './sla.js';

export const amendmentV1: WorkflowDefinition = {
  name: 'amendment',
  version: 1,
  description: 'An addendum to an agreement in force: administrative check, Tim Teknis and TKKSD only when the scope changes, legal review, DPRD when required, the mayor signs',
  machine: amendmentMachine,
  stages: STAGES,
  taskStages: TASK_STAGES,
  finalStages: FINAL_STAGES,
  // Never a register entry: the agreement it amends takes its changes instead (an AMENDED event).
  inForceStage: null,
  decisions: DECISIONS,
  taskStageRules: TASK_STAGE_RULES,
  caseEventTypes: CASE_EVENT_TYPES,
  caseEventRules: CASE_EVENT_RULES,
  stageMessages: { revision: 'revision_requested', rejected: 'case_rejected', signed: 'case_signed' },
  sla: { stages: DEFAULT_STAGE_SLA, expiryReminderDays: DEFAULT_EXPIRY_REMINDER_DAYS },
  documents: {
    kinds: DOCUMENT_KINDS,
    uploadRules: UPLOAD_RULES,
    submitRequires: SUBMIT_REQUIRES,
    signRequires: SIGN_REQUIRES,
    requiredForSubmit,
    uploadKindsAt: (stage) => uploadKindsAt(stage as Stage),
  },
  explainRefusal: explainDocumentRefusal,
};
