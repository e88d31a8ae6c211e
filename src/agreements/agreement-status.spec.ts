import { WORKFLOWS } from '../../workflows/registry.js';
import { addDays, agreementStatus, isExpiring, registerStages, REGISTER_STAGES } from './agreement-status.js';

describe('agreement status', () => {
  const inForce = REGISTER_STAGES.inForce[0]!;
  const expired = REGISTER_STAGES.expired[0]!;
  const terminated = REGISTER_STAGES.terminated[0]!;
  const today = '2026-12-07';

  it('finds the register stages from the machines: every version’s in-force stage and where EXPIRE and TERMINATE take it', () => {
    const stages = registerStages();
    // Only versions with an in-force stage make agreements (an addendum's or an evaluation's workflow has none).
    const agreements = WORKFLOWS.filter((w) => w.inForceStage !== null);
    expect(agreements.length).toBeGreaterThan(0);
    expect(stages.inForce).toEqual([...new Set(agreements.map((w) => w.inForceStage))]);
    for (const w of agreements) {
      expect(w.finalStages).toEqual(expect.arrayContaining([...stages.expired, ...stages.terminated]));
      expect(stages.all).toContain(w.inForceStage);
    }
    expect(stages.expired).toHaveLength(1);
    expect(stages.terminated).toHaveLength(1);
    expect(stages.expired[0]).not.toBe(stages.terminated[0]);
  });

  it('is in force through validUntil, expired from the next day, by the calendar date given', () => {
    expect(agreementStatus({ stage: inForce, validUntil: '2026-12-07' }, today)).toBe('in_force');
    expect(agreementStatus({ stage: inForce, validUntil: '2026-12-06' }, today)).toBe('expired');
    expect(agreementStatus({ stage: inForce, validUntil: null }, today)).toBe('in_force');
  });

  it('follows the case: ended early is terminated whatever the term, the term run out is expired', () => {
    expect(agreementStatus({ stage: terminated, validUntil: '2030-01-01' }, today)).toBe('terminated');
    expect(agreementStatus({ stage: expired, validUntil: '2030-01-01' }, today)).toBe('expired');
  });

  it('is expiring when in force and ending within 90 days, today and the 90th day included', () => {
    expect(addDays(today, 90)).toBe('2027-03-07');
    expect(isExpiring({ stage: inForce, validUntil: today }, today)).toBe(true);
    expect(isExpiring({ stage: inForce, validUntil: '2027-03-07' }, today)).toBe(true);
    expect(isExpiring({ stage: inForce, validUntil: '2027-03-08' }, today)).toBe(false);
    expect(isExpiring({ stage: inForce, validUntil: null }, today)).toBe(false);
    expect(isExpiring({ stage: inForce, validUntil: '2026-12-06' }, today)).toBe(false);
    expect(isExpiring({ stage: terminated, validUntil: '2026-12-20' }, today)).toBe(false);
  });

  it('counts days across month and leap-year ends', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
