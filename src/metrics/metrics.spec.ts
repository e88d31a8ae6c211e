import { ConcurrentWrite, DomainError, NothingToDo } from '../common/errors.js';
import type { CommitListener, FailureListener, StepResult } from '../engine/engine.js';
import { Metrics } from './metrics.js';

/** The engine's two hooks, driven by hand. */
function fakeEngine() {
  const hooks: { committed: CommitListener[]; failed: FailureListener[] } = { committed: [], failed: [] };
  return {
    hooks,
    onCommitted: (l: CommitListener) => void hooks.committed.push(l),
    onFailed: (l: FailureListener) => void hooks.failed.push(l),
  };
}

async function count(metrics: Metrics, stage: string, outcome: string): Promise<number> {
  const values = (await metrics.steps.get()).values;
  return values.find((v) => v.labels.stage === stage && v.labels.outcome === outcome)?.value ?? 0;
}

describe('Metrics', () => {
  it('labels each step with the stage it was taken in and what became of it', async () => {
    const metrics = new Metrics();
    const engine = fakeEngine();
    metrics.observe(engine);
    const step = (stageBefore: string | null) => ({ event: { stageBefore } }) as unknown as StepResult;
    engine.hooks.committed[0]!(step(null));
    engine.hooks.committed[0]!(step('legal_review'));
    const fail = (err: unknown, retrying = false, stage: string | null = 'legal_review') => engine.hooks.failed[0]!(err, { caseId: 'c', stage, retrying });
    fail(new DomainError('InvalidTransition', 'no'));
    fail(new DomainError('TaskAlreadyCompleted', 'done'));
    fail(new DomainError('StaleVersion', 'stale'), false, null);
    fail(new ConcurrentWrite('raced'), true);
    fail(Object.assign(new Error('duplicate key'), { code: '23505' }), true);
    fail(new ConcurrentWrite('raced eight times'), false);
    fail(new DomainError('ValidationFailed', 'comment: needed'));
    fail(new DomainError('Forbidden', 'not yours'));
    fail(new Error('database went away'));
    fail(new NothingToDo());

    expect(await count(metrics, 'none', 'committed')).toBe(1);
    expect(await count(metrics, 'legal_review', 'committed')).toBe(1);
    expect(await count(metrics, 'legal_review', 'refused')).toBe(2);
    expect(await count(metrics, 'unknown', 'refused')).toBe(1);
    expect(await count(metrics, 'legal_review', 'conflict_retry')).toBe(2);
    expect(await count(metrics, 'legal_review', 'invalid')).toBe(2);
    expect(await count(metrics, 'legal_review', 'error')).toBe(2);
    const total = (await metrics.steps.get()).values.reduce((n, v) => n + v.value, 0);
    expect(total).toBe(11); // the step with nothing to do is not counted
  });

  it('counts mail by kind, escalation levels together, and tells a given-up delivery', async () => {
    const metrics = new Metrics();
    metrics.mailAttempt('reminder', 'sent');
    metrics.mailAttempt('escalation_1', 'sent');
    metrics.mailAttempt('escalation_2', 'failed');
    metrics.mailAttempt('escalation_2', 'gave_up');
    expect((await metrics.mailSent.get()).values.map((v) => [v.labels.kind, v.value])).toEqual([
      ['reminder', 1],
      ['escalation', 1],
    ]);
    expect((await metrics.mailFailed.get()).values.map((v) => [v.labels.kind, v.labels.final, v.value])).toEqual([
      ['escalation', 'false', 1],
      ['escalation', 'true', 1],
    ]);
  });

  it('keeps each app in its own registry', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.mailAttempt('reminder', 'sent');
    expect((await b.mailSent.get()).values).toEqual([]);
    expect(await a.render()).toContain('onegate_mail_sent_total{kind="reminder"} 1');
  });
});
