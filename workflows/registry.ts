/**
 * The only way into workflows/: every definition by name and version, the newest of each, and the
 * lock of sealed versions. A case records the version it started on and is always advanced and
 * replayed with that version; a new version is added here beside the old, in a folder of its own.
 * Nothing outside workflows/ imports a version's files (eslint.config.js keeps it so).
 */
import { cooperationV1 } from './cooperation/v1/index.js';
import { cooperationV2 } from './cooperation/v2/index.js';
import { cooperationV3 } from './cooperation/v3/index.js';
import { amendmentV1 } from './amendment/v1/index.js';
import { evaluationV1 } from './evaluation/v1/index.js';
import type { TaskStageRule, WorkflowDefinition } from './definition.js';
import { AFTER_SIGNING_DOCUMENT_KINDS } from './domain.js';

export type { CaseEventRule, DocumentRules, MachineTask, SlaTable, StageSla, ExpiryAction, TaskStageRule, UploadRule, WorkflowDefinition } from './definition.js';
export { SEALED, type SealedVersion } from './lock.js';

export const WORKFLOWS: readonly WorkflowDefinition[] = [cooperationV1, cooperationV2, cooperationV3, amendmentV1, evaluationV1];

/** The workflow `POST /api/cases` starts, on its newest version. */
export const DEFAULT_WORKFLOW = 'cooperation';

export function findWorkflow(name: string, version: number): WorkflowDefinition | undefined {
  return WORKFLOWS.find((w) => w.name === name && w.version === version);
}

/** The newest version of a workflow: what a new case starts on. */
export function newestWorkflow(name: string): WorkflowDefinition | undefined {
  return WORKFLOWS.filter((w) => w.name === name).reduce<WorkflowDefinition | undefined>((a, w) => (!a || w.version > a.version ? w : a), undefined);
}

/** The version a recorded case runs on; a case whose version is unknown is a broken install, not bad input. */
export function workflowOf(c: { workflowName: string; workflowVersion: number }): WorkflowDefinition {
  const workflow = findWorkflow(c.workflowName, c.workflowVersion);
  if (!workflow) throw new Error(`workflow ${c.workflowName}@${c.workflowVersion} is not in the registry`);
  return workflow;
}

/**
 * A task stage's rule on the case's version; for a task read without its case, on the newest version
 * of the default workflow (the titles and roles of a stage have not differed between versions).
 */
export function taskStageRule(stage: string, c?: { workflowName?: string; workflowVersion?: number }): TaskStageRule | undefined {
  const workflow = c?.workflowName && c.workflowVersion ? findWorkflow(c.workflowName, c.workflowVersion) : newestWorkflow(DEFAULT_WORKFLOW);
  return workflow?.taskStageRules[stage];
}

const union = (pick: (w: WorkflowDefinition) => readonly string[]): readonly string[] => [...new Set(WORKFLOWS.flatMap(pick))];

/**
 * What any version knows, for checking input before its case is read (a DTO's allowed values); the
 * case's own version then decides (e.g. a decision its stage does not take is refused by its machine).
 */
export const KNOWN = {
  stages: union((w) => w.stages),
  taskStages: union((w) => w.taskStages),
  decisions: union((w) => w.decisions),
  caseEventTypes: union((w) => w.caseEventTypes),
  /** Every version's kinds, and those of life after signing (domain.ts), which no version owns. */
  documentKinds: [...new Set([...union((w) => w.documents?.kinds ?? []), ...AFTER_SIGNING_DOCUMENT_KINDS])],
  /** Stages no case of any version leaves, nor is open in (final, or an agreement in force). */
  closedStages: union((w) => [...w.finalStages, ...(w.inForceStage ? [w.inForceStage] : [])]),
  inForceStages: union((w) => (w.inForceStage ? [w.inForceStage] : [])),
};
