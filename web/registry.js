// @ts-check
/**
 * The public registry page `/registry` (contract §9): no sign-in; it reads `/public/agreements` (public
 * fields only: number, title, instrument, partner, dates, government affairs, agencies, status) with
 * search and filters kept in the address, and links to the CSV and the DCAT catalogue. Plain DOM, no
 * framework and no import map (the page has no inline script: the CSP forbids it); every text is set as
 * text, never as HTML. Indonesian, with an English switch.
 */
import { formatDate, getLang, label, setLang, t } from './i18n.js';
import { FIELDS, fieldLabel } from './fields.js';
import { TIME_ZONE } from '/labels.js';

const PAGE = 50;
const STATUSES = ['in_force', 'expiring', 'expired', 'terminated'];
const INSTRUMENTS = ['kb', 'pks', 'nk', 'loi'];
const CATEGORIES = ['region', 'third_party', 'central_government', 'foreign'];
const FILTERS = /** @type {const} */ (['q', 'status', 'instrument', 'category', 'year', 'field']);

/**
 * An element with attributes and children (strings become text nodes).
 * @param {string} tag
 * @param {Record<string, string|undefined>} [attrs]
 * @param {(Node|string|null|undefined|false)[]} [children]
 */
function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

/** The filters as the address gives them; unknown values read as none. */
function readQuery() {
  const q = new URLSearchParams(location.search);
  const pick = (/** @type {string} */ k, /** @type {string[]} */ allowed) => (allowed.includes(q.get(k) ?? '') ? /** @type {string} */ (q.get(k)) : '');
  const page = Number(q.get('page') ?? '1');
  return {
    q: (q.get('q') ?? '').trim().slice(0, 200),
    status: pick('status', STATUSES),
    instrument: pick('instrument', INSTRUMENTS),
    category: pick('category', CATEGORIES),
    year: /^\d{4}$/.test(q.get('year') ?? '') ? /** @type {string} */ (q.get('year')) : '',
    field: (q.get('field') ?? '').trim().slice(0, 100),
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** @param {ReturnType<typeof readQuery>} f */
function apiParams(f) {
  const p = new URLSearchParams();
  for (const k of FILTERS) if (f[k]) p.set(k, f[k]);
  return p;
}

/** @param {ReturnType<typeof readQuery>} f */
function addressOf(f) {
  const p = apiParams(f);
  if (f.page > 1) p.set('page', String(f.page));
  const s = p.toString();
  return `/registry${s ? `?${s}` : ''}`;
}

/** A select of `values` (with "all"), labelled by `text`. */
function select(/** @type {string} */ name, /** @type {string} */ text, /** @type {string[]} */ values, /** @type {(v: string) => string} */ show, /** @type {string} */ current) {
  const s = /** @type {HTMLSelectElement} */ (el('select', { name, 'data-testid': `registry-${name}` }, [el('option', { value: '' }, [t('inbox.filter.all')]), ...values.map((v) => el('option', { value: v }, [show(v)]))]));
  s.value = current;
  return el('label', {}, [text, s]);
}

let request = 0;

/** The city's calendar date `days` from now (YYYY-MM-DD): an agreement in force ending by today + 90 is "ending soon". */
const cityDate = (/** @type {number} */ days) => new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: TIME_ZONE });

