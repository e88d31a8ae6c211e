// @ts-check
/**
 * Where files wait (GET /api/reports/stages): per stage a bar of the median working days a file spent
 * there and a whisker to the 90th percentile, with how many files are still there. Hand-made SVG
 * (viewBox, so it scales to a phone), a <title>/<desc> for screen readers, and the same numbers in a
 * table below it.
 */
import { html } from './components.js';
import { getLang, label, t } from './i18n.js';

/** @typedef {{stage: string, label: string, entered: number, completed: number, open: number, medianWorkingDays: number|null, p90WorkingDays: number|null, withinSla: number|null, revisions: number}} StageRow */

const W = 700;
const ROW = 30;
const LEFT = 200;
const RIGHT = 180;

/** A number as the reader writes it (decimal comma in Indonesian). */
export function formatNumber(/** @type {number|null} */ n, digits = 1) {
  if (n === null) return t('none');
  return new Intl.NumberFormat(getLang() === 'id' ? 'id-ID' : 'en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

const percent = (/** @type {number|null} */ share) => (share === null ? t('none') : `${formatNumber(share * 100, 0)}%`);

/** @param {{rows: StageRow[]}} props */
export function StageChart({ rows }) {
  const shown = rows.filter((r) => r.entered > 0);
  if (!shown.length) return html`<p class="muted">${t('dash.noData')}</p>`;
  const max = Math.max(1, ...shown.map((r) => r.p90WorkingDays ?? 0));
  const x = (/** @type {number} */ days) => LEFT + (days / max) * (W - LEFT - RIGHT);
  const height = shown.length * ROW + 10;
  const summary = shown.map((r) => t('stages.rowSummary', { stage: label('stage', r.stage), median: formatNumber(r.medianWorkingDays), open: r.open })).join('; ');
  return html`<figure class="stage-chart" data-testid="chart-waiting">
    <svg viewBox=${`0 0 ${W} ${height}`} role="img" aria-labelledby="stages-svg-title stages-svg-desc" width="100%">
      <title id="stages-svg-title">${t('dash.waiting')}</title>
      <desc id="stages-svg-desc">${summary}</desc>
      ${shown.map((r, i) => {
        const y = i * ROW + 6;
        const median = r.medianWorkingDays;
        const p90 = r.p90WorkingDays;
        return html`<g data-stage=${r.stage} data-median=${median ?? ''} data-p90=${p90 ?? ''}>
          <text x=${LEFT - 8} y=${y + 15} text-anchor="end" font-size="13">${label('stage', r.stage)}</text>
          <rect x=${LEFT} y=${y + 3} width=${W - LEFT - RIGHT} height="16" fill="#eef2f6" />
          ${median !== null && html`<rect class="median" x=${LEFT} y=${y + 3} width=${Math.max(1, x(median) - LEFT)} height="16" fill=${r.withinSla !== null && r.withinSla < 0.8 ? '#c62828' : '#1565c0'} />`}
          ${p90 !== null && html`<line x1=${x(median ?? 0)} x2=${x(p90)} y1=${y + 11} y2=${y + 11} stroke="#37474f" stroke-width="2" /><line x1=${x(p90)} x2=${x(p90)} y1=${y + 5} y2=${y + 17} stroke="#37474f" stroke-width="2" />`}
          <text x=${W - RIGHT + 8} y=${y + 15} font-size="12">${[median === null ? '' : t('stages.days', { n: formatNumber(median) }), r.open ? t('stages.open', { n: r.open }) : ''].filter(Boolean).join(' · ')}</text>
        </g>`;
      })}
    </svg>
    <figcaption class="muted">${t('stages.legend')}</figcaption>
    <div class="table-scroll">
      <table class="count-table" data-testid="stages-table">
        <caption>${t('stages.tableCaption')}</caption>
        <thead>
          <tr>${['stages.stage', 'stages.entered', 'stages.completed', 'stages.stillOpen', 'stages.median', 'stages.p90', 'stages.withinSla', 'stages.revisions'].map((k) => html`<th scope="col">${t(k)}</th>`)}</tr>
        </thead>
        <tbody>
          ${shown.map(
            (r) => html`<tr data-stage=${r.stage}>
              <th scope="row">${label('stage', r.stage)}</th>
              <td>${r.entered}</td><td>${r.completed}</td><td>${r.open}</td>
              <td data-col="median">${formatNumber(r.medianWorkingDays)}</td><td data-col="p90">${formatNumber(r.p90WorkingDays)}</td>
              <td data-col="withinSla">${percent(r.withinSla)}</td><td>${r.revisions}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </figure>`;
}
