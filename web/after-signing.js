// @ts-check
/**
 * Life after signing (contract §10, issue 18): the evaluation tasks' own forms (the proposer's monev
 * report, the secretariat's conclusion with a rating and a recommendation), the agreement and its earlier
 * evaluations beside an evaluation's task, and the agreement page's section "after signing": what happened
 * since the signature in date order (evaluations, addenda, renewal, termination) and what may be done next.
 * Every 400 naming a field is said beside that field, in words.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, errorText } from './api.js';
import { Banner, html, Loading } from './components.js';
import { fieldLabel } from './fields.js';
import { formatDate, label, t } from './i18n.js';
import { navigate } from './router.js';

/** @typedef {import('./api.js').Task} Task */
/** @typedef {import('./components.js').Messages} Messages */
/** @typedef {import('./components.js').FieldEvent} FieldEvent */

export const RATINGS = [1, 2, 3, 4, 5];
export const RECOMMENDATIONS = ['continue', 'extend', 'improve', 'terminate'];
export const GROUNDS = ['mutual_agreement', 'breach', 'force_majeure', 'law_change', 'national_interest', 'evaluation'];

/** The body paths a 400 names (`field`, or `fields:[{field}]`), [] for any other error. */
export function badFields(/** @type {unknown} */ e) {
  if (!(e instanceof ApiError) || e.status !== 400) return [];
  const b = e.body ?? {};
  const list = Array.isArray(b.fields) ? b.fields.map((/** @type {any} */ x) => x?.field) : [b.field];
  return list.filter((/** @type {unknown} */ x) => typeof x === 'string');
}

/**
 * Which form fields a 400's paths belong to: `at` maps a form field to the paths it shows; each named
 * field gets its own message (`<prefix>.<field>`). Empty when the 400 named none of them.
 * @param {unknown} e  @param {Record<string, RegExp>} at  @param {string} prefix
 */
export function errorsAt(e, at, prefix) {
  /** @type {Record<string, string>} */
  const found = {};
  for (const path of badFields(e)) for (const [k, re] of Object.entries(at)) if (re.test(path) && !found[k]) found[k] = t(`${prefix}.${k}`);
  // A refused document (missing on the case) is named by kind in `missingDocuments`.
  if (e instanceof ApiError && Array.isArray(e.body?.missingDocuments)) for (const kind of e.body.missingDocuments) if (at[kind] && !found[kind]) found[kind] = t(`${prefix}.${kind}`);
  return found;
}

/** A field's error beside it, and the attributes that tie the field to it. */
function fieldError(/** @type {Record<string, string>} */ errors, /** @type {string} */ k, /** @type {string} */ id, testid = id) {
  return {
    attrs: { 'aria-invalid': errors[k] ? 'true' : undefined, 'aria-describedby': errors[k] ? `${id}-err` : undefined },
    view: errors[k] ? html`<p class="field-error" id=${`${id}-err`} data-testid=${`${testid}-error`}>${errors[k]}</p>` : null,
  };
}

/** Uploads `file` as a document of `kind` to the case `caseId`. */
function upload(/** @type {string} */ caseId, /** @type {string} */ kind, /** @type {File} */ file) {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', file);
  return api(`/cases/${encodeURIComponent(caseId)}/documents`, { form });
}

/** Why an upload was refused, in words. */
function uploadError(/** @type {unknown} */ e) {
  if (e instanceof ApiError && e.status === 415) return t('case.upload.badType');
  if (e instanceof ApiError && e.status === 413) return t('case.upload.tooBig');
  return errorText(e);
}

/** An upload the form needs before its request, refused: shown beside the file field. */
class UploadRefused extends Error {
  constructor(/** @type {string} */ field, /** @type {unknown} */ cause) {
    super(uploadError(cause));
    this.field = field;
  }
}

/** Uploads the file chosen in `ref` (if any) as `kind` on the case, then empties the field; a refusal is an UploadRefused for `field`. */
async function uploadChosen(/** @type {string} */ caseId, /** @type {string} */ kind, /** @type {{current: HTMLInputElement|null}} */ ref, field = kind) {
  const file = ref.current?.files?.[0];
  if (!file) return;
  try {
    await upload(caseId, kind, file);
  } catch (e) {
    throw new UploadRefused(field, e);
  }
  if (ref.current) ref.current.value = '';
}

