// @ts-check
/** The proposer's form for a new cooperation proposal; on success it opens the new case's page. */
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Banner, html, useMessages } from './components.js';
import { label, t } from './i18n.js';
import { CATEGORIES, INSTRUMENT_RULES } from './rules.js';
import { navigate } from './router.js';

/** @param {{user: import('./api.js').User}} props */
export function NewCase({ user }) {
  const [f, setF] = useState({ title: '', partnerName: '', category: 'region', instrument: 'kb', country: '', summary: '', dprd: false, validFrom: '', validUntil: '' });
  const [busy, setBusy] = useState(false);
  const m = useMessages();
  if (!user.roles.includes('proposer')) return html`<${Banner} text=${t('error.forbidden')} />`;

  const set = (/** @type {string} */ k) => (/** @type {any} */ e) => {
    const v = e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value;
    setF((prev) => {
      const next = { ...prev, [k]: v };
      if (k === 'category' && !INSTRUMENT_RULES[next.category].includes(next.instrument)) next.instrument = INSTRUMENT_RULES[next.category][0];
      return next;
    });
  };

  async function create(/** @type {Event} */ ev) {
    ev.preventDefault();
    const missing = [];
    if (!f.title.trim()) missing.push(t('new.caseTitle'));
    if (!f.partnerName.trim()) missing.push(t('new.partnerName'));
    if (f.category === 'foreign' && !f.country.trim()) missing.push(t('new.country'));
    if (missing.length) {
      m.fail(new Error(t('new.required', { fields: missing.join(', ') })));
      return;
    }
    setBusy(true);
    try {
      const body = {
        title: f.title.trim(),
        instrument: f.instrument,
        partner: { name: f.partnerName.trim(), category: f.category, ...(f.category === 'foreign' ? { country: f.country.trim() } : {}) },
        ...(f.summary.trim() ? { summary: f.summary.trim() } : {}),
        requiresDprdApproval: f.dprd,
        ...(f.validFrom ? { validFrom: f.validFrom } : {}),
        ...(f.validUntil ? { validUntil: f.validUntil } : {}),
      };
      const c = await api('/cases', { body });
      navigate(`/cases/${encodeURIComponent(c.id)}`);
    } catch (e) {
      m.fail(e);
      setBusy(false);
    }
  }

  return html`<section class="card form-card" aria-labelledby="new-title">
    <h1 id="new-title">${t('new.title')}</h1>
    ${m.view()}
    <form onSubmit=${create} class="stack" data-testid="new-case-form" noValidate>
      <label for="nc-title">${t('new.caseTitle')}</label>
      <input id="nc-title" value=${f.title} onInput=${set('title')} required maxlength="300" />
      <label for="nc-partner">${t('new.partnerName')}</label>
      <input id="nc-partner" value=${f.partnerName} onInput=${set('partnerName')} required maxlength="300" />
      <div class="form-row">
        <div class="stack">
          <label for="nc-category">${t('new.category')}</label>
          <select id="nc-category" value=${f.category} onChange=${set('category')}>
            ${CATEGORIES.map((c) => html`<option value=${c}>${label('category', c)}</option>`)}
          </select>
        </div>
        <div class="stack">
          <label for="nc-instrument">${t('new.instrument')}</label>
          <select id="nc-instrument" value=${f.instrument} onChange=${set('instrument')}>
            ${INSTRUMENT_RULES[f.category].map((i) => html`<option value=${i}>${label('instrument', i)}</option>`)}
          </select>
        </div>
      </div>
      ${f.category === 'foreign' &&
      html`<label for="nc-country">${t('new.country')}</label>
        <input id="nc-country" value=${f.country} onInput=${set('country')} required />`}
      <label for="nc-summary">${t('new.summary')}</label>
      <textarea id="nc-summary" rows="4" value=${f.summary} onInput=${set('summary')}></textarea>
      <label class="checkbox"><input type="checkbox" checked=${f.dprd} onChange=${set('dprd')} /> ${t('new.dprd')}</label>
      <div class="form-row">
        <div class="stack">
          <label for="nc-from">${t('new.validFrom')}</label>
          <input id="nc-from" type="date" value=${f.validFrom} onInput=${set('validFrom')} />
        </div>
        <div class="stack">
          <label for="nc-until">${t('new.validUntil')}</label>
          <input id="nc-until" type="date" value=${f.validUntil} onInput=${set('validUntil')} />
        </div>
      </div>
      <p class="muted small">${t('new.next')}</p>
      <div><button type="submit" class="primary" disabled=${busy} data-testid="create-case">${t('new.create')}</button></div>
    </form>
  </section>`;
}
