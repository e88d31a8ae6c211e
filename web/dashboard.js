// @ts-check
/** The dashboard: open cases by stage, overdue tasks by role, agreements signed per year, expiring soon. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { BarChart, html, Loading, useMessages } from './components.js';
import { formatDate, label, t } from './i18n.js';
import { STAGES } from './rules.js';

/** "2017: 9 MoU, 14 PKS" */
export function signedSentence(/** @type {{year: number, byInstrument: Record<string, number>}} */ y) {
  const order = ['kb', 'pks', 'nk', 'loi'];
  const parts = Object.entries(y.byInstrument)
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([k, n]) => `${n} ${label('instrumentShort', k)}`);
  return `${y.year}: ${parts.join(', ')}`;
}

export function Dashboard() {
  const [d, setD] = useState(/** @type {any} */ (null));
  const m = useMessages();
  useEffect(() => {
    api('/reports/dashboard').then(setD, m.fail);
  }, []);
  if (!d) return html`${m.view()}<${Loading} />`;

  const byStage = STAGES.filter((s) => d.openByStage[s]).map((s) => ({ label: label('stage', s), parts: [{ key: 'n', value: d.openByStage[s] }] }));
  const byRole = Object.entries(d.overdueByRole).map(([r, n]) => ({ label: label('role', r), parts: [{ key: 'n', value: Number(n) }] }));
  const byYear = d.signedByYear.map((y) => ({ label: String(y.year), parts: Object.entries(y.byInstrument).map(([k, n]) => ({ key: k, value: Number(n) })) }));

  return html`<section aria-labelledby="dash-title" data-testid="dashboard">
    <div class="page-head"><h1 id="dash-title">${t('dash.title')}</h1></div>
    ${m.view()}
    <div class="dash-grid">
      <section class="card" aria-labelledby="d1"><h2 id="d1">${t('dash.openByStage')}</h2><${BarChart} rows=${byStage} title=${t('dash.openByStage')} testid="chart-stage" /></section>
      <section class="card" aria-labelledby="d2"><h2 id="d2">${t('dash.overdueByRole')}</h2><${BarChart} rows=${byRole} title=${t('dash.overdueByRole')} testid="chart-overdue" /></section>
      <section class="card" aria-labelledby="d3">
        <h2 id="d3">${t('dash.signedByYear')}</h2>
        <${BarChart} rows=${byYear} title=${t('dash.signedByYear')} keyLabel=${(k) => label('instrumentShort', k)} testid="chart-signed" />
        <ul class="plain" data-testid="signed-sentences">
          ${d.signedByYear.map((y) => html`<li>${signedSentence(y)}</li>`)}
        </ul>
      </section>
      <section class="card" aria-labelledby="d4">
        <h2 id="d4">${t('dash.expiring')}</h2>
        ${d.expiringSoon.length === 0
          ? html`<p class="muted">${t('dash.noData')}</p>`
          : html`<ul class="plain expiring">
              ${d.expiringSoon.map(
                (c) => html`<li><a href=${`#/cases/${encodeURIComponent(c.id)}`}>${c.number}</a> ${c.title} <span class="muted">· ${c.partner} · ${formatDate(c.validUntil)}</span></li>`,
              )}
            </ul>`}
      </section>
    </div>
  </section>`;
}