async function render() {
  const f = readQuery();
  document.documentElement.lang = getLang();
  document.title = t('registry.title');
  /** @type {HTMLElement} */ (document.getElementById('lang-switch')).textContent = t('lang.switch');
  /** @type {HTMLElement} */ (document.getElementById('tagline')).textContent = t('app.tagline');
  const root = /** @type {HTMLElement} */ (document.getElementById('registry'));
  const csv = `/public/agreements.csv${apiParams(f).toString() ? `?${apiParams(f)}` : ''}`;
  const search = /** @type {HTMLInputElement} */ (el('input', { type: 'search', name: 'q', 'data-testid': 'registry-q', placeholder: t('register.searchPlaceholder') }));
  search.value = f.q;
  const years = Array.from({ length: new Date().getFullYear() - 1999 }, (_, i) => String(new Date().getFullYear() - i));
  const form = el('form', { class: 'filters register-filters', role: 'search', 'data-testid': 'registry-form' }, [
    el('label', {}, [t('cases.search'), search]),
    select('status', t('register.status'), STATUSES, (v) => t(`register.tab.${v}`), f.status),
    select('instrument', t('case.instrument'), INSTRUMENTS, (v) => label('instrumentShort', v), f.instrument),
    select('category', t('case.category'), CATEGORIES, (v) => label('category', v), f.category),
    select('year', t('register.year'), years, (v) => v, f.year),
    select('field', t('register.field'), FIELDS.includes(f.field) || !f.field ? FIELDS : [f.field, ...FIELDS], fieldLabel, f.field),
    el('button', { type: 'submit', 'data-testid': 'registry-search' }, [t('cases.search')]),
  ]);
  const go = () => {
    const data = new FormData(/** @type {HTMLFormElement} */ (form));
    /** @type {any} */
    const next = { page: 1 };
    for (const k of FILTERS) next[k] = String(data.get(k) ?? '').trim();
    history.pushState(null, '', addressOf(next));
    void render();
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go();
  });
  for (const s of form.querySelectorAll('select')) s.addEventListener('change', go);
  const results = el('div', { 'data-testid': 'registry-results', 'aria-live': 'polite' }, [el('p', { class: 'muted', 'aria-busy': 'true' }, [t('loading')])]);
  root.replaceChildren(
    el('section', { class: 'registry', 'aria-labelledby': 'registry-title', 'data-testid': 'registry' }, [
      el('div', { class: 'page-head' }, [
        el('div', {}, [el('h1', { id: 'registry-title' }, [t('registry.title')]), el('p', { class: 'muted' }, [t('registry.intro')])]),
        el('div', { class: 'registry-links' }, [
          el('a', { class: 'button', href: csv, 'data-testid': 'registry-csv' }, [t('registry.csv')]),
          el('a', { class: 'button', href: '/public/catalog.json', 'data-testid': 'registry-catalog' }, [t('registry.catalog')]),
        ]),
      ]),
      form,
      results,
    ]),
  );

  const mine = ++request;
  const p = apiParams(f);
  p.set('limit', String(PAGE));
  p.set('offset', String((f.page - 1) * PAGE));
  let data;
  try {
    const res = await fetch(`/public/agreements?${p}`);
    if (!res.ok) throw new Error(res.status === 404 ? t('registry.off') : res.status === 429 ? t('err.tooMany') : t('error.generic'));
    data = await res.json();
  } catch (e) {
    if (mine !== request) return;
    results.replaceChildren(el('div', { class: 'banner banner-error', role: 'alert' }, [e instanceof Error && !(e instanceof TypeError) ? e.message : t('error.network')]));
    return;
  }
  if (mine !== request) return;
  if (data.items.length === 0) {
    results.replaceChildren(el('p', { class: 'empty', 'data-testid': 'registry-empty' }, [t('registry.none')]));
    return;
  }
  const limit = cityDate(90);
  const soon = (/** @type {any} */ a) => a.status === 'in_force' && typeof a.validUntil === 'string' && a.validUntil <= limit;
  const th = (/** @type {string} */ s) => el('th', { scope: 'col' }, [s]);
  const td = (/** @type {string} */ head, /** @type {(Node|string|null)[]} */ children) => el('td', { 'data-label': head }, children);
  const rows = data.items.map((/** @type {any} */ a) =>
    el('tr', { 'data-testid': 'registry-row' }, [
      td(t('register.number'), [a.number]),
      td(t('inbox.col.case'), [el('strong', {}, [a.title]), el('div', { class: 'muted small' }, [`${a.partner.name}${a.partner.country ? ` (${a.partner.country})` : ''} · ${label('category', a.partner.category)}`])]),
      td(t('case.instrument'), [label('instrumentShort', a.instrument)]),
      td(t('register.signedAt'), [formatDate(a.signedAt)]),
      td(t('register.term'), [a.validFrom || a.validUntil ? `${formatDate(a.validFrom)} – ${formatDate(a.validUntil)}` : t('none')]),
      td(t('register.fieldsOpds'), [
        ...a.fields.map((/** @type {string} */ x) => el('span', { class: 'chip' }, [fieldLabel(x)])),
        a.opds.length ? el('div', { class: 'muted small' }, [a.opds.join(', ')]) : null,
      ]),
      td(t('register.status'), [el('span', { class: `stage-badge register-${soon(a) ? 'expiring' : a.status}`, 'data-status': a.status }, [t(`register.status.${soon(a) ? 'expiring' : a.status}`)])]),
    ]),
  );
  const pages = Math.max(1, Math.ceil(data.total / PAGE));
  const pageLink = (/** @type {number} */ n, /** @type {string} */ text, /** @type {string} */ rel) => {
    const a = el('a', { class: 'button', href: addressOf({ ...f, page: n }), rel }, [text]);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      history.pushState(null, '', addressOf({ ...f, page: n }));
      void render();
    });
    return a;
  };
  results.replaceChildren(
    el('div', { class: 'table-scroll' }, [
      el('table', { class: 'table' }, [
        el('thead', {}, [el('tr', {}, [th(t('register.number')), th(t('inbox.col.case')), th(t('case.instrument')), th(t('register.signedAt')), th(t('register.term')), th(t('register.fieldsOpds')), th(t('register.status'))])]),
        el('tbody', {}, rows),
      ]),
    ]),
    el('nav', { class: 'pager' }, [
      el('span', { class: 'muted', 'data-testid': 'registry-total' }, [`${t('register.total', { n: data.total })} · ${t('cases.page', { page: f.page, pages })}`]),
      f.page > 1 ? pageLink(f.page - 1, t('cases.prev'), 'prev') : null,
      f.page < pages ? pageLink(f.page + 1, t('cases.next'), 'next') : null,
    ]),
  );
}

/** @type {HTMLElement} */ (document.getElementById('lang-switch')).addEventListener('click', () => {
  setLang(getLang() === 'id' ? 'en' : 'id');
  void render();
});
window.addEventListener('popstate', () => void render());
void render();
