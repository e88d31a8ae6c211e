// @ts-check
/**
 * The register's own inputs, shared by the register's edit form (agreements.js) and the proposal form
 * (new-case.js), so the urusan and OPDs are asked the same way wherever they are typed.
 */
import { html } from 'htm/preact';
import { FIELDS, fieldLabel } from './fields.js';
import { t } from './i18n.js';

/**
 * The urusan as checkboxes: the catalogue's, and any others the value already holds.
 * `testid` names the fieldset (its error: `<testid>-error`).
 * @param {{value: string[], onChange: (next: string[]) => void, error?: string, testid: string}} props
 */
export function FieldChoices({ value, onChange, error, testid }) {
  const toggle = (/** @type {string} */ x) => onChange(value.includes(x) ? value.filter((y) => y !== x) : [...value, x]);
  const choices = [...FIELDS, ...value.filter((x) => !FIELDS.includes(x))];
  return html`<fieldset class="field-choices" data-testid=${testid}>
    <legend>${t('register.f.fields')}</legend>
    ${choices.map((x) => html`<label class="checkbox"><input type="checkbox" checked=${value.includes(x)} onChange=${() => toggle(x)} data-field=${x} /> ${fieldLabel(x)}</label>`)}
    ${error && html`<p class="field-error" data-testid=${`${testid}-error`}>${error}</p>`}
  </fieldset>`;
}

/**
 * The OPDs, one per line (`opdLines` makes the list). `id` is the textarea's id and test id (its error: `<id>-error`).
 * @param {{id: string, value: string, onInput: (next: string) => void, error?: string}} props
 */
export function OpdsInput({ id, value, onInput, error }) {
  return html`<div class="stack">
    <label for=${id}>${t('register.f.opds')}</label>
    <textarea id=${id} rows="3" value=${value} onInput=${(/** @type {any} */ e) => onInput(e.currentTarget.value)} aria-invalid=${error ? 'true' : undefined} data-testid=${id}></textarea>
    <span class="muted small">${t('register.onePerLine')}</span>
    ${error && html`<p class="field-error" data-testid=${`${id}-error`}>${error}</p>`}
  </div>`;
}

/** The OPDs typed one per line, as the API takes them. */
export const opdLines = (/** @type {string} */ s) => s.split('\n').map((x) => x.trim()).filter(Boolean);

/** An amount as typed in Indonesian (`250.000.000` or `1.500,50`) as a number's text, or '' when none was typed. */
export const amountText = (/** @type {string} */ s) => s.trim().replace(/\./g, '').replace(',', '.');
