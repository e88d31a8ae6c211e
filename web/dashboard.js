// @ts-check
/**
 * The dashboard: open cases by stage, where files wait (stage-chart.js), overdue tasks by role, evaluations under way and overdue, agreements signed per year (by instrument
 * and by partner category), expiring soon. Bars and tables are plain HTML that wraps, so nothing is
 * cut off on a laptop or a phone.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { html, Loading, useMessages } from './components.js';
import { formatDate, label, t } from './i18n.js';
import { CATEGORIES, INSTRUMENTS, STAGES } from './rules.js';
import { StageChart } from './stage-chart.js';

const PALETTE = ['#1565c0', '#2e7d32', '#e65100', '#6a1b9a', '#00838f', '#c62828'];

/** "2017: 9 MoU, 14 PKS" */
export function signedSentence(/** @type {{year: number, byInstrument: Record<string, number>}} */ y) {
  const order = ['kb', 'pks', 'nk', 'loi'];
  const parts = Object.entries(y.byInstrument)
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([k, n]) => `${n} ${label('instrumentShort', k)}`);
  return `${y.year}: ${parts.join(', ')}`;
}

/**
 * Horizontal bars in HTML: each row a label, stacked segments and the total; the label wraps on a
 * narrow screen instead of running off the edge.
 * @param {{rows: {label: string, parts: {key: string, value: number}[]}[], title: string, keyLabel?: (k: string) => string, testid?: string}} props
 */
function Bars({ rows, title, keyLabel, testid }) {
  if (!rows.length) return html`<p class="muted">${t('dash.noData')}</p>`;
  const keys = [...new Set(rows.flatMap((r) => r.parts.map((p) => p.key)))];
  const color = (/** @type {string} */ k) => PALETTE[keys.indexOf(k) % PALETTE.length];
  const max = Math.max(1, ...rows.map((r) => r.parts.reduce((s, p) => s + p.value, 0)));
  return html`<figure class="bars" data-testid=${testid}>
    <figcaption class="visually-hidden">${title}</figcaption>
    <ul class="bar-rows">
      ${rows.map((r) => {
        const total = r.parts.reduce((s, p) => s + p.value, 0);
        return html`<li class="bar-row">
          <span class="bar-label">${r.label}</span>
          <span class="bar-track" aria-hidden="true">
            ${r.parts.map(
              (p) => html`<span class="bar-seg" style=${{ width: `${(p.value / max) * 100}%`, background: color(p.key) }} title=${`${keyLabel ? keyLabel(p.key) : r.label}: ${p.value}`}></span>`,
            )}
          </span>
          <span class="bar-value">${total}</span>
        </li>`;
      })}
    </ul>
    ${keys.length > 1 &&
    keyLabel &&
    html`<p class="legend" aria-hidden="true">
      ${keys.map((k) => html`<span class="legend-item"><span class="swatch" style=${{ background: color(k) }}></span>${keyLabel(k)}</span>`)}
    </p>`}
  </figure>`;
}

/**
 * Agreements signed per year: one row per instrument or partner category (its label wraps on a
 * phone), one column per year, then the total.
 * @param {{years: any[], field: 'byInstrument'|'byCategory', rows: string[], family: string, caption: string, head: string, testid: string}} props
 */
function SignedTable({ years, field, rows, family, caption, head, testid }) {
  const sum = (/** @type {string} */ row) => years.reduce((s, y) => s + Number(y[field][row] ?? 0), 0);
  return html`<div class="table-scroll">
    <table class="count-table" data-testid=${testid}>
      <caption>${caption}</caption>
      <thead>
        <tr>
          <th scope="col">${head}</th>
          ${years.map((y) => html`<th scope="col" data-year=${y.year}>${y.year}</th>`)}
          ${years.length > 1 && html`<th scope="col">${t('dash.sum')}</th>`}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) => html`<tr data-row=${row}>
            <th scope="row">${label(family, row)}</th>
            ${years.map((y) => html`<td data-year=${y.year}>${y[field][row] ?? 0}</td>`)}
            ${years.length > 1 && html`<td data-year="all">${sum(row)}</td>`}
          </tr>`,
        )}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">${t('dash.sum')}</th>
          ${years.map((y) => html`<td data-year=${y.year}>${y.total}</td>`)}
          ${years.length > 1 && html`<td data-year="all">${years.reduce((s, y) => s + y.total, 0)}</td>`}
        </tr>
      </tfoot>
    </table>
  </div>`;
}

