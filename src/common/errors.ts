/**
 * Domain errors carry a code; the one exception filter maps codes to HTTP status and the contract's
 * JSON shape `{statusCode, error, message}` (plus the named field or allowed events where useful).
 */
export const ERROR_STATUS = {
  ValidationFailed: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  NotYourTask: 403,
  NotFound: 404,
  InvalidTransition: 409,
  StaleVersion: 409,
  TaskAlreadyCompleted: 409,
  TaskClaimedByAnother: 409,
  IdempotencyInProgress: 409,
  IdempotencyKeyReused: 422,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const invalid = (field: string, message: string) =>
  new DomainError('ValidationFailed', `${field}: ${message}`, { field });
export const notFound = (what: string, id: string) => new DomainError('NotFound', `${what} ${id} not found`);
export const forbidden = (message: string) => new DomainError('Forbidden', message);

/** Raised inside a transaction when another writer advanced the case first; the engine retries. */
export class ConcurrentWrite extends Error {}

/** Thrown by a step's plan to leave without writing when there is nothing to do: not a failure. */
export class NothingToDo extends Error {}
