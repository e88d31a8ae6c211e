// @ts-check
/**
 * Partners' way in (contract §11), no sign-in: the offer form at `/offer` (POST /public/offers, multipart)
 * and the tracking page at `/offers/<trackingCode>` (GET /public/offers/<code>), which shows the offer's
 * number, title and public stage, the requests addressed to the partner and its uploads, and takes its
 * answer (a reply, more papers). Indonesian, with an English switch; one column on a phone.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText } from './api.js';
import { Banner, html, Loading } from './components.js';
import { formatWhen, getLang, label, setLang, t } from './i18n.js';
import { CATEGORIES, INSTRUMENT_RULES } from './rules.js';

/** Whether the address is one of the public offer pages (app.js renders them before any sign-in). */
export function isOfferPath(/** @type {string} */ pathname) {
  return pathname === '/offer' || /^\/offers\/[^/]+$/.test(pathname);
}

/** A call to /public; its refusal as ApiError (the server's `{statusCode, error, message, field}`). */
async function publicCall(/** @type {string} */ path, /** @type {RequestInit} */ init = {}) {
  const res = await fetch(`/public${path}`, init);
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, body, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  return body;
}

/** A refusal in the partner's words: the form field it names, else the app's usual text. */
function offerError(/** @type {unknown} */ e) {
  if (e instanceof ApiError && e.status === 404) return t('offer.err.notFound');
  const field = e instanceof ApiError && e.body && typeof e.body.field === 'string' ? e.body.field : null;
  if (e instanceof ApiError && field && (e.status === 400 || e.status === 415 || e.status === 413)) {
    const name = t(`offer.f.${field}`, undefined, field);
    return e.status === 415 ? t('offer.err.pdf', { field: name }) : t('offer.err.field', { field: name });
  }
  return errorText(e);
}

/** The public pages' frame: the brand and the language switch (which re-renders the page). */
export function OfferPublic() {
  const [, setLangState] = useState(getLang());
  const path = location.pathname;
  const code = path.startsWith('/offers/') ? decodeURIComponent(path.slice('/offers/'.length)) : null;
  useEffect(() => {
    document.documentElement.lang = getLang();
    document.title = code ? t('offer.track.title') : t('offer.title');
  });
  const switchLang = () => {
    setLang(getLang() === 'id' ? 'en' : 'id');
    setLangState(getLang());
  };
  return html`<header class="topbar">
      <div class="brand"><strong>onegate</strong> <span class="tagline">${t('app.tagline')}</span></div>
      <div class="userbox"><button type="button" class="link-button" onClick=${switchLang} data-testid="lang-switch">${t('lang.switch')}</button></div>
    </header>
    <main class="content">${code ? html`<${OfferTracking} code=${code} />` : html`<${OfferForm} />`}</main>`;
}

const EMPTY = { partnerName: '', category: 'third_party', country: '', contactName: '', contactEmail: '', contactPhone: '', title: '', instrument: 'pks', summary: '' };

