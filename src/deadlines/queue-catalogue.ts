import { currentRequestId } from '../common/request-context.js';

/** Queue and job names in one place (immich's rule): a job without a handler fails the start. */
export const QUEUES = {
  timers: 'onegate-timers',
  mail: 'onegate-mail',
} as const;

export const JOBS = {
  fireTimer: 'fire-timer',
  sendMail: 'send-mail',
} as const;

/** The HTTP request that caused the job, so the worker's log lines about it carry its id. */
export interface Traced {
  requestId?: string;
}

export interface FireTimerPayload extends Traced {
  timerId: string;
}

export interface SendMailPayload extends Traced {
  deliveryId: string;
}

/** The current request's id, for a job's data (nothing when no request is being served). */
export function traced(): Traced {
  const requestId = currentRequestId();
  return requestId ? { requestId } : {};
}

/** Deterministic job ids: a repeated enqueue of the same timer or delivery is a no-op. BullMQ ids may not contain ':'. */
export const timerJobId = (timerId: string) => `timer-${timerId}`;
export const mailJobId = (deliveryId: string) => `mail-${deliveryId}`;

export interface JobHandlers {
  fireTimer(payload: FireTimerPayload): Promise<void>;
  sendMail(payload: SendMailPayload): Promise<void>;
}

export interface QueueHealth {
  kind: 'redis' | 'in-process';
  status: 'ok' | 'down';
  waiting?: number;
  delayed?: number;
  active?: number;
  failed?: number;
}

/**
 * The scheduler port: delayed timer jobs and mail jobs. Two adapters: BullMQ on Redis, and
 * in-process for the embedded default. Both only carry work; the database stays the truth.
 */
export interface Scheduler {
  /**
   * Gives timers their jobs. `fresh`: the timers were just written by a committed step, so none can have
   * a job yet (reconciliation, which hands over timers that mostly have one, leaves it unset).
   */
  scheduleTimers(timers: { id: string; fireAt: Date }[], options?: { fresh?: boolean }): Promise<void>;
  /** `delayMs`: wait before the first attempt (a retry after a refusal elsewhere). */
  enqueueMail(deliveryIds: string[], delayMs?: number): Promise<void>;
  /**
   * Runs these timers now rather than at their queued time, for a clock that was moved rather than
   * waited for (tests, which own time): the timers are pending ones due by that clock. In-process it
   * also runs the mail retries due by the clock, and resolves once all of it has run; on Redis it
   * resolves once the jobs are waiting for a worker.
   */
  runDue(timers: { id: string }[]): Promise<void>;
  /** Starts processing (worker and all roles). */
  startWorkers(handlers: JobHandlers): Promise<void>;
  health(): Promise<QueueHealth>;
  /** Stops taking jobs and lets active ones finish. */
  close(): Promise<void>;
}

/** Retry delays for mail: 1 s, 2 s, 4 s … capped at 5 min. */
export function mailBackoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 300_000);
}
