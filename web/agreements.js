// @ts-check
/**
 * The register of agreements for staff (contract §9, penatausahaan): `/agreements` lists every signed
 * agreement with its status (tabs: in force, expiring within 90 days, expired, terminated, and the
 * entries the secretariat still has to complete), filters and search kept in the address like the
 * case list, one click to the case and its documents, and exports of the filtered register (fetched
 * with the session's token, then saved). `/agreements/<id>` shows one entry; the secretariat completes
 * or corrects it there (PATCH /api/agreements/<id>).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, downloadDocument, errorText } from './api.js';
import { Banner, html, Loading, useMessages } from './components.js';
import { formatDate, label, t } from './i18n.js';
import { TIME_ZONE } from '/labels.js';
import { FIELDS, fieldLabel } from './fields.js';
import { CATEGORIES, INSTRUMENTS } from './rules.js';
import { navigate, withQuery } from './router.js';
import { AfterSigning, renew } from './after-signing.js';
import { amountText, FieldChoices, OpdsInput, opdLines } from './register-inputs.js';

const PAGE = 50;
/** The tabs above the list: `status` values of the API, and the incomplete entries. */
const TABS = ['', 'in_force', 'expiring', 'expired', 'terminated', 'incomplete'];
const STATUSES = ['in_force', 'expiring', 'expired', 'terminated'];
/** A money value as people write it (Rp250.000.000). */
export function formatMoney(/** @type {{amount: number, currency: string}|null|undefined} */ v) {
  if (!v) return t('none');
  try {
    return new Intl.NumberFormat('id-ID', { style: 'currency', currency: v.currency, maximumFractionDigits: 2 }).format(v.amount);
  } catch {
    return `${v.currency} ${v.amount}`;
  }
}

/** The list's state as the address gives it: unknown values read as none. */
export function registerQuery(/** @type {URLSearchParams} */ query) {
  const pick = (/** @type {string} */ k, /** @type {string[]} */ allowed) => {
    const v = query.get(k) ?? '';
    return allowed.includes(v) ? v : '';
  };
  const year = query.get('year') ?? '';
  const page = Number(query.get('page') ?? '1');
  return {
    status: pick('status', STATUSES),
    incomplete: query.get('incomplete') === 'true',
    instrument: pick('instrument', INSTRUMENTS),
    category: pick('category', CATEGORIES),
    year: /^\d{4}$/.test(year) ? year : '',
    field: (query.get('field') ?? '').trim().slice(0, 100),
    opd: (query.get('opd') ?? '').trim().slice(0, 200),
    q: (query.get('q') ?? '').trim().slice(0, 200),
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The API's filters of a register query (no page). */
function filterParams(/** @type {ReturnType<typeof registerQuery>} */ f) {
  const p = new URLSearchParams();
  for (const k of /** @type {const} */ (['status', 'instrument', 'category', 'year', 'field', 'opd', 'q'])) if (f[k]) p.set(k, f[k]);
  if (f.incomplete) p.set('incomplete', 'true');
  return p;
}

/** The city's today (ONEGATE_TIMEZONE) as YYYY-MM-DD, or `days` after it. */
const today = (days = 0) => new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: TIME_ZONE });

