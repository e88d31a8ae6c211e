import { WORKFLOWS, type WorkflowDefinition } from '../../workflows/registry.js';

/** An agreement's status in the register (contract §9); `expiring` is a filter on `in_force`, not a status of its own. */
export type AgreementStatus = 'in_force' | 'expired' | 'terminated';
export const AGREEMENT_STATUSES = ['in_force', 'expired', 'terminated'] as const;
/** What `GET /api/agreements?status=` takes. */
export const STATUS_FILTERS = ['in_force', 'expiring', 'expired', 'terminated'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** An agreement in force is `expiring` when its term ends within this many calendar days of the city's today. */
export const EXPIRING_WITHIN_DAYS = 90;

/** The machine events that end an agreement in force: its term passing, and an early end. */
const ENDINGS = { expired: 'EXPIRE', terminated: 'TERMINATE' } as const;
/** The event that ends an agreement early: the register reads its date and grounds from it. */
export const TERMINATE_EVENT = ENDINGS.terminated;

export interface RegisterStages {
  /** The stages of agreements in force, of every workflow version. */
  inForce: string[];
  /** The stages an agreement in force reaches when its term passes (the machine's EXPIRE). */
  expired: string[];
  /** The stages an agreement in force reaches when it is ended early (the machine's TERMINATE). */
  terminated: string[];
  /** All of them: the stages of a case that is an agreement. */
  all: string[];
}

/** Where `event` takes a case from `workflow`'s in-force stage, read from the machine's own definition. */
export function stageAfterInForce(workflow: WorkflowDefinition, event: string): string | null {
  if (!workflow.inForceStage) return null;
  const node = workflow.machine.root.states[workflow.inForceStage];
  const target = node?.transitions.get(event)?.[0]?.target?.[0];
  return target ? target.key : null;
}

/** The register's stages of every workflow version, found from the registry and the machines, never named in code. */
export function registerStages(workflows: readonly WorkflowDefinition[] = WORKFLOWS): RegisterStages {
  const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];
  const inForce = uniq(workflows.map((w) => w.inForceStage));
  const expired = uniq(workflows.map((w) => stageAfterInForce(w, ENDINGS.expired)));
  const terminated = uniq(workflows.map((w) => stageAfterInForce(w, ENDINGS.terminated)));
  return { inForce, expired, terminated, all: uniq([...inForce, ...expired, ...terminated]) };
}

/** The calendar date `days` after a date (YYYY-MM-DD), as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The status of an agreement on the city's calendar day `today` (YYYY-MM-DD, ONEGATE_TIMEZONE): terminated
 * when its case was ended early; expired when its case's term ran out, or its `validUntil` is before today
 * (it is in force through that day); otherwise in force.
 */
export function agreementStatus(c: { stage: string; validUntil: string | null }, today: string, stages: RegisterStages = REGISTER_STAGES): AgreementStatus {
  if (stages.terminated.includes(c.stage)) return 'terminated';
  if (stages.expired.includes(c.stage)) return 'expired';
  if (c.validUntil !== null && c.validUntil < today) return 'expired';
  return 'in_force';
}

/** In force and ending within EXPIRING_WITHIN_DAYS days of `today` (today itself included). */
export function isExpiring(c: { stage: string; validUntil: string | null }, today: string, stages: RegisterStages = REGISTER_STAGES): boolean {
  return agreementStatus(c, today, stages) === 'in_force' && c.validUntil !== null && c.validUntil <= addDays(today, EXPIRING_WITHIN_DAYS);
}

export const REGISTER_STAGES = registerStages();

/** One workflow version's register stages: where its agreements are in force, expired and terminated. */
export function stagesOf(workflow: WorkflowDefinition): { inForce: string; expired: string; terminated: string } | null {
  const expired = stageAfterInForce(workflow, ENDINGS.expired);
  const terminated = stageAfterInForce(workflow, ENDINGS.terminated);
  return workflow.inForceStage && expired && terminated ? { inForce: workflow.inForceStage, expired, terminated } : null;
}
