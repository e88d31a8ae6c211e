// @ts-check
/**
 * A case's discussion (Diskusi): the comments of its reviewers and proposer, grouped per document and
 * on the case as a whole, and a form to add one. Each comment is an event on the case's chain (the API's
 * `/cases/:id/comments`); the page reloads after posting, so the timeline and version follow.
 */
import { useState } from 'preact/hooks';
import { api, errorText } from './api.js';
import { html } from './components.js';
import { formatWhen, label, t } from './i18n.js';
import { FINAL_STAGES } from './rules.js';

/** The desks that may take part, with the case's own proposer (as the API's DISCUSSION_ROLES). */
const DISCUSSION_ROLES = ['secretariat', 'technical_reviewer', 'tkksd', 'tkksd_chair', 'legal', 'dprd', 'mayor'];
const MAX_LENGTH = 5000;

/** A document as a person names it: "KAK, versi 2". */
const documentName = (/** @type {any} */ d) => `${label('kind', d.kind)}, ${t('tl.version', { v: d.version })}`;

/**
 * @param {{c: any, comments: any[]|null, documents: any[]|null, user: import('./api.js').User, reload: () => Promise<void>}} props
 */
export function Discussion({ c, comments, documents, user, reload }) {
  const [body, setBody] = useState('');
  const [documentId, setDocumentId] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(/** @type {{ok: boolean, text: string}|null} */ (null));
  if (comments === null) return html`<p class="muted">${t('case.noHistory')}</p>`;
  const docs = documents ?? [];
  const byId = new Map(docs.map((d) => [d.id, d]));
  const mayTakePart = user.roles.some((r) => DISCUSSION_ROLES.includes(r)) || (user.roles.includes('proposer') && c.proposerId === user.id);
  const closed = FINAL_STAGES.includes(c.stage);

  // General first, then each document in the order the case lists them; a document not listed (not readable here) last.
  /** @type {Map<string, any[]>} */
  const groups = new Map([['', []]]);
  for (const d of docs) groups.set(d.id, []);
  for (const x of comments) {
    const key = x.documentId ?? '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)?.push(x);
  }
  const shown = [...groups].filter(([, xs]) => xs.length > 0);

  async function post(/** @type {Event} */ ev) {
    ev.preventDefault();
    if (!body.trim()) {
      setResult({ ok: false, text: t('discussion.blank') });
      return;
    }
    setBusy(true);
    setResult(null);
    try {
      await api(`/cases/${encodeURIComponent(c.id)}/comments`, { body: { body: body.trim(), ...(documentId ? { documentId } : {}) } });
      setBody('');
      setResult({ ok: true, text: t('discussion.posted') });
      await reload();
    } catch (e) {
      setResult({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  return html`<div class="discussion" data-testid="discussion">
    ${shown.length === 0 && html`<p class="muted" data-testid="discussion-empty">${t('discussion.empty')}</p>`}
    ${shown.map(
      ([key, xs]) => html`<section class="discussion-group" key=${key || 'general'} data-testid="discussion-group" data-document-id=${key || undefined}>
        <h3>${!key ? t('discussion.general') : byId.has(key) ? `${t('discussion.onDocument')}: ${documentName(byId.get(key))}` : t('discussion.onDocument')}</h3>
        <ol class="plain comments">
          ${xs.map(
            (x) => html`<li key=${x.id} class="comment" data-testid="comment" data-comment-id=${x.id}>
              <div class="muted small">
                <strong>${t('discussion.by', { who: x.author.name, role: label('role', x.author.role) })}</strong> · <time datetime=${x.createdAt}>${formatWhen(x.createdAt)}</time>
              </div>
              <p class="prewrap" data-testid="comment-body">${x.body}</p>
            </li>`,
          )}
        </ol>
      </section>`,
    )}
    ${closed
      ? html`<p class="muted small" data-testid="discussion-closed">${t('discussion.closed')}</p>`
      : !mayTakePart
        ? html`<p class="muted small" data-testid="discussion-read-only">${t('discussion.readOnly')}</p>`
        : html`<form class="stack" onSubmit=${post} noValidate data-testid="discussion-form">
            <label for=${`dc-doc-${c.id}`}>${t('discussion.onDocument')}</label>
            <select id=${`dc-doc-${c.id}`} value=${documentId} onChange=${(/** @type {any} */ e) => setDocumentId(e.currentTarget.value)} data-testid="discussion-document">
              <option value="">${t('discussion.general')}</option>
              ${docs.map((d) => html`<option value=${d.id}>${documentName(d)}</option>`)}
            </select>
            <label for=${`dc-body-${c.id}`}>${t('discussion.body')}</label>
            <textarea id=${`dc-body-${c.id}`} rows="3" maxLength=${MAX_LENGTH} value=${body} onInput=${(/** @type {any} */ e) => setBody(e.currentTarget.value)} data-testid="discussion-body"></textarea>
            <div><button type="submit" disabled=${busy} data-testid="discussion-post">${t('discussion.post')}</button></div>
            <p class=${`upload-result${result ? (result.ok ? ' ok' : ' bad') : ''}`} aria-live="polite" data-testid="discussion-result" data-ok=${result ? String(result.ok) : undefined}>
              ${result ? html`${result.ok ? '✓ ' : ''}${result.text}` : ''}
            </p>
          </form>`}
  </div>`;
}