export function Dashboard() {
  const [d, setD] = useState(/** @type {any} */ (null));
  const [stages, setStages] = useState(/** @type {import('./stage-chart.js').StageRow[] | null} */ (null));
  const [range, setRange] = useState({ from: '', to: '' });
  const m = useMessages();
  useEffect(() => {
    api('/reports/dashboard').then(setD, m.fail);
  }, []);
  useEffect(() => {
    const q = new URLSearchParams(Object.entries(range).filter(([, v]) => v)).toString();
    api(`/reports/stages${q ? `?${q}` : ''}`).then(setStages, m.fail);
  }, [range.from, range.to]);
  if (!d) return html`${m.view()}<${Loading} />`;

  const byStage = STAGES.filter((s) => d.openByStage[s]).map((s) => ({ label: label('stage', s), parts: [{ key: 'n', value: d.openByStage[s] }] }));
  const byRole = Object.entries(d.overdueByRole).map(([r, n]) => ({ label: label('role', r), parts: [{ key: 'n', value: Number(n) }] }));
  const years = /** @type {any[]} */ (d.signedByYear).map((y) => ({ ...y, byCategory: y.byCategory ?? {} }));
  const byYear = years.map((y) => ({ label: String(y.year), parts: INSTRUMENTS.filter((k) => y.byInstrument[k]).map((k) => ({ key: k, value: Number(y.byInstrument[k]) })) }));

  return html`<section aria-labelledby="dash-title" data-testid="dashboard">
    <div class="page-head"><h1 id="dash-title">${t('dash.title')}</h1></div>
    ${m.view()}
    <div class="dash-grid">
      <section class="card" aria-labelledby="d1"><h2 id="d1">${t('dash.openByStage')}</h2><${Bars} rows=${byStage} title=${t('dash.openByStage')} testid="chart-stage" /></section>
      <section class="card" aria-labelledby="d2"><h2 id="d2">${t('dash.overdueByRole')}</h2><${Bars} rows=${byRole} title=${t('dash.overdueByRole')} testid="chart-overdue" /></section>
      ${d.evaluations &&
      html`<section class="card" aria-labelledby="d6" data-testid="dash-evaluations">
        <h2 id="d6">${t('dash.evaluations')}</h2>
        <dl class="dash-counts">
          <div><dt>${t('dash.evaluations.open')}</dt><dd data-testid="evaluations-open">${d.evaluations.open}</dd></div>
          <div class=${d.evaluations.overdue ? 'late' : ''}><dt>${t('dash.evaluations.overdue')}</dt><dd data-testid="evaluations-overdue">${d.evaluations.overdue}</dd></div>
        </dl>
      </section>`}
      <section class="card dash-wide" aria-labelledby="d5">
        <h2 id="d5">${t('dash.waiting')}</h2>
        <div class="filters">
          ${/** @type {const} */ (['from', 'to']).map(
            (k) => html`<label>${t(`stages.${k}`)}
              <input type="date" data-testid=${`stages-${k}`} value=${range[k]} onChange=${(/** @type {Event} */ e) => setRange({ ...range, [k]: /** @type {HTMLInputElement} */ (e.target).value })} />
            </label>`,
          )}
        </div>
        ${stages ? html`<${StageChart} rows=${stages} />` : html`<${Loading} />`}
      </section>
      <section class="card dash-wide" aria-labelledby="d3">
        <h2 id="d3">${t('dash.signedByYear')}</h2>
        ${years.length === 0
          ? html`<p class="muted">${t('dash.noData')}</p>`
          : html`<${Bars} rows=${byYear} title=${t('dash.signedByYear')} keyLabel=${(/** @type {string} */ k) => label('instrumentShort', k)} testid="chart-signed" />
              <ul class="plain" data-testid="signed-sentences">
                ${years.map((y) => html`<li>${signedSentence(y)}</li>`)}
              </ul>
              <div class="signed-tables">
                <${SignedTable} years=${years} field="byInstrument" rows=${INSTRUMENTS} family="instrument" head=${t('case.instrument')} caption=${t('dash.signedByInstrument')} testid="signed-by-instrument" />
                <${SignedTable} years=${years} field="byCategory" rows=${CATEGORIES} family="category" head=${t('case.category')} caption=${t('dash.signedByCategory')} testid="signed-by-category" />
              </div>`}
      </section>
      <section class="card dash-wide" aria-labelledby="d4">
        <h2 id="d4">${t('dash.expiring')}</h2>
        ${d.expiringSoon.length === 0
          ? html`<p class="muted">${t('dash.noData')}</p>`
          : html`<ul class="plain expiring">
              ${d.expiringSoon.map(
                (/** @type {any} */ c) => html`<li><a href=${`#/cases/${encodeURIComponent(c.id)}`}>${c.number}</a> ${c.title} <span class="muted">· ${c.partner} · ${formatDate(c.validUntil)}</span></li>`,
              )}
            </ul>`}
      </section>
    </div>
  </section>`;
}