/** The offer form; on 202 it shows the tracking link (the only copy besides the acknowledgement mail). */
function OfferForm() {
  const [f, setF] = useState(EMPTY);
  const [error, setError] = useState(/** @type {string|null} */ (null));
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState(/** @type {string|null} */ (null));
  const set = (/** @type {keyof typeof EMPTY} */ k) => (/** @type {any} */ e) =>
    setF((prev) => {
      const next = { ...prev, [k]: e.currentTarget.value };
      if (k === 'category' && !(INSTRUMENT_RULES[next.category] ?? []).includes(next.instrument)) next.instrument = INSTRUMENT_RULES[next.category]?.[0] ?? '';
      return next;
    });

  async function submit(/** @type {Event} */ ev) {
    ev.preventDefault();
    setError(null);
    setBusy(true);
    const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
    const data = new FormData();
    for (const [k, v] of Object.entries(f)) if (v.trim() && (k !== 'country' || f.category === 'foreign')) data.set(k, v.trim());
    for (const name of ['profile', 'legal']) {
      const input = /** @type {HTMLInputElement} */ (form.querySelector(`input[name=${name}]`));
      if (input.files?.[0]) data.set(name, input.files[0]);
    }
    try {
      const res = await publicCall('/offers', { method: 'POST', body: data });
      setCode(res.trackingCode);
    } catch (e) {
      setError(offerError(e));
    } finally {
      setBusy(false);
    }
  }

  if (code) {
    const href = `/offers/${encodeURIComponent(code)}`;
    return html`<section class="card form-card" aria-labelledby="offer-done" data-testid="offer-done">
      <h1 id="offer-done">${t('offer.done.title')}</h1>
      <p>${t('offer.done.text')}</p>
      <p><a class="button primary" href=${href} data-testid="offer-track-link">${t('offer.done.open')}</a></p>
      <p class="muted small">${t('offer.done.keep')}</p>
    </section>`;
  }
  const instruments = INSTRUMENT_RULES[f.category] ?? [];
  return html`<section class="card form-card" aria-labelledby="offer-title">
    <h1 id="offer-title">${t('offer.title')}</h1>
    <p class="muted">${t('offer.intro')}</p>
    <${Banner} kind="error" text=${error} onClose=${() => setError(null)} />
    <form onSubmit=${submit} class="stack" data-testid="offer-form" noValidate>
      <fieldset class="stack form-section">
        <legend>${t('offer.partner')}</legend>
        <label for="of-partner">${t('offer.f.partnerName')}</label>
        <input id="of-partner" value=${f.partnerName} onInput=${set('partnerName')} required maxlength="300" autocomplete="organization" data-testid="of-partner" />
        <label for="of-category">${t('offer.f.category')}</label>
        <select id="of-category" value=${f.category} onChange=${set('category')} data-testid="of-category">
          ${CATEGORIES.map((c) => html`<option value=${c}>${label('category', c)}</option>`)}
        </select>
        ${f.category === 'foreign' &&
        html`<label for="of-country">${t('offer.f.country')}</label>
          <input id="of-country" value=${f.country} onInput=${set('country')} required maxlength="100" data-testid="of-country" />`}
      </fieldset>
      <fieldset class="stack form-section">
        <legend>${t('offer.contact')}</legend>
        <label for="of-contact-name">${t('offer.f.contactName')}</label>
        <input id="of-contact-name" value=${f.contactName} onInput=${set('contactName')} required maxlength="200" autocomplete="name" data-testid="of-contact-name" />
        <label for="of-contact-email">${t('offer.f.contactEmail')}</label>
        <input id="of-contact-email" type="email" value=${f.contactEmail} onInput=${set('contactEmail')} required maxlength="254" autocomplete="email" data-testid="of-contact-email" />
        <label for="of-contact-phone">${t('offer.f.contactPhone')}</label>
        <input id="of-contact-phone" type="tel" value=${f.contactPhone} onInput=${set('contactPhone')} maxlength="25" autocomplete="tel" data-testid="of-contact-phone" />
      </fieldset>
      <fieldset class="stack form-section">
        <legend>${t('offer.what')}</legend>
        <label for="of-title">${t('offer.f.title')}</label>
        <input id="of-title" value=${f.title} onInput=${set('title')} required maxlength="300" data-testid="of-title" />
        <label for="of-instrument">${t('offer.f.instrument')}</label>
        <select id="of-instrument" value=${f.instrument} onChange=${set('instrument')} data-testid="of-instrument">
          ${instruments.map((i) => html`<option value=${i}>${label('instrument', i)}</option>`)}
        </select>
        <label for="of-summary">${t('offer.f.summary')}</label>
        <textarea id="of-summary" rows="5" value=${f.summary} onInput=${set('summary')} required maxlength="10000" data-testid="of-summary"></textarea>
      </fieldset>
      <fieldset class="stack form-section">
        <legend>${t('offer.papers')}</legend>
        <p class="muted small">${t('offer.papersHint')}</p>
        <label for="of-profile">${t('offer.f.profile')}</label>
        <input id="of-profile" name="profile" type="file" accept="application/pdf,.pdf" data-testid="of-profile" />
        <label for="of-legal">${t('offer.f.legal')}</label>
        <input id="of-legal" name="legal" type="file" accept="application/pdf,.pdf" data-testid="of-legal" />
      </fieldset>
      <div><button type="submit" class="primary" disabled=${busy} data-testid="offer-submit">${t('offer.submit')}</button></div>
    </form>
  </section>`;
}

/**
 * The tracking page: where the offer stands, the requests to the partner, its papers, and its answer.
 * @param {{code: string}} props
 */
