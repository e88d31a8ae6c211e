// @ts-check
/**
 * The case list. Its search, filters and page live in the address (`/cases?q=sampah&stage=signed&page=2`),
 * so a link or a reload shows the same list and back/forward move between searches.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { html, Loading, StageBadge, useMessages } from './components.js';
import { label, t } from './i18n.js';
import { INSTRUMENTS, STAGES } from './rules.js';
import { navigate, withQuery } from './router.js';

const PAGE = 25;

/** The list's state as the address gives it: unknown stages or instruments, and bad pages, read as none. */
export function listQuery(/** @type {URLSearchParams} */ query) {
  const stage = query.get('stage') ?? '';
  const instrument = query.get('instrument') ?? '';
  const page = Number(query.get('page') ?? '1');
  return {
    q: (query.get('q') ?? '').trim(),
    stage: STAGES.includes(stage) ? stage : '',
    instrument: INSTRUMENTS.includes(instrument) ? instrument : '',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** @param {{user: import('./api.js').User, route: import('./router.js').Route}} props */
export function CaseList({ user, route }) {
  const { q, stage, instrument, page } = listQuery(route.query);
  // What is typed in the search box; it becomes `q` in the address when the search is sent.
  const [typed, setTyped] = useState(q);
  const [data, setData] = useState(/** @type {any} */ (null));
  const m = useMessages();
  useEffect(() => setTyped(q), [q]);

  useEffect(() => {
    let live = true;
    const p = new URLSearchParams({ limit: String(PAGE), offset: String((page - 1) * PAGE) });
    if (q) p.set('q', q);
    if (stage) p.set('stage', stage);
    if (instrument) p.set('instrument', instrument);
    api(`/cases?${p}`).then(
      (d) => live && setData(d),
      (e) => live && m.fail(e),
    );
    return () => {
      live = false;
    };
  }, [q, stage, instrument, page]);

  /** A new search or filter starts at its first page. */
  const go = (/** @type {Record<string, string|number|null>} */ changes) => navigate(withQuery({ page: null, ...changes }));
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE)) : 1;
  const isAuditor = user.roles.includes('auditor') || user.roles.includes('admin');
  return html`<section aria-labelledby="cases-title" data-testid="case-list">
    <div class="page-head">
      <h1 id="cases-title">${t('cases.title')}</h1>
      ${user.roles.includes('proposer') && html`<a class="button primary" href="/new" data-testid="new-case">${t('nav.new')}</a>`}
    </div>
    ${m.view()}
    <form
      class="filters"
      role="search"
      onSubmit=${(/** @type {Event} */ e) => {
        e.preventDefault();
        go({ q: typed.trim() });
      }}
    >
      <label>${t('cases.search')}
        <input type="search" id="cases-q" value=${typed} placeholder=${t('cases.searchPlaceholder')} onInput=${(/** @type {import('./components.js').FieldEvent} */ e) => setTyped(e.currentTarget.value)} data-testid="cases-q" />
      </label>
      <label>${t('inbox.filter.stage')}
        <select value=${stage} onChange=${(/** @type {import('./components.js').FieldEvent} */ e) => go({ stage: e.currentTarget.value })} data-testid="cases-stage">
          <option value="">${t('inbox.filter.all')}</option>
          ${STAGES.map((s) => html`<option value=${s}>${label('stage', s)}</option>`)}
        </select>
      </label>
      <label>${t('inbox.filter.instrument')}
        <select value=${instrument} onChange=${(/** @type {import('./components.js').FieldEvent} */ e) => go({ instrument: e.currentTarget.value })} data-testid="cases-instrument">
          <option value="">${t('inbox.filter.all')}</option>
          ${INSTRUMENTS.map((s) => html`<option value=${s}>${label('instrument', s)}</option>`)}
        </select>
      </label>
      <button type="submit" data-testid="cases-search">${t('cases.search')}</button>
    </form>
    ${!data && html`<${Loading} />`}
    ${data && data.items.length === 0 && html`<p class="empty">${t('cases.empty')}</p>`}
    ${data?.items.length > 0 &&
    html`<table class="table">
        <thead>
          <tr>
            <th scope="col">${t('case.number')}</th>
            <th scope="col">${t('inbox.col.case')}</th>
            <th scope="col">${t('case.instrument')}</th>
            <th scope="col">${t('case.stage')}</th>
            ${isAuditor && html`<th scope="col"><span class="visually-hidden">${t('cases.audit')}</span></th>`}
          </tr>
        </thead>
        <tbody>
          ${data.items.map(
            (/** @type {any} */ c) => html`<tr key=${c.id} data-testid="case-row" data-case-id=${c.id}>
              <td data-label=${t('case.number')}><a href=${`/cases/${encodeURIComponent(c.id)}`}>${c.number}</a></td>
              <td data-label=${t('inbox.col.case')}>
                <a href=${`/cases/${encodeURIComponent(c.id)}`} class="case-title">${c.title}</a>
                <div class="muted small">${c.partner?.name}</div>
              </td>
              <td data-label=${t('case.instrument')}>${label('instrumentShort', c.instrument)}</td>
              <td data-label=${t('case.stage')}><${StageBadge} stage=${c.stage} /></td>
              ${isAuditor && html`<td class="actions"><a href=${`/audit/${encodeURIComponent(c.id)}`} data-testid="audit-link">${t('cases.audit')}</a></td>`}
            </tr>`,
          )}
        </tbody>
      </table>`}
    ${data?.total > 0 &&
    html`<nav class="pager" aria-label=${t('cases.page', { page, pages })}>
      <span class="muted">${t('cases.total', { n: data.total })} · <span data-testid="cases-page">${t('cases.page', { page, pages })}</span></span>
      ${page > 1
        ? html`<a class="button" href=${withQuery({ page: page - 1 > 1 ? page - 1 : null })} rel="prev" data-testid="cases-prev">${t('cases.prev')}</a>`
        : html`<button type="button" disabled>${t('cases.prev')}</button>`}
      ${page < pages
        ? html`<a class="button" href=${withQuery({ page: page + 1 })} rel="next" data-testid="cases-next">${t('cases.next')}</a>`
        : html`<button type="button" disabled>${t('cases.next')}</button>`}
    </nav>`}
  </section>`;
}
