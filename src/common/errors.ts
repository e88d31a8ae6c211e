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
  ConcurrentWriteWon: 409,
  IdempotencyResponseLost: 409,
  IdempotencyKeyReused: 422,
  /** A legacy register file with errors (contract §9): nothing imported. */
  ImportInvalid: 422,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  /** The signer's certificate is not usable now (not ISSUE, expired), or nothing can be signed (contract §12). */
  SigningRefused: 409,
  /** The signature backend failed: wrong passphrase, time-out, 5xx, an HTML page, a non-PDF answer (contract §12). */
  SigningFailed: 502,
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

/** Raised inside a transaction when another writer advanced the case first; the engine retries (then answers ConcurrentWriteWon). */
export class ConcurrentWrite extends Error {}

/**
 * PostgreSQL gave up one of two transactions that wanted each other's rows (40P01, deadlock) or could
 * not serialize it (40001): nothing of it was written, and running it again is the answer.
 */
export function isTransactionConflict(err: unknown): boolean {
  const code = (err as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (err as { code?: string })?.code;
  return code === '40P01' || code === '40001';
}

/** Thrown by a step's plan to leave without writing when there is nothing to do: not a failure. */
export class NothingToDo extends Error {}

/**
 * Connection-level failures of a dependency and a saturated database: Node socket errors; PostgreSQL
 * class 08 (connection), class 53 (insufficient resources, too many connections), 55P03 (lock_timeout),
 * 57014 (statement_timeout) and 57P01–57P03 (shutting down). SQLite's busy/locked codes are matched by prefix.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53000',
  '53100',
  '53200',
  '53300',
  '55P03',
  '57014',
  '57P01',
  '57P02',
  '57P03',
]);
/** What pg and TypeORM say, without a code, when the connection went away under a query or transaction. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Query runner already released|Connection is not established|database system is (shutting down|starting up|in recovery mode)/i;

/**
 * True when `err` says the database (or another dependency) cannot be reached, not that the request
 * was wrong: the API answers 503 with Retry-After, so clients retry, instead of a 500.
 */
export function isDependencyUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; name?: unknown; driverError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && (UNAVAILABLE_CODES.has(e.code) || /^SQLITE_(BUSY|LOCKED)/.test(e.code))) return true;
    if (e.name === 'QueryRunnerAlreadyReleasedError' || (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message))) return true;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}
