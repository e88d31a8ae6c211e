/**
 * Every workflow definition by name and version. A case records the version it started on and
 * is always advanced and replayed with that version; a new version is added here beside the old.
 */
import type { AnyStateMachine } from 'xstate';
import { cooperationMachineV1 } from './cooperation/v1.machine.js';
import { cooperationMachineV2 } from './cooperation/v2.machine.js';
import { explainDocumentRefusal } from './cooperation/v2.documents.js';

export interface WorkflowDefinition {
  name: string;
  version: number;
  machine: AnyStateMachine;
  description: string;
  /** Says why the machine refused an event, when the rules can tell (for the 409's message). */
  explainRefusal?: (context: never, stage: string, event: { type: string; [k: string]: unknown }) => { message: string; details: Record<string, unknown> } | null;
}

export const WORKFLOWS: readonly WorkflowDefinition[] = [
  {
    name: 'cooperation',
    version: 1,
    machine: cooperationMachineV1,
    description: 'Kerja Sama Daerah through one gate: proposal to mayor signature (contract §4)',
  },
  {
    name: 'cooperation',
    version: 2,
    machine: cooperationMachineV2,
    explainRefusal: explainDocumentRefusal,
    description: 'Version 1 plus documents: uploads are events; SUBMIT needs the KAK and drafts, sign needs the signed copy',
  },
];

export const CURRENT_VERSION: Record<string, number> = { cooperation: 2 };

export function findWorkflow(name: string, version: number): WorkflowDefinition | undefined {
  return WORKFLOWS.find((w) => w.name === name && w.version === version);
}
