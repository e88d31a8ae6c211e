// @ts-check
/**
 * An API error as a sentence a person can act on, in the user's language: read from the error body's
 * `code` and details (src/common/errors.ts, the filter in src/common/http-exception.filter.ts), naming
 * fields, stages, roles and document kinds by their labels (src/i18n/labels.ts via i18n.js). The
 * server's own `message` is English for developers and logs: it is never shown in Indonesian, and in
 * English only where no sentence of ours says more (an outside service's reason).
 */
import { getLang, t } from './i18n.js';

/** @typedef {{status: number, body: any, retryAfter?: number|null}} ErrorLike */

/** Field paths of request bodies → the form label a person saw. */
const FIELD_LABELS = /** @type {Record<string, string>} */ ({
  title: 'new.caseTitle',
  instrument: 'new.instrument',
  'partner.name': 'new.partnerName',
  'partner.category': 'new.category',
  'partner.country': 'new.country',
  partner: 'new.partnerName',
  summary: 'new.summary',
  validFrom: 'new.validFrom',
  validUntil: 'new.validUntil',
  requiresDprdApproval: 'new.dprd',
  comment: 'case.comment',
  reviewers: 'case.reviewers',
  kind: 'case.upload.kind',
  file: 'case.upload.file',
  decision: 'err.field.decision',
  userId: 'err.field.userId',
  parentCaseId: 'err.field.parentCaseId',
  phone: 'profile.phone',
  channels: 'profile.channels',
  digest: 'profile.digest',
  fields: 'register.f.fields',
  opds: 'register.f.opds',
  value: 'register.amount',
  'value.amount': 'register.amount',
  'value.currency': 'register.currency',
  'value.source': 'register.valueSource',
  'partner.contact': 'new.contact',
  'partner.contact.name': 'new.contactName',
  'partner.contact.email': 'new.contactEmail',
  'partner.contact.phone': 'new.contactPhone',
  body: 'discussion.body',
  documentId: 'discussion.onDocument',
});

/** Names of people by id (the directory the app loaded), to say who holds a task. */
let people = /** @type {Record<string, string>} */ ({});
export function setKnownPeople(/** @type {Record<string, string>} */ names) {
  people = names;
}

/** The label of `family.id`, or null when the catalogue has none (never the raw id). */
function known(/** @type {string} */ family, /** @type {unknown} */ id) {
  if (typeof id !== 'string' || !id) return null;
  const key = `${family}.${id}`;
  const s = t(key, undefined, '\u0000');
  return s === '\u0000' ? null : s;
}

/** "A, B dan C" / "A, B and C". */
function list(/** @type {(string|null)[]} */ items) {
  const xs = items.filter((x) => typeof x === 'string' && x);
  if (xs.length <= 1) return xs[0] ?? '';
  return `${xs.slice(0, -1).join(', ')} ${t('err.and')} ${xs.at(-1)}`;
}

const fieldLabel = (/** @type {unknown} */ f) => (typeof f === 'string' && FIELD_LABELS[f] ? t(FIELD_LABELS[f]) : null);

/** The words of a 400: which fields, and for the common cases what to do. */
function validationText(/** @type {any} */ body) {
  const field = typeof body.field === 'string' ? body.field : null;
  const msg = typeof body.message === 'string' ? body.message : '';
  if (field === 'comment') return t('case.commentRequired');
  if (field === 'validUntil' && /after/.test(msg)) return t('err.validUntil');
  if (field === 'partner.country') return t('err.country');
  if (field === 'instrument' && /not used with/.test(msg)) return t('err.instrumentCategory');
  if (field === 'userId' && /no user/.test(msg)) return t('err.noUser');
  if (field === 'phone') return t(/WhatsApp/.test(msg) ? 'err.phoneNeeded' : 'err.phone');
  if (field === 'file' && /empty/.test(msg)) return t('err.fileEmpty');
  const fields = Array.isArray(body.fields) ? body.fields.map((/** @type {any} */ f) => f?.field) : [field];
  const names = [...new Set(fields.map(fieldLabel).filter(Boolean))];
  return names.length ? t('err.fields', { fields: list(names) }) : t('err.invalid');
}