/**
 * Runs a form's requests, busy meanwhile. A refusal naming fields (by `at`, worded from `prefix`) shows
 * each beside its field, the first focused when `id` names the fields' ids; any other failure goes to `fail`.
 * @param {{setBusy: (b: boolean) => void, setErrors: (e: Record<string, string>) => void, at: Record<string, RegExp>, prefix: string, fail: (e: unknown) => void, id?: (k: string) => string}} form
 * @param {() => Promise<void>} work
 */
async function runForm({ setBusy, setErrors, at, prefix, fail, id }, work) {
  setBusy(true);
  try {
    await work();
  } catch (e) {
    const found = e instanceof UploadRefused ? { [e.field]: e.message } : errorsAt(e, at, prefix);
    setErrors(found);
    const first = Object.keys(found)[0];
    if (!first) fail(e);
    else if (id) document.getElementById(id(first))?.focus();
  } finally {
    setBusy(false);
  }
}

/** "1 Jan 2027 – 30 Jun 2027" */
const period = (/** @type {{from?: string, to?: string}|null|undefined} */ p) => (p ? `${formatDate(p.from)} – ${formatDate(p.to)}` : t('none'));
/** "4 — Baik" */
export const ratingText = (/** @type {number|null|undefined} */ r) => (r ? `${r} — ${t(`monev.rating.${r}`)}` : t('none'));

const REPORT_AT = /** @type {Record<string, RegExp>} */ ({ progress: /^report(\.progress)?$/, outputs: /^report(\.outputs)?$/, problems: /^report\.problems$/ });

/**
 * The proposer's monitoring report (stage `evaluation_report`): progress in percent, outputs, problems,
 * and the report's file if there is one; the file is uploaded first, then the task completed with the report.
 * @param {{task: Task, c: any, messages: Messages, reload: () => Promise<void>}} props
 */
export function EvaluationReportForm({ task, c, messages, reload }) {
  const [v, setV] = useState({ progress: '', outputs: '', problems: '' });
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [busy, setBusy] = useState(false);
  const fileRef = useRef(/** @type {HTMLInputElement|null} */ (null));
  const id = (/** @type {string} */ k) => `ev-${k}-${task.id}`;
  const set = (/** @type {keyof typeof v} */ k) => (/** @type {FieldEvent} */ e) => setV({ ...v, [k]: e.currentTarget.value });

  async function send(/** @type {Event} */ ev) {
    ev.preventDefault();
    setErrors({});
    messages.clear();
    const progress = v.progress.trim() === '' ? null : Number(v.progress.trim().replace(',', '.'));
    const report = { progress, outputs: v.outputs.trim(), ...(v.problems.trim() ? { problems: v.problems.trim() } : {}) };
    await runForm({ setBusy, setErrors, at: REPORT_AT, prefix: 'monev.err', fail: messages.fail, id }, async () => {
      await uploadChosen(c.id, 'evaluation_report', fileRef, 'file');
      const res = await api(`/tasks/${encodeURIComponent(task.id)}/complete`, { body: { decision: 'submit', report } });
      messages.ok(t('case.decided', { decision: label('decision', 'submit'), stage: label('stage', res.case?.stage) }));
      await reload();
    });
  }

  const err = (/** @type {string} */ k) => fieldError(errors, k, id(k), `monev-${k}`);
  return html`<form class="stack monev-form" onSubmit=${send} noValidate data-testid="report-form">
    <p class="hint">${t('monev.report.hint')}</p>
    <label for=${id('progress')}>${t('monev.progress')}</label>
    <span class="muted small" id=${`${id('progress')}-hint`}>${t('monev.progressHint')}</span>
    <div class="inline-input">
      <input id=${id('progress')} type="number" min="0" max="100" step="1" inputMode="numeric" class="narrow" value=${v.progress} onInput=${set('progress')} data-testid="report-progress" ...${err('progress').attrs} /> %
    </div>
    ${err('progress').view}
    <label for=${id('outputs')}>${t('monev.outputs')}</label>
    <span class="muted small">${t('monev.outputsHint')}</span>
    <textarea id=${id('outputs')} rows="4" value=${v.outputs} onInput=${set('outputs')} data-testid="report-outputs" ...${err('outputs').attrs}></textarea>
    ${err('outputs').view}
    <label for=${id('problems')}>${t('monev.problems')} <span class="muted small">(${t('monev.optional')})</span></label>
    <textarea id=${id('problems')} rows="3" value=${v.problems} onInput=${set('problems')} data-testid="report-problems" ...${err('problems').attrs}></textarea>
    ${err('problems').view}
    <label for=${id('file')}>${t('monev.reportFile')} <span class="muted small">(${t('monev.optional')})</span></label>
    <input id=${id('file')} type="file" ref=${fileRef} accept="application/pdf,.pdf,.docx,.odt" data-testid="report-file" ...${err('file').attrs} />
    ${err('file').view}
    <div class="button-row"><button type="submit" class="primary" disabled=${busy} data-testid="report-submit">${t('monev.report.submit')}</button></div>
  </form>`;
}

