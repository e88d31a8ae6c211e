// @ts-check
/** Small shared pieces: the error/success banner, stage badges, the workflow diagram, bar charts. */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { diagram, errorText } from './api.js';
import { formatWhen, getLang, label, t } from './i18n.js';

/** An input's, select's or textarea's event, as its handler reads it. @typedef {Event & {currentTarget: {value: string}}} FieldEvent */
/** What useMessages gives a page. @typedef {ReturnType<typeof useMessages>} Messages */

export { html };

/**
 * A message strip. `kind` 'error' is announced assertively to screen readers.
 * @param {{kind?: 'error'|'ok'|'info', text: string|null|undefined, onClose?: () => void, testid?: string}} props
 */
export function Banner({ kind = 'error', text, onClose, testid }) {
  if (!text) return null;
  return html`<div class=${`banner banner-${kind}`} role=${kind === 'error' ? 'alert' : 'status'} data-testid=${testid ?? `banner-${kind}`}>
    <span>${text}</span>
    ${onClose && html`<button type="button" class="banner-close" aria-label=${t('error.dismiss')} onClick=${onClose}>×</button>`}
  </div>`;
}

/**
 * A `{error, ok}` message pair with helpers, for pages that act and then report.
 */
export function useMessages() {
  const [msg, setMsg] = useState(/** @type {{kind: 'error'|'ok', text: string}|null} */ (null));
  return {
    msg,
    fail: (/** @type {unknown} */ e) => setMsg({ kind: 'error', text: errorText(e) }),
    ok: (/** @type {string} */ text) => setMsg({ kind: 'ok', text }),
    clear: () => setMsg(null),
    view: () => (msg ? html`<${Banner} kind=${msg.kind} text=${msg.text} onClose=${() => setMsg(null)} />` : null),
  };
}

/** @param {{stage: string}} props */
export function StageBadge({ stage }) {
  return html`<span class=${`stage-badge stage-${stage}`} data-stage=${stage}>${label('stage', stage)}</span>`;
}

export function Loading() {
  return html`<p class="muted" aria-busy="true">${t('loading')}</p>`;
}

/**
 * The workflow's SVG (trusted, from the server), drawn there with the highlight: for `caseId` the case's
 * stage and, if the user may read its history, the path it took; else `stage` alone (the replay view).
 * `stage` also refetches a case's diagram when the case moves on.
 * @param {{name: string, version: number, stage?: string, caseId?: string}} props
 */
export function Diagram({ name, version, stage, caseId }) {
  const [svg, setSvg] = useState(/** @type {string|null} */ (null));
  const [error, setError] = useState(/** @type {string|null} */ (null));
  const ref = useRef(/** @type {HTMLDivElement|null} */ (null));
  const lang = getLang();
  useEffect(() => {
    let live = true;
    diagram(name, version, { caseId, stage, lang }).then(
      (/** @type {string} */ s) => live && setSvg(s),
      (/** @type {unknown} */ e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [name, version, stage, caseId, lang]);
  useEffect(() => {
    // A card narrower than the picture (a phone) scrolls: bring the current stage into view.
    const el = ref.current;
    const now = el?.querySelector('g.stage.current');
    if (!el || !now || el.scrollWidth <= el.clientWidth) return;
    const box = now.getBoundingClientRect();
    const card = el.getBoundingClientRect();
    el.scrollLeft += box.left + box.width / 2 - (card.left + card.width / 2);
  }, [svg]);
  if (error) return html`<${Banner} text=${error} />`;
  if (!svg) return html`<${Loading} />`;
  // The only raw HTML in the app: the server's own SVG of the workflow definition; it escapes every word in it.
  return html`<div class="diagram" data-testid="diagram" data-stage=${stage} ref=${ref} dangerouslySetInnerHTML=${{ __html: svg }}></div>`;
}

/** When a task arrived and how many working days it has waited (the server counts them on the city's calendar). */
/** @param {{task: import('./api.js').Task}} props */
export function TaskAge({ task }) {
  const n = task.waitingWorkingDays;
  const waited = typeof n !== 'number' ? '' : n <= 0 ? t('case.waited.none') : n === 1 ? t('case.waited.one') : t('case.waited', { n });
  return html`<span class="task-age">
    <span data-testid="task-arrived">${t('case.arrived')} <time datetime=${task.createdAt}>${formatWhen(task.createdAt)}</time></span>
    ${waited && html` · <span data-testid="task-waited" data-days=${n}>${waited}</span>`}
  </span>`;
}
