import { evaluationOutcome, evaluationRecommendation, type EvaluationCase } from './evaluation-outcome.js';

const at = (stage: string, context: Record<string, unknown> = {}): EvaluationCase => ({
  workflowName: 'evaluation',
  workflowVersion: 1,
  stage,
  snapshot: { value: stage, context: { rating: null, recommendation: null, ...context } } as EvaluationCase['snapshot'],
});

describe('evaluationOutcome (evaluation@1)', () => {
  it.each(['evaluation_report', 'evaluation_review', 'evaluation_conclusion'])('is open at %s, even with a rating carried in its context', (stage) => {
    expect(evaluationOutcome(at(stage, { rating: 4 }))).toBe('open');
    expect(evaluationRecommendation(at(stage, { rating: 4, recommendation: 'terminate' }))).toBeNull();
  });

  it('is done once concluded with a rating, and only then has a recommendation', () => {
    expect(evaluationOutcome(at('concluded', { rating: 2, recommendation: 'terminate' }))).toBe('done');
    expect(evaluationRecommendation(at('concluded', { rating: 2, recommendation: 'terminate' }))).toBe('terminate');
  });

  it('is cancelled when it ended without a conclusion', () => {
    expect(evaluationOutcome(at('cancelled'))).toBe('cancelled');
    expect(evaluationRecommendation(at('cancelled', { recommendation: 'terminate' }))).toBeNull();
  });

  it('throws for a version the registry does not know (a broken install, not an open evaluation)', () => {
    expect(() => evaluationOutcome({ ...at('concluded'), workflowVersion: 99 })).toThrow(/evaluation@99/);
  });
});
