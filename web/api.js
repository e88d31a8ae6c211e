// @ts-check
/**
 * The HTTP client: JSON calls to /api with the bearer token of the session, errors as ApiError
 * carrying the server's `{statusCode, error, message}` body. The session (token and user) lives in
 * sessionStorage so a tab forgets it when closed.
 */
import { apiErrorText } from './error-text.js';
import { t } from './i18n.js';

const SESSION_KEY = 'onegate.session';

/** @typedef {{id: string, name: string, email?: string, roles: string[], locale?: string}} User */
/** @typedef {{token: string, user: User, idToken?: string|null, endSession?: string|null, clientId?: string}} Session */
/**
 * A task as the API returns it (contract §6, src/cases/case.dto.ts toTaskDto); the working days are the
 * server's count on the city's calendar, for open tasks.
 * @typedef {{id: string, caseId: string, key: string, stage: string, title: string, role: string, assigneeId: string|null,
 *   status: string, decisions: string[], decision: string|null, comment: string|null, completedBy: string|null,
 *   createdAt: string, completedAt: string|null, dueAt: string|null, workingDaysLeft?: number|null, waitingWorkingDays?: number|null,
 *   case?: {number: string, title: string, stage: string}}} Task
 */
/** Names of the directory's people, by id (GET /api/people, loaded once by the app). @typedef {Record<string, string>} People */
/** @typedef {(e: unknown) => void} Fail */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {any} body
   * @param {number|null} [retryAfter]  seconds, from a 429's or 503's Retry-After
   */
  constructor(status, body, retryAfter = null) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

/** @returns {Session|null} */
export function loadSession() {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

/** @param {Session|null} s */
export function saveSession(s) {
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION_KEY);
}

/**
 * Calls the API. `body` is sent as JSON, `form` as multipart; `as: 'text' | 'blob'` reads the
 * response that way instead of as JSON.
 * @param {string} path  e.g. '/cases?stage=proposal'
 * `token` overrides the session's (to try a token before keeping it).
 * @param {{method?: string, body?: unknown, form?: FormData, as?: 'json'|'text'|'blob', token?: string}} [opts]
 */
export async function api(path, opts = {}) {
  const session = loadSession();
  const token = opts.token ?? session?.token;
  /** @type {Record<string,string>} */
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let body;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(`/api${path}`, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body });
  } catch {
    throw new ApiError(0, { message: t('error.network') });
  }
  if (!res.ok) {
    let err;
    try {
      err = await res.json();
    } catch {
      err = { statusCode: res.status, message: res.statusText };
    }
    if (res.status === 401 && session && !opts.token) window.dispatchEvent(new CustomEvent('onegate:unauthorized'));
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, err, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }
  if (opts.as === 'text') return res.text();
  if (opts.as === 'blob') return res.blob();
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') ?? '';
  return type.includes('json') ? res.json() : res.text();
}

/**
 * An error in words for a banner, in the user's language: an API error by its code (error-text.js),
 * never the server's English message; our own errors (new Error(t(...))) as they are.
 */
export function errorText(/** @type {unknown} */ err) {
  if (err instanceof ApiError) return apiErrorText(err);
  return err instanceof Error && err.message ? err.message : t('error.generic');
}

/** Downloads a document: fetches the bytes with the bearer header, then saves them under the stored name. */
export async function downloadDocument(/** @type {{id: string, name: string}} */ doc) {
  const blob = await api(`/documents/${encodeURIComponent(doc.id)}/content`, { as: 'blob' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = doc.name || 'document';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads the audit event log in one of the export formats (jsonl, csv, xes). */
export async function downloadExport(/** @type {'jsonl'|'csv'|'xes'} */ format) {
  const blob = await api(`/audit/export?format=${format}`, { as: 'blob' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `onegate-events.${format}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Diagrams fetched once, by path. @type {Map<string, Promise<string>>} */
const diagrams = new Map();
/**
 * A workflow's diagram as SVG text, in `lang`. A plain one (or one with `stage` highlighted) never changes
 * and is fetched once; one for `caseId` (that case's stage and path) is fetched fresh each time.
 * @param {string} name
 * @param {number} version
 * @param {{caseId?: string, stage?: string, lang?: string}} [opts]
 */
export function diagram(name, version, opts = {}) {
  const params = opts.caseId ? { caseId: opts.caseId, lang: opts.lang } : { stage: opts.stage, lang: opts.lang };
  const query = new URLSearchParams(Object.entries(params).filter(/** @returns {e is [string, string]} */ (e) => !!e[1])).toString();
  const path = `/workflows/${encodeURIComponent(name)}/${encodeURIComponent(String(version))}/diagram${query ? `?${query}` : ''}`;
  if (opts.caseId) return api(path, { as: 'text' });
  let cached = diagrams.get(path);
  if (!cached) {
    cached = api(path, { as: 'text' });
    cached.catch(() => diagrams.delete(path));
    diagrams.set(path, cached);
  }
  return cached;
}

/** People holding a role (id and name), from the directory; asked once per role and page load. */
/** @type {Map<string, Promise<{id: string, name: string}[]>>} */
const peopleByRole = new Map();
/** @returns {Promise<{id: string, name: string}[]>} */
export function peopleWithRole(/** @type {string} */ role) {
  let known = peopleByRole.get(role);
  if (!known) {
    known = api(`/people?role=${encodeURIComponent(role)}`).then((r) => /** @type {{id: string, name: string}[]} */ (r.items));
    known.catch(() => peopleByRole.delete(role));
    peopleByRole.set(role, known);
  }
  return known;
}
