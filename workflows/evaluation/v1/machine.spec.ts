import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { evaluationMachine, type EvaluationEvent, type EvaluationInput } from './machine.js';
import { checkDecisionInput } from './rules.js';

const input: EvaluationInput = { caseId: 'e', agreementId: 'a', proposerId: 'p', period: { from: '2027-01-01', to: '2027-06-30' } };
const send = (snap: AnyMachineSnapshot, e: EvaluationEvent) => transition(evaluationMachine, snap, e as never)[0];
const start = () => initialTransition(evaluationMachine, input)[0];
const task = (snap: AnyMachineSnapshot) => (snap.context.tasks as { key: string; stage: string; role: string; assignee: string | null }[])[0]!;
const report = { progress: 40, outputs: 'Two trainings held', problems: 'Budget late' };

describe('evaluation@1', () => {
  it('opens the report task for the agreement’s proposer, then the review and conclusion for their roles', () => {
    let s = start();
    expect(s.value).toBe('evaluation_report');
    expect(task(s)).toEqual({ key: 't1', stage: 'evaluation_report', role: 'proposer', assignee: 'p' });
    s = send(s, { type: 'DECIDE', taskKey: 't1', decision: 'submit', report });
    expect(s.value).toBe('evaluation_review');
    expect(s.context.report).toEqual(report);
    expect(task(s)).toEqual({ key: 't2', stage: 'evaluation_review', role: 'technical_reviewer', assignee: null });
    s = send(s, { type: 'DECIDE', taskKey: 't2', decision: 'approve' });
    expect(task(s)).toMatchObject({ key: 't3', stage: 'evaluation_conclusion', role: 'secretariat' });
    s = send(s, { type: 'DECIDE', taskKey: 't3', decision: 'approve', rating: 4, recommendation: 'extend' });
    expect(s.value).toBe('concluded');
    expect(s.status).toBe('done');
    expect(s.context).toMatchObject({ rating: 4, recommendation: 'extend', report, tasks: [] });
  });

  it('sends the report back on revise, and the new report replaces the old', () => {
    let s = send(start(), { type: 'DECIDE', taskKey: 't1', decision: 'submit', report });
    s = send(s, { type: 'DECIDE', taskKey: 't2', decision: 'revise' });
    expect(s.value).toBe('evaluation_report');
    expect(task(s)).toMatchObject({ key: 't3', assignee: 'p' });
    expect(s.context.revisions).toBe(1);
    s = send(s, { type: 'DECIDE', taskKey: 't3', decision: 'submit', report: { progress: 50, outputs: 'Three' } });
    expect(s.context.report).toEqual({ progress: 50, outputs: 'Three' });
  });

  it('refuses a decision its stage does not take, or for a task that is not open', () => {
    const s = start();
    expect(send(s, { type: 'DECIDE', taskKey: 't1', decision: 'approve' })).toBe(s);
    expect(send(s, { type: 'DECIDE', taskKey: 't9', decision: 'submit', report })).toBe(s);
  });

  it.each(['evaluation_report', 'evaluation_review', 'evaluation_conclusion'])('is cancelled from %s, and nothing moves it after', (stage) => {
    let s = start();
    if (stage !== 'evaluation_report') s = send(s, { type: 'DECIDE', taskKey: 't1', decision: 'submit', report });
    if (stage === 'evaluation_conclusion') s = send(s, { type: 'DECIDE', taskKey: 't2', decision: 'approve' });
    expect(s.value).toBe(stage);
    s = send(s, { type: 'CANCEL' });
    expect(s.value).toBe('cancelled');
    expect(s.context.tasks).toEqual([]);
    expect(send(s, { type: 'CANCEL' })).toBe(s);
  });

  it('keeps the report file uploaded at the report stage only', () => {
    let s = send(start(), { type: 'DOCUMENT_ADDED', kind: 'evaluation_report', version: 1, sha256: 'a'.repeat(64) });
    expect(s.context.documents.evaluation_report).toMatchObject({ version: 1, stage: 'evaluation_report' });
    s = send(s, { type: 'DECIDE', taskKey: 't1', decision: 'submit', report });
    expect(send(s, { type: 'DOCUMENT_ADDED', kind: 'evaluation_report', version: 2, sha256: 'b'.repeat(64) })).toBe(s);
  });
});

describe('evaluation@1 decision input', () => {
  const field = (stage: string, decision: string, i: Record<string, unknown>) => checkDecisionInput(stage, decision, i)?.field ?? null;
  it('needs a whole report with submit', () => {
    expect(field('evaluation_report', 'submit', { report })).toBeNull();
    expect(field('evaluation_report', 'submit', {})).toBe('report');
    expect(field('evaluation_report', 'submit', { report: { ...report, progress: 101 } })).toBe('report.progress');
    expect(field('evaluation_report', 'submit', { report: { ...report, progress: 2.5 } })).toBe('report.progress');
    expect(field('evaluation_report', 'submit', { report: { ...report, progress: '40' } })).toBe('report.progress');
    expect(field('evaluation_report', 'submit', { report: { progress: 0, outputs: '  ' } })).toBe('report.outputs');
    expect(field('evaluation_report', 'submit', { report: { progress: 0, outputs: 'x'.repeat(4001) } })).toBe('report.outputs');
    expect(field('evaluation_report', 'submit', { report: { ...report, problems: 7 } })).toBe('report.problems');
    expect(field('evaluation_report', 'submit', { report: { ...report, extra: 1 } })).toBe('report.extra');
  });
  it('needs a rating 1–5 and a recommendation with the conclusion', () => {
    expect(field('evaluation_conclusion', 'approve', { rating: 5, recommendation: 'continue' })).toBeNull();
    expect(field('evaluation_conclusion', 'approve', { recommendation: 'continue' })).toBe('rating');
    expect(field('evaluation_conclusion', 'approve', { rating: 0, recommendation: 'continue' })).toBe('rating');
    expect(field('evaluation_conclusion', 'approve', { rating: 3 })).toBe('recommendation');
    expect(field('evaluation_conclusion', 'approve', { rating: 3, recommendation: 'stop' })).toBe('recommendation');
  });
  it('refuses a report or rating where none is taken', () => {
    expect(field('evaluation_review', 'approve', {})).toBeNull();
    expect(field('evaluation_review', 'approve', { rating: 3 })).toBe('rating');
    expect(field('evaluation_review', 'revise', { report })).toBe('report');
  });
});
