/** ONEGATE_MONEV's stage durations as SLA defaults; pure, so the deadline module can read it without a module cycle. */
import type { WorkflowDefinition } from '../../workflows/registry.js';
import { DEFAULT_MONEV, type MonevSettings } from '../config/app-config.js';

/** The workflows with ONEGATE_MONEV's report/review/conclusion as the `due` of the evaluation's stages (ONEGATE_SLA still overrides). */
export function withMonevDue(workflows: readonly WorkflowDefinition[], monev: MonevSettings = DEFAULT_MONEV): WorkflowDefinition[] {
  const due: Record<string, string> = { evaluation_report: monev.report, evaluation_review: monev.review, evaluation_conclusion: monev.conclusion };
  return workflows.map((w) =>
    w.name !== 'evaluation'
      ? w
      : { ...w, sla: { ...w.sla, stages: Object.fromEntries(Object.entries(w.sla.stages).map(([stage, sla]) => [stage, due[stage] && due[stage] !== sla.due ? { ...sla, due: due[stage]!, source: `due from ONEGATE_MONEV; default was: ${sla.source}` } : sla])) } },
  );
}