/** Saves a blob under `name` (an object URL clicked as a download). */
function save(/** @type {Blob} */ blob, /** @type {string} */ name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The status badge: in force (ending soon when within 90 days), expired, terminated. */
function StatusBadge(/** @type {{a: any}} */ { a }) {
  const soon = a.status === 'in_force' && a.validUntil && a.validUntil <= today(90);
  const key = soon ? 'expiring' : a.status;
  return html`<span class=${`stage-badge register-${key}`} data-status=${a.status} data-testid="agreement-status">${t(`register.status.${key}`)}</span>`;
}

/** The documents of an agreement's case, opened in its row, each downloadable. */
function Documents(/** @type {{id: string}} */ { id }) {
  const [docs, setDocs] = useState(/** @type {any[]|null} */ (null));
  const [error, setError] = useState(/** @type {string|null} */ (null));
  useEffect(() => {
    let live = true;
    api(`/cases/${encodeURIComponent(id)}/documents`).then(
      (d) => live && setDocs(d.items ?? d),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [id]);
  if (error) return html`<${Banner} text=${error} />`;
  if (!docs) return html`<${Loading} />`;
  if (docs.length === 0) return html`<p class="muted small">${t('case.noDocuments')}</p>`;
  return html`<ul class="doc-list" data-testid="agreement-documents">
    ${docs.map(
      (d) => html`<li key=${d.id}>
        <div><strong>${label('kind', d.kind)}</strong> <span class="muted small">${d.name} · ${t('tl.version', { v: d.version })}</span></div>
        <button type="button" class="small-button" onClick=${() => downloadDocument(d).catch(() => setError(t('error.generic')))}>${t('case.download')}</button>
      </li>`,
    )}
  </ul>`;
}

/** @param {{user: import('./api.js').User, route: import('./router.js').Route}} props */
export function AgreementList({ user, route }) {
  const f = registerQuery(route.query);
  const [typed, setTyped] = useState({ q: f.q, opd: f.opd });
  const [data, setData] = useState(/** @type {any} */ (null));
  const [open, setOpen] = useState(/** @type {string|null} */ (null));
  const [busy, setBusy] = useState(/** @type {string|null} */ (null));
  const m = useMessages();
  const key = filterParams(f).toString();
  useEffect(() => setTyped({ q: f.q, opd: f.opd }), [f.q, f.opd]);

  useEffect(() => {
    let live = true;
    setData(null);
    const p = filterParams(f);
    p.set('limit', String(PAGE));
    p.set('offset', String((f.page - 1) * PAGE));
    api(`/agreements?${p}`).then(
      (d) => live && setData(d),
      (e) => live && m.fail(e),
    );
    return () => {
      live = false;
    };
  }, [key, f.page]);

  const go = (/** @type {Record<string, string|number|null>} */ changes) => navigate(withQuery({ page: null, ...changes }));
  const tab = f.incomplete ? 'incomplete' : f.status;
  const tabHref = (/** @type {string} */ k) => withQuery({ page: null, status: k === 'incomplete' ? null : k || null, incomplete: k === 'incomplete' ? 'true' : null });
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE)) : 1;
  const years = Array.from({ length: new Date().getFullYear() - 1999 }, (_, i) => String(new Date().getFullYear() - i));
  const opds = data ? [...new Set(data.items.flatMap((/** @type {any} */ a) => a.opds))].sort() : [];
  const secretariat = user.roles.includes('secretariat');
  const mayRenew = secretariat || user.roles.includes('proposer');

  /** Opens a renewal of the row's agreement and goes to its new case. */
  async function renewRow(/** @type {string} */ agreementId) {
    setBusy('renew');
    m.clear();
    try {
      await renew(agreementId);
    } catch (e) {
      m.fail(e);
    } finally {
      setBusy(null);
    }
  }

  async function exportAs(/** @type {'csv'|'xlsx'|'json'} */ format) {
    setBusy(format);
    try {
      const p = filterParams(f);
      p.set('format', format);
      save(await api(`/agreements/export?${p}`, { as: 'blob' }), `register-kerja-sama-${today()}.${format}`);
      m.ok(t('register.exported', { format: format.toUpperCase() }));
    } catch (e) {
      m.fail(e);
    } finally {
      setBusy(null);
    }
  }

  const field = (/** @type {any} */ e) => /** @type {import('./components.js').FieldEvent} */ (e).currentTarget.value;
  return html`<section aria-labelledby="register-title" data-testid="agreement-list">
    <div class="page-head">
      <h1 id="register-title">${t('register.title')}</h1>
      <div class="head-actions" role="group" aria-label=${t('register.export')}>
        <span class="muted small">${t('register.export')}</span>
        ${['csv', 'xlsx', 'json'].map(
          (fmt) => html`<button type="button" class="small-button" disabled=${busy !== null} onClick=${() => exportAs(/** @type {any} */ (fmt))} data-testid=${`export-${fmt}`}>${fmt.toUpperCase()}</button>`,
        )}
      </div>
    </div>
    ${m.view()}
    <nav class="tabs" aria-label=${t('register.statusFilter')}>
      ${TABS.map(
        (k) => html`<a href=${tabHref(k)} class=${tab === k ? 'tab active' : 'tab'} aria-current=${tab === k ? 'page' : undefined} data-testid=${`register-tab-${k || 'all'}`}>${t(`register.tab.${k || 'all'}`)}</a>`,
      )}
    </nav>
    ${f.incomplete && html`<p class="hint" data-testid="incomplete-hint">${t('register.incompleteHint')}</p>`}
    <form
      class="filters register-filters"
      role="search"
      onSubmit=${(/** @type {Event} */ e) => {
        e.preventDefault();
        go({ q: typed.q.trim(), opd: typed.opd.trim() });
      }}
    >
      <label>${t('cases.search')}
        <input type="search" value=${typed.q} placeholder=${t('register.searchPlaceholder')} onInput=${(/** @type {any} */ e) => setTyped({ ...typed, q: field(e) })} data-testid="register-q" />
      </label>
      <label>${t('case.instrument')}
        <select value=${f.instrument} onChange=${(/** @type {any} */ e) => go({ instrument: field(e) })} data-testid="register-instrument">
          <option value="">${t('inbox.filter.all')}</option>
          ${INSTRUMENTS.map((s) => html`<option value=${s}>${label('instrumentShort', s)}</option>`)}
        </select>
      </label>
      <label>${t('case.category')}
        <select value=${f.category} onChange=${(/** @type {any} */ e) => go({ category: field(e) })} data-testid="register-category">
          <option value="">${t('inbox.filter.all')}</option>
          ${CATEGORIES.map((s) => html`<option value=${s}>${label('category', s)}</option>`)}
        </select>
      </label>
      <label>${t('register.year')}
        <select value=${f.year} onChange=${(/** @type {any} */ e) => go({ year: field(e) })} data-testid="register-year">
          <option value="">${t('inbox.filter.all')}</option>
          ${years.map((y) => html`<option value=${y}>${y}</option>`)}
        </select>
      </label>
      <label>${t('register.field')}
        <select value=${f.field} onChange=${(/** @type {any} */ e) => go({ field: field(e) })} data-testid="register-field">
          <option value="">${t('inbox.filter.all')}</option>
          ${f.field && !FIELDS.includes(f.field) && html`<option value=${f.field}>${fieldLabel(f.field)}</option>`}
          ${FIELDS.map((s) => html`<option value=${s}>${fieldLabel(s)}</option>`)}
        </select>
      </label>
      <label>${t('register.opd')}
        <input list="register-opds" value=${typed.opd} placeholder=${t('register.opdPlaceholder')} onInput=${(/** @type {any} */ e) => setTyped({ ...typed, opd: field(e) })} data-testid="register-opd" />
        <datalist id="register-opds">${opds.map((o) => html`<option value=${o}></option>`)}</datalist>
      </label>
      <button type="submit" data-testid="register-search">${t('cases.search')}</button>
    </form>
    ${!data && html`<${Loading} />`}
    ${data && data.items.length === 0 && html`<p class="empty" data-testid="register-empty">${t('register.empty')}</p>`}
    ${data?.items.length > 0 &&
    html`<div class="table-scroll"><table class="table">
        <thead>
          <tr>
            <th scope="col">${t('register.number')}</th>
            <th scope="col">${t('inbox.col.case')}</th>
            <th scope="col">${t('case.instrument')}</th>
            <th scope="col">${t('register.signedAt')}</th>
            <th scope="col">${t('register.term')}</th>
            <th scope="col">${t('register.fieldsOpds')}</th>
            <th scope="col">${f.incomplete ? t('register.missing') : t('register.status')}</th>
            <th scope="col"><span class="visually-hidden">${t('inbox.col.actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          ${data.items.map(
            (/** @type {any} */ a) => html`<tr key=${a.id} data-testid="agreement-row" data-agreement-id=${a.id}>
                <td data-label=${t('register.number')}>
                  <a href=${`/agreements/${encodeURIComponent(a.id)}`} data-testid="agreement-number">${a.number}</a>
                  ${a.partnerNumber && html`<div class="muted small">${a.partnerNumber}</div>`}
                </td>
                <td data-label=${t('inbox.col.case')}>
                  <a href=${`/cases/${encodeURIComponent(a.id)}`} class="case-title" data-testid="agreement-case">${a.title}</a>
                  <div class="muted small">${a.partner.name} · ${label('category', a.partner.category)}</div>
                </td>
                <td data-label=${t('case.instrument')}>${label('instrumentShort', a.instrument)}</td>
                <td data-label=${t('register.signedAt')}>${formatDate(a.signedAt)}${a.signedPlace ? html`<div class="muted small">${a.signedPlace}</div>` : ''}</td>
                <td data-label=${t('register.term')}>${a.validFrom || a.validUntil ? `${formatDate(a.validFrom)} – ${formatDate(a.validUntil)}` : t('none')}</td>
                <td data-label=${t('register.fieldsOpds')}>
                  ${a.fields.map((/** @type {string} */ x) => html`<span class="chip">${fieldLabel(x)}</span>`)}
                  ${a.opds.length > 0 && html`<div class="muted small">${a.opds.join(', ')}</div>`}
                </td>
                <td data-label=${f.incomplete ? t('register.missing') : t('register.status')}>
                  ${f.incomplete
                    ? html`<span data-testid="agreement-missing">${(a.missing ?? []).map((/** @type {string} */ k) => t(`register.f.${k}`)).join(', ')}</span>`
                    : html`<${StatusBadge} a=${a} />`}
                </td>
                <td class="actions">
                  <button type="button" class="small-button" aria-expanded=${open === a.id} onClick=${() => setOpen(open === a.id ? null : a.id)} data-testid="agreement-docs">${t('case.documents')}</button>
                  ${secretariat && f.incomplete && html` <a class="button small-button" href=${`/agreements/${encodeURIComponent(a.id)}`} data-testid="agreement-complete">${t('register.complete')}</a>`}
                  ${mayRenew && f.status === 'expiring' && !a.renewedBy &&
                  html` <button type="button" class="small-button primary" disabled=${busy !== null} onClick=${() => renewRow(a.id)} data-testid="agreement-renew" aria-label=${t('after.renewRow', { number: a.number })}>${t('after.renew')}</button>`}
                </td>
              </tr>
              ${open === a.id && html`<tr key=${`${a.id}-docs`} class="row-docs"><td colspan="8"><${Documents} id=${a.id} /></td></tr>`}`,
          )}
        </tbody>
      </table></div>`}
    ${data?.total > 0 &&
    html`<nav class="pager" aria-label=${t('cases.page', { page: f.page, pages })}>
      <span class="muted"><span data-testid="register-total">${t('register.total', { n: data.total })}</span> · ${t('cases.page', { page: f.page, pages })}</span>
      ${f.page > 1
        ? html`<a class="button" href=${withQuery({ page: f.page - 1 > 1 ? f.page - 1 : null })} rel="prev">${t('cases.prev')}</a>`
        : html`<button type="button" disabled>${t('cases.prev')}</button>`}
      ${f.page < pages ? html`<a class="button" href=${withQuery({ page: f.page + 1 })} rel="next">${t('cases.next')}</a>` : html`<button type="button" disabled>${t('cases.next')}</button>`}
    </nav>`}
  </section>`;
}

/**
 * The edit form's values: the first signatory of each party in its own fields (any further ones, as an
 * import or the API may record, are kept as they are), the OPDs one per line.
 */
function formOf(/** @type {any} */ a) {
  const sig = (/** @type {string} */ party) => a.signatories.find((/** @type {any} */ s) => s.party === party) ?? { name: '', position: '' };
  const firsts = ['city', 'partner'].map((p) => a.signatories.find((/** @type {any} */ s) => s.party === p));
  return {
    otherSignatories: /** @type {any[]} */ (a.signatories.filter((/** @type {any} */ s) => !firsts.includes(s))),
    number: a.number,
    partnerNumber: a.partnerNumber ?? '',
    signedAt: a.signedAt ?? '',
    signedPlace: a.signedPlace ?? '',
    cityName: sig('city').name,
    cityPosition: sig('city').position,
    partnerName: sig('partner').name,
    partnerPosition: sig('partner').position,
    fields: /** @type {string[]} */ ([...a.fields]),
    opds: a.opds.join('\n'),
    amount: a.value ? String(a.value.amount) : '',
    currency: a.value?.currency ?? 'IDR',
    source: a.value?.source ?? '',
  };
}

/** Form field → the body paths whose errors it shows. */
const ERROR_AT = /** @type {Record<string, RegExp>} */ ({
  number: /^number$/,
  partnerNumber: /^partnerNumber$/,
  signedAt: /^signedAt$/,
  signedPlace: /^signedPlace$/,
  fields: /^fields/,
  opds: /^opds/,
  amount: /^value(\.amount)?$/,
  currency: /^value\.currency$/,
  source: /^value\.source$/,
});

/** @param {{user: import('./api.js').User, id: string, route?: import('./router.js').Route}} props */
export function AgreementPage({ user, id, route }) {
  const [a, setA] = useState(/** @type {any} */ (null));
  const [form, setForm] = useState(/** @type {ReturnType<typeof formOf>|null} */ (null));
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [loadError, setLoadError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const m = useMessages();
  const [loaded, setLoaded] = useState(0);
  useEffect(() => {
    let live = true;
    api(`/agreements/${encodeURIComponent(id)}`).then(
      (x) => {
        if (!live) return;
        setA(x);
        setForm(formOf(x));
      },
      (e) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
  }, [id, loaded]);
  const reload = async () => setLoaded((n) => n + 1);
  if (loadError instanceof ApiError && loadError.status === 404) return html`<section class="card" data-testid="not-found"><h1>${t('register.notFound')}</h1><p><a href="/agreements">${t('register.toList')}</a></p></section>`;
  if (loadError) return html`<${Banner} text=${errorText(loadError)} />`;
  if (!a || !form) return html`<${Loading} />`;
  const secretariat = user.roles.includes('secretariat');
  const set = (/** @type {keyof ReturnType<typeof formOf>} */ k) => (/** @type {any} */ e) => setForm({ ...form, [k]: e.currentTarget.value });

  async function saveEntry(/** @type {Event} */ ev) {
    ev.preventDefault();
    if (!form) return;
    setErrors({});
    m.clear();
    /** @type {any[]} */
    const signatories = [];
    if (form.cityName.trim() || form.cityPosition.trim()) signatories.push({ party: 'city', name: form.cityName.trim(), position: form.cityPosition.trim() });
    if (form.partnerName.trim() || form.partnerPosition.trim()) signatories.push({ party: 'partner', name: form.partnerName.trim(), position: form.partnerPosition.trim() });
    signatories.push(...form.otherSignatories);
    // Which form fields a signatory's error (`signatories.<n>.name`) belongs to.
    const sigField = (/** @type {string} */ path) => {
      const n = /^signatories\.(\d+)/.exec(path);
      return n ? (signatories[Number(n[1])]?.party ?? null) : path === 'signatories' ? 'city' : null;
    };
    const amount = amountText(form.amount);
    const body = {
      number: form.number.trim(),
      partnerNumber: form.partnerNumber.trim() || null,
      signedAt: form.signedAt || null,
      signedPlace: form.signedPlace.trim() || null,
      signatories,
      fields: form.fields,
      opds: opdLines(form.opds),
      value: amount ? { amount: Number(amount), currency: form.currency.trim().toUpperCase(), source: form.source.trim() || null } : null,
      // An edit saved meanwhile (another secretariat member, a signing's update) makes this a 409, not an overwrite.
      expectedVersion: a?.version,
    };
    setBusy(true);
    try {
      const next = await api(`/agreements/${encodeURIComponent(id)}`, { method: 'PATCH', body });
      setA(next);
      setForm(formOf(next));
      m.ok(t('register.saved'));
    } catch (e) {
      const fields = e instanceof ApiError && Array.isArray(e.body?.fields) ? e.body.fields : e instanceof ApiError && typeof e.body?.field === 'string' ? [{ field: e.body.field }] : [];
      /** @type {Record<string, string>} */
      const found = {};
      for (const x of fields) {
        if (typeof x?.field !== 'string') continue;
        const party = sigField(x.field);
        if (party && !found[party]) found[party] = t(`register.err.${party}`);
        for (const [k, re] of Object.entries(ERROR_AT)) if (re.test(x.field) && !found[k]) found[k] = t(`register.err.${k}`);
      }
      setErrors(found);
      m.fail(e);
    } finally {
      setBusy(false);
    }
  }

  /** A labelled input; `errKey`: the error it shows (a signatory's two fields share one, shown under the first). */
  const input = (/** @type {keyof ReturnType<typeof formOf>} */ k, /** @type {string} */ text, /** @type {string} */ errKey = k, /** @type {Record<string, unknown>} */ extra = {}, showError = true) =>
    html`<div class="stack">
      <label for=${`ag-${k}`}>${text}</label>
      <input id=${`ag-${k}`} value=${form[k]} onInput=${set(k)} aria-invalid=${errors[errKey] ? 'true' : undefined} aria-describedby=${errors[errKey] ? `ag-${showError ? k : errKey === 'city' ? 'cityName' : 'partnerName'}-err` : undefined} data-testid=${`ag-${k}`} ...${extra} />
      ${showError && errors[errKey] && html`<p class="field-error" id=${`ag-${k}-err`} data-testid=${`ag-${k}-error`}>${errors[errKey]}</p>`}
    </div>`;
  return html`<article class="case" data-testid="agreement-page" data-agreement-id=${a.id}>
    <div class="page-head">
      <div>
        <p class="muted small"><a href="/agreements">${t('register.toList')}</a></p>
        <h1 data-testid="agreement-title">${a.title}</h1>
        <p class="muted">${a.number} · ${label('instrument', a.instrument)} · <${StatusBadge} a=${a} /></p>
      </div>
      <div class="head-actions"><a class="button" href=${`/cases/${encodeURIComponent(a.id)}`} data-testid="agreement-open-case">${t('register.openCase')}</a></div>
    </div>
    ${m.view()}
    <section class="card" aria-labelledby="ag-details" data-testid="agreement-details">
      <h2 id="ag-details">${t('case.details')}</h2>
      <dl class="details">
        <dt>${t('case.partner')}</dt><dd>${a.partner.name}${a.partner.country ? ` (${a.partner.country})` : ''} · ${label('category', a.partner.category)}</dd>
        <dt>${t('register.f.partnerNumber')}</dt><dd data-testid="agreement-partner-number">${a.partnerNumber ?? t('none')}</dd>
        <dt>${t('register.signedAt')}</dt><dd>${formatDate(a.signedAt)}${a.signedPlace ? `, ${a.signedPlace}` : ''}</dd>
        <dt>${t('register.term')}</dt><dd>${formatDate(a.validFrom)} – ${formatDate(a.validUntil)}</dd>
        <dt>${t('register.f.signatories')}</dt><dd>${a.signatories.length ? a.signatories.map((/** @type {any} */ s) => html`<div>${s.name}, ${s.position} (${t(`register.party.${s.party}`)})</div>`) : t('none')}</dd>
        <dt>${t('register.f.fields')}</dt><dd>${a.fields.length ? a.fields.map((/** @type {string} */ x) => html`<span class="chip">${fieldLabel(x)}</span>`) : t('none')}</dd>
        <dt>${t('register.f.opds')}</dt><dd>${a.opds.length ? a.opds.join(', ') : t('none')}</dd>
        <dt>${t('register.f.value')}</dt><dd data-testid="agreement-value">${formatMoney(a.value)}${a.value?.source ? ` · ${a.value.source}` : ''}</dd>
        <dt>${t('register.source')}</dt><dd>${t(`register.source.${a.source}`)}</dd>
      </dl>
    </section>
    <${AfterSigning} key=${a.version} a=${a} user=${user} renewFirst=${route?.query?.get('renew') === '1'} reload=${reload} />
    <section class="card" aria-labelledby="ag-docs"><h2 id="ag-docs">${t('case.documents')}</h2><${Documents} key=${a.version} id=${a.id} /></section>
    ${secretariat &&
    html`<section class="card form-card" aria-labelledby="ag-edit">
      <h2 id="ag-edit">${t('register.edit')}</h2>
      <form class="stack" onSubmit=${saveEntry} noValidate data-testid="agreement-form">
        <div class="form-row">${input('number', t('register.number'))} ${input('partnerNumber', t('register.f.partnerNumber'))}</div>
        <div class="form-row">${input('signedAt', t('register.signedAt'), 'signedAt', { type: 'date' })} ${input('signedPlace', t('register.f.signedPlace'))}</div>
        <div class="form-row">${input('cityName', t('register.cityName'), 'city')} ${input('cityPosition', t('register.position'), 'city', {}, false)}</div>
        <div class="form-row">${input('partnerName', t('register.partnerName'), 'partner')} ${input('partnerPosition', t('register.position'), 'partner', {}, false)}</div>
        <${FieldChoices} value=${form.fields} onChange=${(/** @type {string[]} */ fields) => setForm({ ...form, fields })} error=${errors.fields} testid="ag-fields" />
        <${OpdsInput} id="ag-opds" value=${form.opds} onInput=${(/** @type {string} */ opds) => setForm({ ...form, opds })} error=${errors.opds} />
        <div class="form-row">${input('amount', t('register.amount'), 'amount', { inputMode: 'decimal' })} ${input('currency', t('register.currency'), 'currency', { maxLength: 3 })} ${input('source', t('register.valueSource'), 'source')}</div>
        <div><button type="submit" class="primary" disabled=${busy} data-testid="agreement-save">${t('register.save')}</button></div>
      </form>
    </section>`}
  </article>`;
}
