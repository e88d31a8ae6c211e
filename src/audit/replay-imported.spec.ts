import { transition, type AnyMachineSnapshot } from 'xstate';
import { INSTRUMENT_RULES } from '../../workflows/domain.js';
import { WORKFLOWS } from '../../workflows/registry.js';
import { stagesOf } from '../agreements/agreement-status.js';
import { canonicalJson } from '../common/canonical-json.js';
import type { CaseEventRow } from '../database/rows.js';
import { IMPORTED_EVENT, importedSnapshot, persist } from '../engine/engine.js';
import { replayEvents } from './audit.service.js';

const event = (seq: number, type: string, data: Record<string, unknown>, stageAfter: string, version: number): CaseEventRow => ({
  caseId: 'c-1',
  seq,
  type,
  actorId: 'sec-1',
  actorRoles: ['secretariat'],
  at: new Date(0),
  data,
  stageBefore: null,
  stageAfter,
  workflowName: WORKFLOWS[0]!.name,
  workflowVersion: version,
  prevHash: '',
  hash: '',
  hashFormat: 2,
});

/** Histories that begin with IMPORTED (an agreement from before onegate) and hold events without a machine event (register updates). */
// Versions that make agreements (an addendum's or an evaluation's workflow has no in-force stage, so nothing is imported into it).
describe.each(WORKFLOWS.filter((w) => w.inForceStage !== null).map((w) => [w.version, w] as const))('replay of imported agreements on version %i', (version, workflow) => {
  const stages = stagesOf(workflow)!;
  const input = { caseId: 'c-1', proposerId: 'sec-1', instrument: 'pks', partnerCategory: 'third_party', requiresDprdApproval: false, allowedInstruments: INSTRUMENT_RULES.third_party };

  it.each([stages.inForce, stages.expired, stages.terminated])('begins at %s with the machine’s initial context, no task open', (stage) => {
    const { snapshot, stages: seen } = replayEvents([event(1, IMPORTED_EVENT, { input }, stage, version)]);
    expect(seen).toEqual([stage]);
    expect(canonicalJson(persist(snapshot))).toBe(canonicalJson(persist(importedSnapshot(workflow, input, stage))));
    expect(snapshot.context.tasks).toEqual([]);
  });

  it('skips events recorded without a machine event, and follows a later TERMINATE as transition() does', () => {
    const begun = importedSnapshot(workflow, input, stages.inForce);
    const [ended] = transition(workflow.machine, begun, { type: 'TERMINATE' }) as [AnyMachineSnapshot, unknown];
    const history = [
      event(1, IMPORTED_EVENT, { input }, stages.inForce, version),
      event(2, 'REGISTER_UPDATED', { changes: { signedPlace: { from: null, to: 'Jambi' } } }, stages.inForce, version),
      event(3, 'TERMINATE', { event: { type: 'TERMINATE' } }, stages.terminated, version),
      event(4, 'REGISTER_UPDATED', { changes: { opds: { from: [], to: ['Dinas Kesehatan'] } } }, stages.terminated, version),
    ];
    const replayed = replayEvents(history);
    expect(replayed.stages).toEqual([stages.inForce, stages.inForce, stages.terminated, stages.terminated]);
    expect(canonicalJson(persist(replayed.snapshot))).toBe(canonicalJson(persist(ended)));
  });

  it('still refuses a history that begins with anything else', () => {
    expect(() => replayEvents([event(1, 'REGISTER_UPDATED', { input }, stages.inForce, version)])).toThrow(/starts with CASE_CREATED or IMPORTED/);
  });
});