function OfferTracking({ code }) {
  const [offer, setOffer] = useState(/** @type {any} */ (null));
  const [error, setError] = useState(/** @type {string|null} */ (null));
  const [ok, setOk] = useState(/** @type {string|null} */ (null));
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const path = `/offers/${encodeURIComponent(code)}`;
  useEffect(() => {
    publicCall(path).then(setOffer, (e) => setError(offerError(e)));
  }, [code]);

  async function act(/** @type {() => Promise<any>} */ call, /** @type {string} */ done) {
    setError(null);
    setOk(null);
    setBusy(true);
    try {
      setOffer(await call());
      setOk(done);
      return true;
    } catch (e) {
      setError(offerError(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function upload(/** @type {Event} */ ev) {
    ev.preventDefault();
    const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
    const input = /** @type {HTMLInputElement} */ (form.querySelector('input[type=file]'));
    const file = input.files?.[0];
    if (!file) return setError(t('offer.err.field', { field: t('offer.f.file') }));
    const data = new FormData();
    data.set('kind', /** @type {HTMLSelectElement} */ (form.querySelector('select')).value);
    data.set('file', file);
    if (await act(() => publicCall(`${path}/documents`, { method: 'POST', body: data }), t('offer.uploaded'))) form.reset();
  }

  async function reply(/** @type {Event} */ ev) {
    ev.preventDefault();
    if (await act(() => publicCall(`${path}/reply`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ comment }) }), t('offer.replied'))) setComment('');
  }

  if (!offer) return error ? html`<${Banner} kind="error" text=${error} testid="offer-error" />` : html`<${Loading} />`;
  return html`<section class="card form-card" aria-labelledby="track-title" data-testid="offer-tracking">
    <p class="muted">${t('offer.track.title')} · <span data-testid="offer-number">${offer.number}</span></p>
    <h1 id="track-title" data-testid="offer-title">${offer.title}</h1>
    <p>
      <span class="stage-badge" data-testid="offer-status" data-status=${offer.status}>${t(`offer.status.${offer.status}`)}</span>
      <span class="muted small"> ${t('offer.submittedAt', { when: formatWhen(offer.submittedAt) })}</span>
    </p>
    <p class="muted">${t(`offer.statusHint.${offer.status}`)}</p>
    <${Banner} kind="error" text=${error} onClose=${() => setError(null)} />
    <${Banner} kind="ok" text=${ok} onClose=${() => setOk(null)} />
    ${offer.requests.length > 0 &&
    html`<h2>${t('offer.requests')}</h2>
      <ul class="stack" data-testid="offer-requests">
        ${offer.requests.map(
          (/** @type {any} */ r) => html`<li data-testid="offer-request" data-answered=${String(r.answered)}>
            <blockquote>${r.comment}</blockquote>
            <span class="muted small">${formatWhen(r.askedAt)} · ${r.answered ? t('offer.answered') : t('offer.open')}</span>
          </li>`,
        )}
      </ul>`}
    ${offer.canReply &&
    html`<form onSubmit=${reply} class="stack form-section" data-testid="offer-reply-form">
      <label for="of-reply">${t('offer.reply')}</label>
      <textarea id="of-reply" rows="4" value=${comment} onInput=${(/** @type {any} */ e) => setComment(e.currentTarget.value)} required maxlength="5000" data-testid="offer-reply"></textarea>
      <div><button type="submit" class="primary" disabled=${busy || !comment.trim()} data-testid="offer-reply-send">${t('offer.replySend')}</button></div>
    </form>`}
    ${offer.canUpload &&
    html`<form onSubmit=${upload} class="stack form-section" data-testid="offer-upload-form">
      <label for="of-kind">${t('offer.kind')}</label>
      <select id="of-kind" data-testid="offer-upload-kind">
        ${['partner_attachment', 'partner_profile', 'partner_legal'].map((k) => html`<option value=${k}>${label('kind', k)}</option>`)}
      </select>
      <label for="of-file">${t('offer.f.file')}</label>
      <input id="of-file" type="file" data-testid="offer-upload-file" />
      <div><button type="submit" disabled=${busy} data-testid="offer-upload-send">${t('offer.upload')}</button></div>
    </form>`}
    <h2>${t('offer.documents')}</h2>
    ${offer.documents.length === 0
      ? html`<p class="empty">${t('none')}</p>`
      : html`<ul data-testid="offer-documents">
          ${offer.documents.map((/** @type {any} */ d) => html`<li data-testid="offer-document">${label('kind', d.kind)}: ${d.name} <span class="muted small">(${formatWhen(d.uploadedAt)})</span></li>`)}
        </ul>`}
  </section>`;
}
