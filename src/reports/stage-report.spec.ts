import { WORKFLOWS, findWorkflow } from '../../workflows/registry.js';
import { loadSlaTables } from '../deadlines/sla-config.js';
import { WorkingCalendar, parseDuration } from '../deadlines/working-calendar.js';
import { StageReport, WorkingTime, percentile, waitingStages, type StageEvent } from './stage-report.js';

const calendar = new WorkingCalendar({ timeZone: 'Asia/Jakarta', extraHolidays: ['2030-12-24'] });
const time = new WorkingTime(calendar);
const wib = (local: string) => new Date(`${local}+07:00`);

describe('WorkingTime', () => {
  it('counts the covered share of working days only', () => {
    // Friday 10.00 to Monday 10.00: 14 h of Friday and 10 h of Monday.
    expect(time.workingDays(wib('2030-12-13T10:00:00'), wib('2030-12-16T10:00:00'))).toBeCloseTo(1, 10);
    // Within one working day: five hours.
    expect(time.workingDays(wib('2030-12-16T10:00:00'), wib('2030-12-16T15:00:00'))).toBeCloseTo(5 / 24, 10);
    // Saturday to Sunday: nothing.
    expect(time.workingDays(wib('2030-12-14T09:00:00'), wib('2030-12-15T18:00:00'))).toBe(0);
    // Monday 23 to Friday 27 December 2030, same hour: 24 (extra holiday) and 25 (Christmas) do not count.
    expect(time.workingDays(wib('2030-12-23T09:00:00'), wib('2030-12-27T09:00:00'))).toBeCloseTo(2, 10);
    // Across a new year, as the calendar's own walk counts it.
    expect(time.workingDays(wib('2030-12-30T08:00:00'), wib('2031-01-06T08:00:00'))).toBeCloseTo(calendar.workingDaysBetween(wib('2030-12-30T08:00:00'), wib('2031-01-06T08:00:00')), 10);
  });

  it('gives the due time calendar.add gives, from working days, weekends and holidays alike', () => {
    for (const start of ['2030-12-20T14:00:00', '2030-12-21T10:00:00', '2030-12-24T23:30:00', '2030-12-25T00:00:00', '2031-01-01T07:15:00']) {
      for (const due of ['P0D', 'P1D', 'P5D', 'P10D', 'P45D', 'P1DT2H', 'PT30S']) {
        expect([start, due, time.due(wib(start), parseDuration(due))]).toEqual([start, due, calendar.add(wib(start), due).getTime()]);
      }
    }
    for (const t of [wib('2030-12-31T23:59:59'), wib('2031-01-01T00:00:00'), wib('2030-06-30T17:00:00')]) expect(time.localDate(t.getTime())).toBe(calendar.localDate(t));
  });

  it('agrees with calendar.add for whole working days', () => {
    const start = wib('2030-12-20T14:00:00');
    for (const d of [1, 3, 5, 20, 300]) expect(time.workingDays(start, calendar.add(start, `P${d}D`))).toBeCloseTo(d, 10);
  });
});

describe('percentile', () => {
  it('interpolates between ranks', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([4], 0.9)).toBe(4);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 10);
  });
});

describe('StageReport', () => {
  const w = findWorkflow('cooperation', 2)!;
  const [first, second] = w.stages; // the version's first stages, in procedure order
  const revision = Object.entries(w.stageMessages).find(([, k]) => k === 'revision_requested')![0];
  const ev = (caseId: string, at: string, stageBefore: string | null, stageAfter: string): StageEvent => ({ caseId, at: wib(at), stageBefore, stageAfter, workflowName: w.name, workflowVersion: w.version });

  it('lists every waiting stage once, no final or in-force stage', () => {
    const stages = waitingStages(WORKFLOWS);
    expect(new Set(stages).size).toBe(stages.length);
    for (const x of WORKFLOWS) {
      for (const f of x.finalStages) expect(stages).not.toContain(f);
      expect(stages).not.toContain(x.inForceStage);
    }
    expect(stages[0]).toBe(first);
  });

  it('measures stays, revisions, open stays and the window on entry', () => {
    const r = new StageReport([w], loadSlaTables(null, [w]), time, { from: wib('2030-12-01T00:00:00'), to: null });
    const due = Number(/^P(\d+)D$/.exec(loadSlaTables(null, [w]).of({ workflowName: w.name, workflowVersion: w.version })!.stages[second]!.due)![1]);
    // Entered before the window: its stays are not counted.
    r.add(ev('a', '2030-11-04T09:00:00', null, first));
    r.add(ev('a', '2030-12-02T09:00:00', first, second)); // first: begun before the window
    r.add(ev('a', '2030-12-03T09:00:00', second, second)); // not a stage change
    r.add(ev('a', '2030-12-04T09:00:00', second, revision)); // 2 working days, a revision
    r.add(ev('a', '2030-12-05T09:00:00', revision, second));
    r.add(ev('b', '2030-12-02T09:00:00', null, first)); // b's first stay stays open
    const result = r.result();
    const of = (s: string) => result.find((x) => x.stage === s)!;
    expect(of(first)).toMatchObject({ entered: 1, completed: 0, medianWorkingDays: null, withinSla: null, revisions: 0, open: 1 });
    expect(of(second)).toMatchObject({ entered: 2, completed: 1, medianWorkingDays: 2, p90WorkingDays: 2, withinSla: due >= 2 ? 1 : 0, revisions: 1, open: 1 });
    expect(of(revision)).toMatchObject({ entered: 1, completed: 1, medianWorkingDays: 1, withinSla: null });
  });
});
