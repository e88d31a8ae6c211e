/** cooperation@2 as the registry sees it: version 1's procedure plus documents. Sealed (contract §13). */
import type { WorkflowDefinition } from '../../definition.js';
import { DOCUMENT_KINDS, SIGN_REQUIRES, SUBMIT_REQUIRES, UPLOAD_RULES, explainDocumentRefusal, requiredForSubmit, uploadKindsAt } from './documents.js';
import { cooperationMachine } from './machine.js';
import { CASE_EVENT_RULES, CASE_EVENT_TYPES, DECISIONS, FINAL_STAGES, STAGES, TASK_STAGES, TASK_STAGE_RULES, type Stage } from './rules.js';
import { DEFAULT_EXPIRY_REMINDER_DAYS, DEFAULT_STAGE_SLA } from './sla.js';

export const cooperationV2: WorkflowDefinition = {
  name: 'cooperation',
  version: 2,
  description: 'Version 1 plus documents: uploads are events; SUBMIT needs the KAK and drafts, sign needs the signed copy',
  machine: cooperationMachine,
  stages: STAGES,
  taskStages: TASK_STAGES,
  finalStages: FINAL_STAGES,
  inForceStage: 'signed',
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
