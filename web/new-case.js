// @ts-check
/** The proposer's form for a new cooperation proposal; on success it opens the new case's page. */
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Banner, html, useMessages } from './components.js';
import { label, t } from './i18n.js';
import { CATEGORIES, INITIATIVES, INSTRUMENT_RULES } from './rules.js';
import { navigate } from './router.js';
import { amountText, FieldChoices, OpdsInput, opdLines } from './register-inputs.js';

/** @param {{user: import('./api.js').User}} props */
export function NewCase({ user }) {
  const [f, setF] = useState({
    title: '',
    partnerName: '',
    category: 'region',
    instrument: 'kb',
    country: '',
    summary: '',
    dprd: false,
    city: false,
    validFrom: '',
    validUntil: '',
    // What the register needs later, asked once here (register-inputs.js, as the register's edit form asks it).
    fields: /** @type {string[]} */ ([]),
    opds: '',
    amount: '',
    currency: 'IDR',
    source: '',
    contactName: '',
    contactEmail: '',
    contactPhone: '',
  });
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
    const contact = f.contactName.trim() || f.contactEmail.trim() || f.contactPhone.trim();
    if (contact && !f.contactName.trim()) missing.push(t('new.contactName'));
    if (contact && !f.contactEmail.trim()) missing.push(t('new.contactEmail'));
    if (missing.length) {
      m.fail(new Error(t('new.required', { fields: missing.join(', ') })));
      return;
    }
    setBusy(true);
    try {
      const amount = amountText(f.amount);
      const opds = opdLines(f.opds);
      const body = {
        title: f.title.trim(),
        instrument: f.instrument,
        partner: {
          name: f.partnerName.trim(),
          category: f.category,
          ...(f.category === 'foreign' ? { country: f.country.trim() } : {}),
          ...(contact ? { contact: { name: f.contactName.trim(), email: f.contactEmail.trim(), ...(f.contactPhone.trim() ? { phone: f.contactPhone.trim() } : {}) } } : {}),
        },
        ...(f.fields.length ? { fields: f.fields } : {}),
        ...(opds.length ? { opds } : {}),
        ...(amount ? { value: { amount: Number(amount), currency: f.currency.trim().toUpperCase(), ...(f.source.trim() ? { source: f.source.trim() } : {}) } } : {}),
        ...(f.summary.trim() ? { summary: f.summary.trim() } : {}),
        requiresDprdApproval: f.dprd,
        ...(f.city ? { initiative: 'city' } : {}),
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
      ${INITIATIVES.includes('city') &&
      html`<label class="checkbox"><input type="checkbox" checked=${f.city} onChange=${set('city')} data-testid="new-city" aria-describedby="nc-city-hint" /> ${t('new.city')}</label>
        <p class="hint" id="nc-city-hint">${t('new.cityHint')}</p>`}
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
      <fieldset class="stack form-section" data-testid="new-case-register">
        <legend>${t('new.structured')}</legend>
        <p class="muted small">${t('new.structuredHint')}</p>
        <${FieldChoices} value=${f.fields} onChange=${(/** @type {string[]} */ fields) => setF((prev) => ({ ...prev, fields }))} testid="nc-fields" />
        <${OpdsInput} id="nc-opds" value=${f.opds} onInput=${(/** @type {string} */ opds) => setF((prev) => ({ ...prev, opds }))} />
        <div class="form-row">
          <div class="stack">
            <label for="nc-amount">${t('register.amount')}</label>
            <input id="nc-amount" value=${f.amount} onInput=${set('amount')} inputMode="decimal" data-testid="nc-amount" />
          </div>
          <div class="stack">
            <label for="nc-currency">${t('register.currency')}</label>
            <input id="nc-currency" value=${f.currency} onInput=${set('currency')} maxLength="3" data-testid="nc-currency" />
          </div>
          <div class="stack">
            <label for="nc-source">${t('register.valueSource')}</label>
            <input id="nc-source" value=${f.source} onInput=${set('source')} maxLength="200" data-testid="nc-source" />
          </div>
        </div>
      </fieldset>
      <fieldset class="stack form-section" data-testid="new-case-contact">
        <legend>${t('new.contact')}</legend>
        <div class="form-row">
          <div class="stack">
            <label for="nc-contact-name">${t('new.contactName')}</label>
            <input id="nc-contact-name" value=${f.contactName} onInput=${set('contactName')} maxLength="200" autocomplete="off" data-testid="nc-contact-name" />
          </div>
          <div class="stack">
            <label for="nc-contact-email">${t('new.contactEmail')}</label>
            <input id="nc-contact-email" type="email" value=${f.contactEmail} onInput=${set('contactEmail')} maxLength="254" autocomplete="off" data-testid="nc-contact-email" />
          </div>
          <div class="stack">
            <label for="nc-contact-phone">${t('new.contactPhone')}</label>
            <input id="nc-contact-phone" type="tel" value=${f.contactPhone} onInput=${set('contactPhone')} maxLength="25" autocomplete="off" data-testid="nc-contact-phone" />
          </div>
        </div>
      </fieldset>
      <p class="muted small">${t('new.next')}</p>
      <div><button type="submit" class="primary" disabled=${busy} data-testid="create-case">${t('new.create')}</button></div>
    </form>
  </section>`;
}
