import { Injectable, Module } from '@nestjs/common';
import type { TimerKind, TimerRow } from '../database/rows.js';

/** Runs a fired timer of a kind its feature owns (an evaluation falling due, an addendum to apply); idempotent like every timer. */
export type TimerAction = (timer: TimerRow) => Promise<void>;

/**
 * The timer kinds that features after signing (contract §10) run: each registers its kind at start, and
 * the timer handler hands it the fired timer. So deadlines need not know evaluations or addenda, and those
 * features need not know queues: their timers are rows like any other, queued, reconciled and run once.
 */
@Injectable()
export class TimerActions {
  private readonly actions = new Map<TimerKind, TimerAction>();

  register(kind: TimerKind, action: TimerAction): void {
    if (this.actions.has(kind)) throw new Error(`timer kind ${kind} already has an action`);
    this.actions.set(kind, action);
  }

  find(kind: TimerKind): TimerAction | undefined {
    return this.actions.get(kind);
  }
}

/** One TimerActions for the process: the deadlines feature reads it, the features after signing fill it. */
@Module({ providers: [TimerActions], exports: [TimerActions] })
export class TimerActionsModule {}
