/**
 * Golden replays: event logs of real cases, recorded once per sealed workflow version by
 * `scripts/record-golden.mjs`, with the case row the engine stored. Replaying a log on its recorded
 * version must give that row back, step by step; when a sealed version's behaviour changes, it does not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { isDeepStrictEqual } from 'node:util';
import type { CaseEventRow } from '../../src/database/rows.js';
import { MIGRATED_EVENT, persist } from '../../src/engine/engine.js';
import { hashEvent } from '../../src/engine/event-hash.js';
import { replayEvents } from '../../src/audit/audit.service.js';
import type { WorkflowDefinition } from '../../workflows/registry.js';

export interface GoldenCase {
  name: string;
  events: (Omit<CaseEventRow, 'at' | 'hashFormat'> & { at: string; hashFormat?: CaseEventRow['hashFormat'] })[];
  stored: { stage: string; version: number; snapshot: { value: unknown; context: unknown }; headHash: string };
}

export interface GoldenFixture {
  file: string;
  /** The version the fixture's cases end on. */
  workflow: { name: string; version: number };
  /** Cases moved to `workflow` from this version (MIGRATED, contract §11); absent for a version's own recording. */
  migratedFrom?: number;
  cases: GoldenCase[];
}

export const GOLDEN_DIR = __dirname;

export function loadGoldenFixtures(dir = GOLDEN_DIR): GoldenFixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<GoldenFixture, 'file'>) }));
}

/**
 * The recorded rows as the engine reads them. Rows recorded before events carried their hash format
 * have none; the migration that added it labels every such row format 1, and so does this.
 */
export function eventRows(c: GoldenCase): CaseEventRow[] {
  return c.events.map((e) => ({ ...e, hashFormat: e.hashFormat ?? 1, at: new Date(e.at) }));
}

/**
 * Replays one recorded case with the engine's own `transition()` on the definition `find` gives for
 * its recorded version, and lists every difference from what was recorded: a stage after any step, a
 * refused event, the stored snapshot, the hash chain. Empty means the version behaves as it did.
 */
export function goldenMismatches(c: GoldenCase, find: (name: string, version: number) => WorkflowDefinition | undefined): string[] {
  const problems: string[] = [];
  const events = eventRows(c);
  const first = events[0]!;
  let workflow = find(first.workflowName, first.workflowVersion);
  if (!workflow) return [`workflow ${first.workflowName}@${first.workflowVersion} is not in the registry`];
  let snapshot: AnyMachineSnapshot = initialTransition(workflow.machine, first.data.input as never)[0];
  if (String(snapshot.value) !== first.stageAfter) problems.push(`seq 1: starts in ${String(snapshot.value)}, recorded ${first.stageAfter}`);
  for (const e of events.slice(1)) {
    if (e.type === MIGRATED_EVENT) {
      // A move to another version (contract §11): the same stage and context, on the version it records, from here on.
      const target = find(e.workflowName, e.workflowVersion);
      const { from, to } = e.data as { from?: number; to?: number };
      if (!target || e.workflowName !== workflow.name || from !== workflow.version || to !== e.workflowVersion) {
        problems.push(`seq ${e.seq}: MIGRATED from ${String(from)} to ${String(to)} recorded on ${e.workflowName}@${e.workflowVersion}, the case was on ${workflow.name}@${workflow.version}`);
        return problems;
      }
      workflow = target;
      snapshot = target.machine.resolveState({ value: snapshot.value, context: snapshot.context });
      if (String(snapshot.value) !== e.stageAfter || e.stageBefore !== e.stageAfter) problems.push(`seq ${e.seq}: MIGRATED changed the stage`);
      continue;
    }
    if (e.workflowName !== workflow.name || e.workflowVersion !== workflow.version) problems.push(`seq ${e.seq}: recorded on ${e.workflowName}@${e.workflowVersion}`);
    const [next] = transition(workflow.machine, snapshot, e.data.event as never);
    if (next === snapshot) problems.push(`seq ${e.seq}: ${e.type} is refused in ${String(snapshot.value)}, it was taken`);
    if (String(next.value) !== e.stageAfter) problems.push(`seq ${e.seq}: ${e.type} leads to ${String(next.value)}, recorded ${e.stageAfter}`);
    snapshot = next;
  }
  if (String(snapshot.value) !== c.stored.stage) problems.push(`ends in ${String(snapshot.value)}, stored ${c.stored.stage}`);
  if (!isDeepStrictEqual(persist(snapshot), c.stored.snapshot)) problems.push('the replayed snapshot differs from the stored one');
  if (events.length !== c.stored.version) problems.push(`${events.length} events, the case was at version ${c.stored.version}`);
  events.forEach((e, i) => {
    if (hashEvent(e) !== e.hash) problems.push(`seq ${e.seq}: hash does not match its content`);
    if (i > 0 && e.prevHash !== events[i - 1]!.hash) problems.push(`seq ${e.seq}: prevHash does not link to seq ${events[i - 1]!.seq}`);
  });
  if (events.at(-1)!.hash !== c.stored.headHash) problems.push('the last event is not the stored head');
  return problems;
}

/** The auditor's replay (`replayEvents`, an actor folding the log through the registry) must agree. */
export function auditorReplayMismatch(c: GoldenCase): string | null {
  const { snapshot, stages } = replayEvents(eventRows(c));
  const recorded = c.events.map((e) => e.stageAfter);
  if (!isDeepStrictEqual(stages, recorded)) return `stages ${stages.join(' → ')}, recorded ${recorded.join(' → ')}`;
  return isDeepStrictEqual(persist(snapshot), c.stored.snapshot) ? null : 'the replayed snapshot differs from the stored one';
}
