/** cooperation@1 as the registry sees it: contract §4's procedure, without documents. Sealed (contract §13). */
import type { WorkflowDefinition } from '../../definition.js';
import { cooperationMachine } from './machine.js';
import { CASE_EVENT_RULES, CASE_EVENT_TYPES, DECISIONS, FINAL_STAGES, STAGES, TASK_STAGES, TASK_STAGE_RULES } from './rules.js';
import { DEFAULT_EXPIRY_REMINDER_DAYS, DEFAULT_STAGE_SLA } from './sla.js';

export const cooperationV1: WorkflowDefinition = {
  name: 'cooperation',
  version: 1,
  description: 'Kerja Sama Daerah through one gate: proposal to mayor signature (contract §4)',
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
  documents: null,
};
