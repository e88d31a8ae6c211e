import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line written while serving one request (or running one job) carries. */
export interface RequestContext {
  /** The HTTP request that caused this work (kept in job data, so a worker's lines carry it too). */
  requestId?: string;
  /** The queue job being run (`timer-<id>`, `mail-<id>`). */
  jobId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` as the current request context (replacing any inherited one). */
export function runInContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * An incoming `X-Request-Id` is kept only when it is short and plain (a UUID, ULID or a proxy's id):
 * anything else could forge log lines or smuggle text into headers, so a new id replaces it.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}
