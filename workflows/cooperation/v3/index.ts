/** cooperation@3 as the registry sees it: version 2's procedure and documents, plus the partners' way in (contract §11). */
import type { WorkflowDefinition } from '../../definition.js';
import { DECISION_REQUIRES, DOCUMENT_KINDS, SIGN_REQUIRES, SUBMIT_REQUIRES, UPLOAD_RULES, explainDocumentRefusal, requiredForSubmit, uploadKindsAt } from './documents.js';
import { cooperationMachine } from './machine.js';
import { CASE_EVENT_RULES, CASE_EVENT_TYPES, DECISIONS, FINAL_STAGES, INITIATIVES, STAGES, TASK_STAGES, TASK_STAGE_RULES, type Stage } from './rules.js';
import { DEFAULT_EXPIRY_REMINDER_DAYS, DEFAULT_STAGE_SLA } from './sla.js';

export const cooperationV3: WorkflowDefinition = {
  name: 'cooperation',
  version: 3,
  description: "Version 2 plus partners' offers (intake, awaiting the partner, spam) and the city's offers (the partner's response after TKKSD)",
  machine: cooperationMachine,
  stages: STAGES,
  taskStages: TASK_STAGES,
  finalStages: FINAL_STAGES,
  inForceStage: 'signed',
  decisions: DECISIONS,
  taskStageRules: TASK_STAGE_RULES,
  caseEventTypes: CASE_EVENT_TYPES,
  caseEventRules: CASE_EVENT_RULES,
  // A spam offer closes without a word to anyone; the partner hears of its offer through its own tracking page.
  stageMessages: { revision: 'revision_requested', rejected: 'case_rejected', signed: 'case_signed' },
  sla: { stages: DEFAULT_STAGE_SLA, expiryReminderDays: DEFAULT_EXPIRY_REMINDER_DAYS },
  initiatives: INITIATIVES,
  documents: {
    kinds: DOCUMENT_KINDS,
    uploadRules: UPLOAD_RULES,
    submitRequires: SUBMIT_REQUIRES,
    signRequires: SIGN_REQUIRES,
    decisionRequires: DECISION_REQUIRES,
    requiredForSubmit,
    uploadKindsAt: (stage) => uploadKindsAt(stage as Stage),
  },
  explainRefusal: explainDocumentRefusal,
};
