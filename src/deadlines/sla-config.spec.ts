import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKFLOWS, findWorkflow, newestWorkflow, type WorkflowDefinition } from '../../workflows/registry.js';
import { withMonevDue } from '../evaluations/monev-sla.js';
import { ConfigError } from '../config/app-config.js';
import { loadHolidays, loadSlaTable, loadSlaTables } from './sla-config.js';
import { parseDuration } from './working-calendar.js';

let dir: string;
let count = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'onegate-sla-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `content` (JSON-encoded unless already a string) to a fresh file and returns its path. */
function file(content: unknown): string {
  const path = join(dir, `config-${++count}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The ConfigError message of `load`, which must name the file, the key path and the value. */
function refusal(load: () => unknown): string {
  try {
    load();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const newest = newestWorkflow('cooperation')!;
const DEFAULT_STAGE_SLA = newest.sla.stages as Record<string, WorkflowDefinition['sla']['stages'][string]>;

describe.each(WORKFLOWS.map((w) => [`${w.name}@${w.version}`, w] as const))('default SLA table of %s', (_, workflow) => {
  it('covers every task stage with durations that parse and reminders within due', () => {
    expect(Object.keys(workflow.sla.stages).sort()).toEqual([...workflow.taskStages].sort());
    for (const stage of workflow.taskStages) {
      const sla = workflow.sla.stages[stage]!;
      const due = parseDuration(sla.due);
      for (const offset of sla.remind) {
        const r = parseDuration(offset);
        expect(r.days < due.days || (r.days === due.days && r.ms <= due.ms)).toBe(true);
      }
      sla.escalate.forEach((offset) => parseDuration(offset));
      expect(sla.source).toMatch(/\S/);
    }
  });

  it('has no deemed approval by default, DPRD included (the 45-day rule is unverified)', () => {
    for (const stage of workflow.taskStages) expect(workflow.sla.stages[stage]!.onExpiry).toBeUndefined();
    // An evaluation (contract §10) has no DPRD stage and is no agreement: no expiry reminders.
    if (workflow.name !== 'cooperation') return expect(workflow.sla.expiryReminderDays).toEqual([]);
    expect(workflow.sla.stages.dprd_approval!.source).toMatch(/UNVERIFIED/);
    // An addendum has no term of its own, so no expiry reminders.
    expect(workflow.sla.expiryReminderDays).toEqual(workflow.inForceStage ? [90, 60, 30, 7, 0] : []);
  });
});

describe('loadSlaTables', () => {
  it("gives each version its own defaults, and the file's override to every version that has the stage", () => {
    const tables = loadSlaTables(file({ legal_review: { due: 'P3D' } }));
    for (const w of WORKFLOWS.filter((x) => x.name === 'cooperation')) {
      const table = tables.of({ workflowName: w.name, workflowVersion: w.version })!;
      expect(table.stages.legal_review!.due).toBe('P3D');
      expect(table.stages.technical_review).toEqual(w.sla.stages.technical_review);
    }
    expect(tables.of({ workflowName: 'cooperation', workflowVersion: 99 })).toBeUndefined();
  });

  it("overrides a second workflow's stages (evaluation@1), after ONEGATE_MONEV's due, and leaves the others' alone", () => {
    const monev = { endOfTerm: 'P30D', report: 'P7D', review: 'P4D', conclusion: 'P5D' };
    const tables = loadSlaTables(file({ evaluation_review: { due: 'PT3H', remind: ['PT2H'] }, legal_review: { due: 'P3D' } }), withMonevDue(WORKFLOWS, monev));
    const evaluation = tables.of({ workflowName: 'evaluation', workflowVersion: 1 })!;
    expect(evaluation.stages.evaluation_review).toMatchObject({ due: 'PT3H', remind: ['PT2H'] });
    expect(evaluation.stages.evaluation_report!.due).toBe('P7D');
    expect(evaluation.stages.evaluation_report!.source).toMatch(/ONEGATE_MONEV/);
    expect(evaluation.stages.evaluation_conclusion).toEqual(findWorkflow('evaluation', 1)!.sla.stages.evaluation_conclusion);
    expect(evaluation.stages.legal_review).toBeUndefined();
    expect(tables.of({ workflowName: 'cooperation', workflowVersion: 2 })!.stages.evaluation_review).toBeUndefined();
  });

  it('leaves a stage one version lacks to the versions that have it, and refuses one no version has', () => {
    const v1 = findWorkflow('cooperation', 1)!;
    const without: WorkflowDefinition = { ...v1, version: 1001, taskStages: v1.taskStages.filter((s) => s !== 'dprd_approval'), sla: { ...v1.sla, stages: Object.fromEntries(Object.entries(v1.sla.stages).filter(([s]) => s !== 'dprd_approval')) } };
    const tables = loadSlaTables(file({ dprd_approval: { due: 'P20D' } }), [v1, without]);
    expect(tables.of({ workflowName: 'cooperation', workflowVersion: 1 })!.stages.dprd_approval!.due).toBe('P20D');
    expect(tables.of({ workflowName: 'cooperation', workflowVersion: 1001 })!.stages.dprd_approval).toBeUndefined();
    expect(refusal(() => loadSlaTables(file({ kantor_pos: { due: 'P1D' } })))).toMatch(/kantor_pos.*is not a task stage/);
  });
});

describe('loadSlaTable', () => {
  it('gives the defaults without a file, as copies', () => {
    const table = loadSlaTable(null);
    expect(table.stages).toEqual(DEFAULT_STAGE_SLA);
    expect(table.expiryReminderDays).toEqual([90, 60, 30, 7, 0]);
    table.stages.technical_review.remind.push('P9D');
    expect(DEFAULT_STAGE_SLA.technical_review!.remind).not.toContain('P9D');
  });

  it('merges a partial override per stage and field (contract §5 example)', () => {
    const path = file({ technical_review: { due: 'PT20S', remind: ['PT10S'], escalate: ['PT5S'] }, legal_review: { escalate: ['P1D'] } });
    const table = loadSlaTable(path);
    expect(table.stages.technical_review).toMatchObject({ due: 'PT20S', remind: ['PT10S'], escalate: ['PT5S'] });
    expect(table.stages.technical_review.source).toContain(path);
    expect(table.stages.legal_review).toMatchObject({ due: DEFAULT_STAGE_SLA.legal_review.due, remind: DEFAULT_STAGE_SLA.legal_review.remind, escalate: ['P1D'] });
    expect(table.stages.administrative_check).toEqual(DEFAULT_STAGE_SLA.administrative_check);
  });

  it('turns deemed approval on with onExpiry and off again with null', () => {
    const on = loadSlaTable(file({ dprd_approval: { onExpiry: { action: 'approve', after: 'P45D' }, source: 'Perwali 12/2026 Pasal 9' } }));
    expect(on.stages.dprd_approval.onExpiry).toEqual({ action: 'approve', after: 'P45D' });
    expect(on.stages.dprd_approval.source).toBe('Perwali 12/2026 Pasal 9');
    const off = loadSlaTable(file({ dprd_approval: { onExpiry: null } }));
    expect(off.stages.dprd_approval).not.toHaveProperty('onExpiry');
  });

  it('reads expiryReminderDays, one per day, earliest first', () => {
    expect(loadSlaTable(file({ expiryReminderDays: [7, 30, 0, 30] })).expiryReminderDays).toEqual([30, 7, 0]);
    expect(loadSlaTable(file({ expiryReminderDays: [] })).expiryReminderDays).toEqual([]);
  });

  it('accepts a reminder equal to due (compared days first, then time)', () => {
    expect(loadSlaTable(file({ technical_review: { due: 'P1D', remind: ['P1D', 'PT23H59M'] } })).stages.technical_review.remind).toEqual(['P1D', 'PT23H59M']);
  });

  // Each refusal names the file, the key path and the offending value.
  it.each([
    ['malformed JSON', '{"technical_review": {"due": "P1D",}}', '(file)', '"{\\"technical_review\\"'],
    ['an array at the top', ['P1D'], '(top level)', '["P1D"]'],
    ['a string at the top', '"P1D"', '(top level)', '"P1D"'],
    ['an unknown stage', { proposal: { due: 'P1D' } }, 'proposal', '{"due":"P1D"}'],
    ['a stage that is not an object', { legal_review: 'P3D' }, 'legal_review', '"P3D"'],
    ['an unknown field', { legal_review: { deadline: 'P3D' } }, 'legal_review.deadline', '"P3D"'],
    ['a numeric due', { legal_review: { due: 3 } }, 'legal_review.due', '3'],
    ['a month due', { legal_review: { due: 'P1M' } }, 'legal_review.due', '"P1M"'],
    ['a nonsense remind offset', { technical_review: { remind: ['P1D', 'soon'] } }, 'technical_review.remind[1]', '"soon"'],
    ['a remind that is not an array', { technical_review: { remind: 'P1D' } }, 'technical_review.remind', '"P1D"'],
    ['a negative escalation', { technical_review: { escalate: ['-P1D'] } }, 'technical_review.escalate[0]', '"-P1D"'],
    ['a remind longer than due', { technical_review: { due: 'P2D', remind: ['P1D', 'P2DT1S'] } }, 'technical_review.remind[1]', '"P2DT1S"'],
    ['a default remind longer than a new due', { technical_review: { due: 'PT20S' } }, 'technical_review.remind[0]', '"P2D"'],
    ['an onExpiry action other than approve', { dprd_approval: { onExpiry: { action: 'reject', after: 'P45D' } } }, 'dprd_approval.onExpiry.action', '"reject"'],
    ['an onExpiry without after', { dprd_approval: { onExpiry: { action: 'approve' } } }, 'dprd_approval.onExpiry.after', '(missing)'],
    ['an onExpiry with a bad after', { dprd_approval: { onExpiry: { action: 'approve', after: 'P6W' } } }, 'dprd_approval.onExpiry.after', '"P6W"'],
    ['an onExpiry with an unknown field', { dprd_approval: { onExpiry: { action: 'approve', after: 'P45D', when: 'x' } } }, 'dprd_approval.onExpiry.when', '"x"'],
    ['an onExpiry before due', { dprd_approval: { onExpiry: { action: 'approve', after: 'P30D' } } }, 'dprd_approval.onExpiry.after', '"P30D"'],
    ['an onExpiry that is a string', { dprd_approval: { onExpiry: 'approve' } }, 'dprd_approval.onExpiry', '"approve"'],
    ['an empty source', { legal_review: { source: '' } }, 'legal_review.source', '""'],
    ['expiryReminderDays not an array', { expiryReminderDays: 30 }, 'expiryReminderDays', '30'],
    ['a negative expiry reminder day', { expiryReminderDays: [30, -1] }, 'expiryReminderDays[1]', '-1'],
    ['a fractional expiry reminder day', { expiryReminderDays: [7.5] }, 'expiryReminderDays[0]', '7.5'],
    ['a string expiry reminder day', { expiryReminderDays: ['7'] }, 'expiryReminderDays[0]', '"7"'],
  ])('refuses %s', (_what, content, key, value) => {
    const path = file(content);
    const message = refusal(() => loadSlaTable(path));
    expect(message).toContain(path);
    expect(message).toContain(`${key} = ${value}`);
  });

  it('explains months are not supported, and that a default remind needs overriding', () => {
    expect(refusal(() => loadSlaTable(file({ legal_review: { due: 'P1M' } })))).toMatch(/months, which are not supported/);
    expect(refusal(() => loadSlaTable(file({ technical_review: { due: 'PT20S' } })))).toMatch(/longer than due "PT20S".*default; override it too/);
  });

  it('says when the file cannot be read', () => {
    const missing = join(dir, 'missing.json');
    expect(refusal(() => loadSlaTable(missing))).toContain(missing);
  });
});

describe('loadHolidays', () => {
  it('gives no dates without a file', () => {
    expect(loadHolidays(null)).toEqual([]);
  });

  it('reads dates, sorted and without repeats', () => {
    expect(loadHolidays(file(['2026-12-24', '2026-03-18', '2026-12-24']))).toEqual(['2026-03-18', '2026-12-24']);
  });

  it.each([
    ['malformed JSON', '["2026-12-24"', '(file)', '"[\\"2026-12-24\\""'],
    ['an object', { dates: ['2026-12-24'] }, '(top level)', '{"dates":["2026-12-24"]}'],
    ['a date that does not exist', ['2026-12-24', '2026-02-30'], '[1]', '"2026-02-30"'],
    ['a date in another format', ['24/12/2026'], '[0]', '"24/12/2026"'],
    ['a date with a time', ['2026-12-24T00:00:00Z'], '[0]', '"2026-12-24T00:00:00Z"'],
    ['a number', [20261224], '[0]', '20261224'],
  ])('refuses %s', (_what, content, key, value) => {
    const path = file(content);
    const message = refusal(() => loadHolidays(path));
    expect(message).toContain(path);
    expect(message).toContain(`${key} = ${value}`);
  });
});