/** The words of a 409 refused step: what the stage allows, which documents are missing. */
function transitionText(/** @type {any} */ body) {
  const stage = known('stage', body.stage);
  if (Array.isArray(body.missingDocuments) && body.missingDocuments.length) {
    return t('err.missingDocuments', { kinds: list(body.missingDocuments.map((/** @type {unknown} */ k) => known('kind', k))) });
  }
  if (Array.isArray(body.allowedKinds)) {
    const kinds = body.allowedKinds.map((/** @type {unknown} */ k) => known('kind', k));
    if (stage && kinds.length) return t('err.uploadKinds', { stage, kinds: list(kinds) });
    if (stage) return t('err.uploadNone', { stage });
  }
  if (Array.isArray(body.allowedEvents) && body.allowedEvents.length === 1 && body.allowedEvents[0] === 'claim') return t('err.notClaimed');
  const actions = Array.isArray(body.allowedEvents) ? body.allowedEvents.map((/** @type {unknown} */ e) => known('err.action', e)).filter(Boolean) : [];
  const head = stage ? t('err.notInStage', { stage }) : t('err.notNow');
  return actions.length ? `${head} ${t('err.allowed', { actions: list(actions) })}` : head;
}

/** Roles named in a 403's message ("needs one of the roles: legal, mayor"), as labels. */
function rolesIn(/** @type {string} */ msg) {
  const m = /(?:roles|uploaded by): ([a-z_, ]+)/.exec(msg);
  if (!m) return [];
  return m[1].split(/,\s*/).map((r) => known('role', r.trim())).filter(Boolean);
}

/**
 * The sentence for an API error (`ApiError` of api.js: status, parsed body, Retry-After).
 * @param {ErrorLike} err
 */
export function apiErrorText(err) {
  const body = err.body && typeof err.body === 'object' ? err.body : {};
  const code = typeof body.code === 'string' ? body.code : '';
  const msg = typeof body.message === 'string' ? body.message : '';
  switch (code) {
    case 'ValidationFailed':
      return validationText(body);
    case 'InvalidTransition':
      return transitionText(body);
    case 'StaleVersion':
      return t('err.stale');
    case 'TaskAlreadyCompleted':
      return t('err.taskDone');
    case 'TaskClaimedByAnother': {
      const who = typeof body.assigneeId === 'string' ? people[body.assigneeId] : undefined;
      return who ? t('err.claimedBy', { who }) : t('err.claimed');
    }
    case 'NotYourTask':
      return t('err.notYourTask');
    case 'IdempotencyInProgress':
      return t('err.inProgress');
    case 'IdempotencyResponseLost':
    case 'IdempotencyKeyReused':
      return t('err.keyReused');
    case 'PayloadTooLarge':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return body.field === 'file' ? t('err.fileTooLarge') : t('err.bodyTooLarge');
    case 'UnsupportedMediaType':
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return t('err.mediaType');
    case 'DependencyUnavailable':
      return t('err.unavailable');
    case 'SigningFailed':
    case 'SigningRefused':
      // The e-signature's reason (src/signing), in the user's language from the labels catalogue.
      return typeof body.reason === 'string' ? t(`signing.${body.reason}`, { status: typeof body.certificateStatus === 'string' ? body.certificateStatus : t('none') }, t('err.outside')) : t('err.outside');
    case 'Forbidden': {
      const roles = rolesIn(msg);
      return roles.length ? `${t('error.forbidden')} ${t('err.forRoles', { roles: list(roles) })}` : t('error.forbidden');
    }
    case 'NotFound':
      return /^task /.test(msg) ? t('err.taskNotFound') : /^case /.test(msg) ? t('err.caseNotFound') : /^document|bytes of document/.test(msg) ? t('err.documentNotFound') : t('err.notFound');
    default:
  }
  switch (err.status) {
    case 0:
      return t('error.network');
    case 400:
      return validationText(body);
    case 401:
      return t('err.unauthenticated');
    case 403:
      return t('error.forbidden');
    case 404:
      return t('err.notFound');
    case 409:
      return t('err.stale');
    case 413:
      return t('err.fileTooLarge');
    case 415:
      return t('err.mediaType');
    case 422:
      return t('err.keyReused');
    case 429:
      return err.retryAfter ? t('err.tooManyWait', { n: err.retryAfter }) : t('err.tooMany');
    case 502:
      // An outside service's reason (the e-signature service, the gateway): in English only, as it came.
      return getLang() === 'en' && msg ? `${t('err.outside')} (${msg})` : t('err.outside');
    case 503:
      return t('err.unavailable');
    default:
      return err.status >= 500 ? t('err.server') : t('error.generic');
  }
}