const CONCLUSION_AT = /** @type {Record<string, RegExp>} */ ({ rating: /^rating$/, recommendation: /^recommendation$/, comment: /^comment$/ });

/**
 * The secretariat's conclusion (stage `evaluation_conclusion`): a rating 1–5 in words, a recommendation
 * and a comment; any other decision the task offers is a plain button with the comment.
 * @param {{task: Task, messages: Messages, reload: () => Promise<void>}} props
 */
export function EvaluationConclusionForm({ task, messages, reload }) {
  const [rating, setRating] = useState('');
  const [recommendation, setRecommendation] = useState('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [busy, setBusy] = useState(false);
  const id = (/** @type {string} */ k) => `ev-${k}-${task.id}`;

  async function decide(/** @type {string} */ decision) {
    setErrors({});
    messages.clear();
    const concludes = decision === 'approve';
    const body = {
      decision,
      ...(comment.trim() ? { comment: comment.trim() } : {}),
      ...(concludes ? { rating: rating ? Number(rating) : null, recommendation: recommendation || null } : {}),
    };
    await runForm({ setBusy, setErrors, at: CONCLUSION_AT, prefix: 'monev.err', fail: messages.fail, id }, async () => {
      const res = await api(`/tasks/${encodeURIComponent(task.id)}/complete`, { body });
      messages.ok(t('case.decided', { decision: label('decision', decision), stage: label('stage', res.case?.stage) }));
      await reload();
    });
  }

  const err = (/** @type {string} */ k) => fieldError(errors, k, id(k), `monev-${k}`);
  return html`<form class="stack monev-form" onSubmit=${(/** @type {Event} */ e) => (e.preventDefault(), decide('approve'))} noValidate data-testid="conclusion-form">
    <fieldset class="rating-choices" id=${id('rating')} tabindex="-1" data-testid="conclusion-rating" ...${err('rating').attrs}>
      <legend>${t('monev.rating')}</legend>
      ${RATINGS.map(
        (r) => html`<label class="check" key=${r}>
          <input type="radio" name=${id('rating')} value=${String(r)} checked=${rating === String(r)} onChange=${() => setRating(String(r))} data-testid=${`rating-${r}`} /> ${ratingText(r)}
        </label>`,
      )}
      ${err('rating').view}
    </fieldset>
    <label for=${id('recommendation')}>${t('monev.recommendation')}</label>
    <select id=${id('recommendation')} value=${recommendation} onChange=${(/** @type {FieldEvent} */ e) => setRecommendation(e.currentTarget.value)} data-testid="conclusion-recommendation" ...${err('recommendation').attrs}>
      <option value="">${t('monev.choose')}</option>
      ${RECOMMENDATIONS.map((r) => html`<option value=${r}>${label('recommendation', r)}</option>`)}
    </select>
    ${err('recommendation').view}
    <label for=${id('comment')}>${t('case.comment')}</label>
    <textarea id=${id('comment')} rows="3" value=${comment} onInput=${(/** @type {FieldEvent} */ e) => setComment(e.currentTarget.value)} data-testid="conclusion-comment" ...${err('comment').attrs}></textarea>
    ${err('comment').view}
    <div class="button-row">
      ${task.decisions.map((d) =>
        d === 'approve'
          ? html`<button type="submit" class="primary" disabled=${busy} data-testid="conclusion-submit">${t('monev.conclude')}</button>`
          : html`<button type="button" disabled=${busy} onClick=${() => decide(d)} data-testid=${`decide-${d}`}>${label('decision', d)}</button>`,
      )}
    </div>
  </form>`;
}

/** An evaluation's monitoring report in a few lines. */
function ReportSummary(/** @type {{report: any}} */ { report }) {
  if (!report) return html`<span class="muted">${t('monev.noReport')}</span>`;
  return html`<div class="small report-summary" data-testid="report-summary">
    <div>${t('monev.progress')}: <strong>${report.progress ?? t('none')}%</strong></div>
    ${report.outputs && html`<div class="prewrap">${t('monev.outputs')}: ${report.outputs}</div>`}
    ${report.problems && html`<div class="prewrap">${t('monev.problems')}: ${report.problems}</div>`}
  </div>`;
}

/** One evaluation's state in words: scheduled (due …), running, concluded, cancelled. */
function evaluationState(/** @type {any} */ e) {
  if (e.status === 'scheduled') return t('monev.status.scheduled', { date: formatDate(e.dueAt) });
  if (e.status === 'open') return t('monev.status.open', { stage: label('stage', e.stage) });
  if (e.status === 'cancelled') return t('monev.status.cancelled');
  return t('monev.status.done', { date: formatDate(e.concludedAt) });
}

/**
 * Beside a case after signing (an evaluation, addendum or renewal): its agreement, linked; for an
 * evaluation also this evaluation's report and the agreement's earlier evaluations, so whoever reviews or
 * concludes sees them beside the task.
 * @param {{c: any}} props
 */
export function ParentAgreement({ c }) {
  const [a, setA] = useState(/** @type {any} */ (null));
  const [evals, setEvals] = useState(/** @type {any[]|null} */ (null));
  const [error, setError] = useState(/** @type {string|null} */ (null));
  const parent = c.parentCaseId;
  const isEvaluation = c.kind === 'evaluation';
  useEffect(() => {
    if (!parent) return;
    let live = true;
    const enc = encodeURIComponent(parent);
    api(`/agreements/${enc}`).then(
      (x) => live && setA(x),
      (e) => live && setError(errorText(e)),
    );
    if (isEvaluation)
      api(`/agreements/${enc}/evaluations`).then(
        (x) => live && setEvals(x.items ?? x),
        () => live && setEvals([]),
      );
    return () => {
      live = false;
    };
  }, [parent, isEvaluation, c.version]);
  if (!parent) return null;
  const self = evals?.find((e) => e.id === c.id);
  const earlier = (evals ?? []).filter((e) => e.id !== c.id && e.status === 'done').sort((x, y) => String(y.period?.to).localeCompare(String(x.period?.to)));
  return html`<section class="card" aria-labelledby="parent-title" data-testid="parent-agreement">
    <h2 id="parent-title">${t(`after.parent.${isEvaluation ? 'evaluation' : 'other'}`)}</h2>
    ${error && html`<${Banner} text=${error} />`}
    ${!a && !error && html`<${Loading} />`}
    ${a &&
    html`<p>
      <a href=${`/agreements/${encodeURIComponent(a.id)}`} data-testid="parent-link">${a.number}</a><br />
      <span class="small">${a.title}</span><br />
      <span class="muted small">${a.partner?.name} · ${formatDate(a.validFrom)} – ${formatDate(a.validUntil)}</span>
    </p>`}
    ${isEvaluation &&
    self &&
    html`<h3>${t('monev.thisOne')}</h3>
      <p class="small">${t('monev.period')}: ${period(self.period)}</p>
      <${ReportSummary} report=${self.report} />`}
    ${isEvaluation &&
    html`<h3>${t('monev.earlier')}</h3>
      ${evals === null
        ? html`<${Loading} />`
        : earlier.length === 0
          ? html`<p class="muted small" data-testid="earlier-none">${t('monev.earlierNone')}</p>`
          : html`<ul class="plain earlier-evaluations" data-testid="earlier-evaluations">
              ${earlier.map(
                (e) => html`<li key=${e.id} data-testid="earlier-evaluation">
                  <strong>${period(e.period)}</strong>
                  <div class="small">${t('monev.rating')}: ${ratingText(e.rating)} · ${t('monev.recommendation')}: ${label('recommendation', e.recommendation)}</div>
                  <${ReportSummary} report=${e.report} />
                </li>`,
              )}
            </ul>`}`}
  </section>`;
}

/** An addendum's changed value as people read it. */
function changeValue(/** @type {string} */ field, /** @type {any} */ v) {
  if (v === null || v === undefined || v === '') return t('none');
  if (field === 'validUntil' || field === 'validFrom') return formatDate(String(v));
  if (field === 'fields' && Array.isArray(v)) return v.map(fieldLabel).join(', ') || t('none');
  if (Array.isArray(v)) return v.join(', ') || t('none');
  if (field === 'value' && typeof v === 'object') {
    try {
      return new Intl.NumberFormat('id-ID', { style: 'currency', currency: v.currency, maximumFractionDigits: 2 }).format(v.amount);
    } catch {
      return `${v.currency} ${v.amount}`;
    }
  }
  return String(v);
}

/**
 * The agreement's life after signing in date order: its signature, evaluations (scheduled ones by their
 * due date), addenda with what they changed, its renewal, its termination. Undated steps (an addendum
 * still in progress) come last.
 */
export function afterSigningEvents(/** @type {any} */ a) {
  /** @type {{at: string|null, kind: string, item: any}[]} */
  const events = [];
  if (a.signedAt) events.push({ at: a.signedAt, kind: 'signed', item: a });
  for (const e of a.evaluations ?? []) events.push({ at: e.concludedAt ?? e.dueAt ?? e.period?.to ?? null, kind: 'evaluation', item: e });
  for (const x of a.amendments ?? []) events.push({ at: x.signedAt ?? null, kind: 'amendment', item: x });
  if (a.renewedBy) events.push({ at: null, kind: 'renewal', item: a.renewedBy });
  if (a.terminatedAt) events.push({ at: a.terminatedAt, kind: 'terminated', item: a });
  // Calendar dates (YYYY-MM-DD) and instants compare by their day first.
  const key = (/** @type {string|null} */ at) => (at ? at.slice(0, 10) + at : '\uffff');
  return events.sort((x, y) => key(x.at).localeCompare(key(y.at)));
}

/** @param {{ev: {at: string|null, kind: string, item: any}}} props */
function AfterEvent({ ev }) {
  const x = ev.item;
  if (ev.kind === 'signed') return html`<li data-testid="after-event" data-kind="signed"><strong>${t('after.signed')}</strong> · <span class="muted small">${formatDate(ev.at)}</span></li>`;
  if (ev.kind === 'evaluation')
    return html`<li data-testid="after-event" data-kind="evaluation" data-status=${x.status} data-evaluation-id=${x.id}>
      <strong>${t('after.evaluation')}</strong>${x.number ? html` <a href=${`/cases/${encodeURIComponent(x.id)}`} data-testid="evaluation-link">${x.number}</a>` : null}
      <span class="muted small"> · ${t('monev.period')} ${period(x.period)}</span>
      <div class="small" data-testid="evaluation-state">${evaluationState(x)}</div>
      ${x.status === 'done' &&
      html`<div class="small" data-testid="evaluation-result">${t('monev.rating')}: <strong>${ratingText(x.rating)}</strong> · ${t('monev.recommendation')}: <strong>${label('recommendation', x.recommendation)}</strong></div>`}
      ${x.report && html`<${ReportSummary} report=${x.report} />`}
    </li>`;
  if (ev.kind === 'amendment')
    return html`<li data-testid="after-event" data-kind="amendment">
      <strong>${t('after.amendment')}</strong> <a href=${`/cases/${encodeURIComponent(x.id)}`}>${x.number}</a>${x.title ? html` <span class="small">${x.title}</span>` : null}
      <span class="muted small"> · ${x.signedAt ? t('after.amendment.signed', { date: formatDate(x.signedAt) }) : label('stage', x.stage)}</span>
      <ul class="plain small changes">
        ${Object.entries(x.changes ?? {}).map(
          ([field, ch]) => html`<li key=${field}>${t(`after.field.${field}`, undefined, field)}: ${changeValue(field, /** @type {any} */ (ch)?.from)} → <strong>${changeValue(field, /** @type {any} */ (ch)?.to)}</strong></li>`,
        )}
      </ul>
    </li>`;
  if (ev.kind === 'renewal') return html`<${RenewalEvent} id=${x} />`;
  return html`<li data-testid="after-event" data-kind="terminated">
    <strong>${t('after.terminated')}</strong> · <span class="muted small">${formatDate(ev.at)}</span>
    ${ev.item.terminationGrounds && html`<div class="small">${t('after.grounds')}: ${t(`after.ground.${ev.item.terminationGrounds}`)}</div>`}
  </li>`;
}

/** The renewal's case, by its number and stage once read (a link in words until then). */
function RenewalEvent(/** @type {{id: string}} */ { id }) {
  const [c, setC] = useState(/** @type {any} */ (null));
  useEffect(() => {
    let live = true;
    api(`/cases/${encodeURIComponent(id)}`).then(
      (x) => live && setC(x),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [id]);
  return html`<li data-testid="after-event" data-kind="renewal">
    <strong>${t('after.renewal')}</strong> · <a href=${`/cases/${encodeURIComponent(id)}`} data-testid="renewal-link">${c ? c.number : t('after.renewal.open')}</a>
    ${c && html`<span class="muted small"> · ${label('stage', c.stage)}${c.signedAt ? ` · ${formatDate(c.signedAt)}` : ''}</span>`}
  </li>`;
}

/** The latest concluded evaluation's recommendation, or null. */
export function latestRecommendation(/** @type {any} */ a) {
  const done = (a.evaluations ?? []).filter((/** @type {any} */ e) => e.status === 'done' && e.recommendation);
  done.sort((/** @type {any} */ x, /** @type {any} */ y) => String(x.concludedAt ?? x.period?.to).localeCompare(String(y.concludedAt ?? y.period?.to)));
  return done.at(-1)?.recommendation ?? null;
}

/** Opens a renewal of agreement `id` and goes to its new case; returns the error text on failure. */
export async function renew(/** @type {string} */ id) {
  const c = await api(`/agreements/${encodeURIComponent(id)}/renew`, { method: 'POST' });
  navigate(`/cases/${encodeURIComponent(c.id)}`);
}

const AMEND_AT = /** @type {Record<string, RegExp>} */ ({ title: /^title$/, validUntil: /^changes(\.validUntil)?$/, summary: /^changes\.summary$/ });
const TERMINATE_AT = /** @type {Record<string, RegExp>} */ ({ grounds: /^grounds$/, comment: /^comment$/, termination_letter: /termination_letter|^documents$/ });

/**
 * The section "after signing" of an agreement's page: its timeline since the signature and the actions
 * the user may take. The latest evaluation's recommendation (terminate, extend) or a reminder's link
 * (`?renew=1`) puts its action first.
 * @param {{a: any, user: import('./api.js').User, renewFirst: boolean, reload: () => Promise<void>}} props
 */
export function AfterSigning({ a: entry, user, renewFirst, reload }) {
  const [open, setOpen] = useState(/** @type {string|null} */ (renewFirst ? 'renew' : null));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {string|null} */ (null));
  // The evaluations as their own list gives them (scheduled, open, done), whatever the entry carries.
  const [evals, setEvals] = useState(/** @type {any[]|null} */ (null));
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let live = true;
    api(`/agreements/${encodeURIComponent(entry.id)}/evaluations`).then(
      (x) => live && (setEvals(x.items ?? x), setLoaded(true)),
      () => live && (setEvals(null), setLoaded(true)),
    );
    return () => {
      live = false;
    };
  }, [entry.id, entry.version]);
  const a = evals ? { ...entry, evaluations: evals } : entry;
  const roles = user.roles;
  const secretariat = roles.includes('secretariat');
  const inForce = a.status === 'in_force';
  const rec = latestRecommendation(a);
  const events = afterSigningEvents(a);
  // Of the evaluations scheduled ahead, the next one is shown; the rest of the term's fold away.
  const next = events.find((ev) => ev.kind === 'evaluation' && ev.item.status === 'scheduled');
  const later = events.filter((ev) => ev.kind === 'evaluation' && ev.item.status === 'scheduled' && ev !== next);
  const shown = events.filter((ev) => !later.includes(ev));

  async function run(/** @type {() => Promise<void>} */ f) {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  const openEvaluation = () =>
    run(async () => {
      const e = await api(`/agreements/${encodeURIComponent(a.id)}/evaluations`, { method: 'POST' });
      navigate(`/cases/${encodeURIComponent(e.id)}`);
    });

  /** @type {{key: string, view: any}[]} */
  const actions = [];
  if (inForce && !a.renewedBy && (roles.includes('proposer') || secretariat))
    actions.push({
      key: 'renew',
      view: html`<div class="after-action" data-testid="action-renew">
        <button type="button" class=${renewFirst || rec === 'extend' ? 'primary' : ''} disabled=${busy} onClick=${() => run(() => renew(a.id))} data-testid="renew">${t('after.renew')}</button>
        <span class="muted small"> ${t('after.renewHint')}</span>
      </div>`,
    });
  if (inForce && (roles.includes('proposer') || secretariat))
    actions.push({
      key: 'amend',
      view: html`<div class="after-action" data-testid="action-amend">
        <button type="button" aria-expanded=${open === 'amend'} onClick=${() => setOpen(open === 'amend' ? null : 'amend')} data-testid="amend-open">${t('after.amend')}</button>
        ${open === 'amend' && html`<${AmendForm} a=${a} />`}
      </div>`,
    });
  if (inForce && secretariat)
    actions.push({
      key: 'evaluate',
      view: html`<div class="after-action" data-testid="action-evaluate">
        <button type="button" disabled=${busy} onClick=${openEvaluation} data-testid="evaluate-now">${t('after.evaluateNow')}</button>
      </div>`,
    });
  if (inForce && secretariat)
    actions.push({
      key: 'terminate',
      view: html`<div class="after-action" data-testid="action-terminate">
        <button type="button" class=${rec === 'terminate' ? 'danger' : ''} aria-expanded=${open === 'terminate'} onClick=${() => setOpen(open === 'terminate' ? null : 'terminate')} data-testid="terminate-open">${t('after.terminate')}</button>
        ${open === 'terminate' && html`<${TerminateForm} a=${a} recommended=${rec === 'terminate'} reload=${reload} />`}
      </div>`,
    });
  const first = renewFirst || rec === 'extend' ? 'renew' : rec === 'terminate' ? 'terminate' : null;
  if (first) actions.sort((x, y) => Number(y.key === first) - Number(x.key === first));

  return html`<section class="card" aria-labelledby="ag-after" data-testid="after-signing">
    <h2 id="ag-after">${t('after.title')}</h2>
    ${rec && (rec === 'extend' || rec === 'terminate') && html`<p class="hint" data-testid="after-recommendation">${t(`after.recommends.${rec}`)}</p>`}
    ${renewFirst && html`<p class="hint" data-testid="after-renew-hint">${t('after.renewFromReminder')}</p>`}
    ${actions.length > 0 && html`<div class="after-actions" data-testid="after-actions" data-first=${actions[0].key}>${actions.map((x) => html`<div key=${x.key}>${x.view}</div>`)}</div>`}
    ${error && html`<p class="field-error" role="alert" data-testid="after-error">${error}</p>`}
    ${!loaded && html`<${Loading} />`}
    ${loaded &&
    html`<ol class="timeline after-timeline" data-testid="after-timeline">
      ${shown.map((ev) => html`<${AfterEvent} ev=${ev} />`)}
    </ol>`}
    ${loaded && later.length > 0 &&
    html`<details class="after-later" data-testid="after-later">
      <summary>${t('after.later', { n: later.length, date: formatDate(later.at(-1)?.at) })}</summary>
      <ol class="timeline after-timeline">${later.map((ev) => html`<${AfterEvent} ev=${ev} />`)}</ol>
    </details>`}
  </section>`;
}

/** Proposes an addendum: a title, the new end of term, a summary of what changes, whether the scope changes. */
function AmendForm(/** @type {{a: any}} */ { a }) {
  const [v, setV] = useState({ title: t('after.amend.defaultTitle', { title: a.title }), validUntil: '', summary: '', scopeChanged: false });
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [fail, setFail] = useState(/** @type {string|null} */ (null));
  const [busy, setBusy] = useState(false);
  const set = (/** @type {'title'|'validUntil'|'summary'} */ k) => (/** @type {FieldEvent} */ e) => setV({ ...v, [k]: e.currentTarget.value });

  async function send(/** @type {Event} */ ev) {
    ev.preventDefault();
    setErrors({});
    setFail(null);
    /** @type {Record<string, string>} */
    const local = {};
    if (!v.title.trim()) local.title = t('after.err.title');
    if (!v.validUntil && !v.summary.trim()) local.validUntil = t('after.err.validUntil');
    if (Object.keys(local).length) return setErrors(local);
    const changes = { ...(v.validUntil ? { validUntil: v.validUntil } : {}), ...(v.summary.trim() ? { summary: v.summary.trim() } : {}) };
    await runForm({ setBusy, setErrors, at: AMEND_AT, prefix: 'after.err', fail: (e) => setFail(errorText(e)) }, async () => {
      const c = await api('/cases', { body: { amends: a.id, title: v.title.trim(), changes, scopeChanged: v.scopeChanged } });
      navigate(`/cases/${encodeURIComponent(c.id)}`);
    });
  }
  const err = (/** @type {string} */ k) => fieldError(errors, k, `amend-${k}`);
  return html`<form class="stack form-card" onSubmit=${send} noValidate data-testid="amend-form">
    <label for="amend-title">${t('after.amend.title')}</label>
    <input id="amend-title" value=${v.title} onInput=${set('title')} data-testid="amend-title" ...${err('title').attrs} />
    ${err('title').view}
    <label for="amend-validUntil">${t('after.amend.validUntil')}</label>
    <span class="muted small">${t('after.amend.validUntilHint', { date: formatDate(a.validUntil) })}</span>
    <input id="amend-validUntil" type="date" value=${v.validUntil} onInput=${set('validUntil')} data-testid="amend-validUntil" ...${err('validUntil').attrs} />
    ${err('validUntil').view}
    <label for="amend-summary">${t('after.amend.summary')}</label>
    <textarea id="amend-summary" rows="3" value=${v.summary} onInput=${set('summary')} data-testid="amend-summary" ...${err('summary').attrs}></textarea>
    ${err('summary').view}
    <label class="check"><input type="checkbox" checked=${v.scopeChanged} onChange=${(/** @type {FieldEvent} */ e) => setV({ ...v, scopeChanged: /** @type {HTMLInputElement} */ (e.currentTarget).checked })} data-testid="amend-scope" /> ${t('after.amend.scope')}</label>
    <span class="muted small">${t('after.amend.scopeHint')}</span>
    ${fail && html`<p class="field-error" role="alert" data-testid="amend-error">${fail}</p>`}
    <div class="button-row"><button type="submit" class="primary" disabled=${busy} data-testid="amend-submit">${t('after.amend.submit')}</button></div>
  </form>`;
}

/** Ends the agreement early: grounds, a comment, the termination letter, and a confirmation. */
function TerminateForm(/** @type {{a: any, recommended: boolean, reload: () => Promise<void>}} */ { a, recommended, reload }) {
  const [grounds, setGrounds] = useState(recommended ? 'evaluation' : '');
  const [comment, setComment] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [fail, setFail] = useState(/** @type {string|null} */ (null));
  const [busy, setBusy] = useState(false);
  const fileRef = useRef(/** @type {HTMLInputElement|null} */ (null));

  async function send(/** @type {Event} */ ev) {
    ev.preventDefault();
    setErrors({});
    setFail(null);
    if (!confirmed) return setErrors({ confirm: t('after.err.confirm') });
    await runForm({ setBusy, setErrors, at: TERMINATE_AT, prefix: 'after.err', fail: (e) => setFail(errorText(e)) }, async () => {
      await uploadChosen(a.id, 'termination_letter', fileRef);
      await api(`/cases/${encodeURIComponent(a.id)}/events`, { body: { type: 'TERMINATE', grounds: grounds || undefined, ...(comment.trim() ? { comment: comment.trim() } : {}) } });
      await reload();
    });
  }
  const err = (/** @type {string} */ k) => fieldError(errors, k, `term-${k}`);
  return html`<form class="stack form-card" onSubmit=${send} noValidate data-testid="terminate-form">
    <label for="term-grounds">${t('after.grounds')}</label>
    <select id="term-grounds" value=${grounds} onChange=${(/** @type {FieldEvent} */ e) => setGrounds(e.currentTarget.value)} data-testid="terminate-grounds" ...${err('grounds').attrs}>
      <option value="">${t('monev.choose')}</option>
      ${GROUNDS.map((g) => html`<option value=${g}>${t(`after.ground.${g}`)}</option>`)}
    </select>
    ${err('grounds').view}
    <label for="term-comment">${t('case.comment')}</label>
    <textarea id="term-comment" rows="3" value=${comment} onInput=${(/** @type {FieldEvent} */ e) => setComment(e.currentTarget.value)} data-testid="terminate-comment" ...${err('comment').attrs}></textarea>
    ${err('comment').view}
    <label for="term-termination_letter">${t('after.letter')}</label>
    <input id="term-termination_letter" type="file" ref=${fileRef} accept="application/pdf,.pdf" data-testid="terminate-letter" ...${err('termination_letter').attrs} />
    ${err('termination_letter').view}
    <label class="check"><input id="term-confirm" type="checkbox" checked=${confirmed} onChange=${(/** @type {FieldEvent} */ e) => setConfirmed(/** @type {HTMLInputElement} */ (e.currentTarget).checked)} data-testid="terminate-confirm" ...${err('confirm').attrs} /> ${t('after.confirm', { number: a.number })}</label>
    ${err('confirm').view}
    ${fail && html`<p class="field-error" role="alert" data-testid="terminate-error">${fail}</p>`}
    <div class="button-row"><button type="submit" class="danger" disabled=${busy} data-testid="terminate-submit">${t('after.terminate.submit')}</button></div>
  </form>`;
}
