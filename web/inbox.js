// @ts-check
/**
 * The inbox: open tasks the user may act on, overdue first, with claim/unclaim and filters. The
 * filters live in the address (`/inbox?stage=legal_review&instrument=pks`): a link or reload keeps them.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { html, Loading, StageBadge, TaskAge, useMessages } from './components.js';
import { formatDate, label, t } from './i18n.js';
import { INSTRUMENTS, TASK_STAGES } from './rules.js';
import { navigate, withQuery } from './router.js';

/** Due first; tasks without a due time last. */
export function byDue(/** @type {any} */ a, /** @type {any} */ b) {
  if (!a.dueAt && !b.dueAt) return 0;
  if (!a.dueAt) return 1;
  if (!b.dueAt) return -1;
  return a.dueAt.localeCompare(b.dueAt);
}

export function isOverdue(/** @type {{dueAt?: string|null}} */ task) {
  return !!task.dueAt && new Date(task.dueAt).getTime() < Date.now();
}

/** @param {{task: import('./api.js').Task}} props */
export function Due({ task }) {
  if (!task.dueAt) return html`<span class="muted">${t('none')}</span>`;
  const late = isOverdue(task);
  const days = typeof task.workingDaysLeft === 'number' ? task.workingDaysLeft : null;
  const left =
    days === null ? '' : days > 0 ? t('due.daysLeft', { n: days }) : days === 0 ? t('due.today') : t('due.daysLate', { n: -days });
  return html`<span class=${late ? 'due overdue' : 'due'}>
    <time datetime=${task.dueAt}>${formatDate(task.dueAt, true)}</time>${late && html` <strong class="overdue-tag">${t('overdue')}</strong>`}
    ${left && html`<span class="muted small" data-testid="working-days-left"> · ${left}</span>`}
  </span>`;
}

/** @param {{user: import('./api.js').User, people: import('./api.js').People, route: import('./router.js').Route}} props */
export function Inbox({ user, people, route }) {
  const [tasks, setTasks] = useState(/** @type {any[]|null} */ (null));
  const [cases, setCases] = useState(/** @type {Record<string, any>} */ ({}));
  const stageParam = route.query.get('stage') ?? '';
  const instrumentParam = route.query.get('instrument') ?? '';
  const stage = TASK_STAGES.includes(stageParam) ? stageParam : '';
  const instrument = INSTRUMENTS.includes(instrumentParam) ? instrumentParam : '';
  const setFilter = (/** @type {string} */ name) => (/** @type {any} */ e) => navigate(withQuery({ [name]: e.currentTarget.value }));
  const [busy, setBusy] = useState(false);
  const m = useMessages();

  async function load() {
    const res = await api('/tasks');
    // Partners' offers at intake come last, as their own group (contract §11): a flood of them hides no other work.
    const offers = (/** @type {any} */ x) => (x.group === 'offers' ? 1 : 0);
    const items = [...res.items].sort((a, b) => offers(a) - offers(b) || byDue(a, b));
    setTasks(items);
    // Partner and instrument come with the case; fetch the cases the inbox shows.
    const missing = [...new Set(items.map((x) => x.caseId))].filter((id) => !cases[id]);
    const loaded = await Promise.all(missing.map((id) => api(`/cases/${encodeURIComponent(id)}`).catch(() => null)));
    setCases((prev) => ({ ...prev, ...Object.fromEntries(loaded.filter(Boolean).map((c) => [c.id, c])) }));
  }

  useEffect(() => {
    load().catch(m.fail);
  }, []);

  async function act(/** @type {any} */ task, /** @type {'claim'|'unclaim'} */ what) {
    setBusy(true);
    try {
      await api(`/tasks/${encodeURIComponent(task.id)}/${what}`, { method: 'POST', body: {} });
      m.ok(t(what === 'claim' ? 'task.claimed' : 'task.unclaimed'));
    } catch (e) {
      m.fail(e);
    } finally {
      await load().catch(() => {});
      setBusy(false);
    }
  }

  const shown = (tasks ?? []).filter((x) => (!stage || x.stage === stage) && (!instrument || cases[x.caseId]?.instrument === instrument));

  return html`<section aria-labelledby="inbox-title" data-testid="inbox">
    <div class="page-head">
      <h1 id="inbox-title">${t('inbox.title')}</h1>
      <button type="button" onClick=${() => load().catch(m.fail)}>${t('refresh')}</button>
    </div>
    ${m.view()}
    <div class="filters">
      <label>${t('inbox.filter.stage')}
        <select value=${stage} onChange=${setFilter('stage')} data-testid="filter-stage">
          <option value="">${t('inbox.filter.all')}</option>
          ${TASK_STAGES.map((s) => html`<option value=${s}>${label('stage', s)}</option>`)}
        </select>
      </label>
      <label>${t('inbox.filter.instrument')}
        <select value=${instrument} onChange=${setFilter('instrument')} data-testid="filter-instrument">
          <option value="">${t('inbox.filter.all')}</option>
          ${INSTRUMENTS.map((s) => html`<option value=${s}>${label('instrument', s)}</option>`)}
        </select>
      </label>
    </div>
    ${tasks === null && html`<${Loading} />`}
    ${tasks && shown.length === 0 && html`<p class="empty">${t('inbox.empty')}</p>`}
    ${shown.length > 0 &&
    html`<table class="table inbox-table">
      <thead>
        <tr>
          <th scope="col">${t('inbox.col.number')}</th>
          <th scope="col">${t('inbox.col.case')}</th>
          <th scope="col">${t('inbox.col.stage')}</th>
          <th scope="col">${t('inbox.col.due')}</th>
          <th scope="col">${t('inbox.col.assignee')}</th>
          <th scope="col"><span class="visually-hidden">${t('inbox.col.actions')}</span></th>
        </tr>
      </thead>
      <tbody>
        ${shown.map((task, i) => {
          const c = cases[task.caseId];
          const groupHead =
            task.group === 'offers' && shown[i - 1]?.group !== 'offers'
              ? html`<tr key="group-offers" class="group-row" data-testid="inbox-group-offers"><th colspan="6" scope="colgroup">${t('inbox.group.offers', { n: shown.filter((x) => x.group === 'offers').length })}</th></tr>`
              : null;
          const href = `/cases/${encodeURIComponent(task.caseId)}?task=${encodeURIComponent(task.id)}`;
          return html`${groupHead}<tr key=${task.id} data-testid="task-row" data-case-id=${task.caseId} data-task-id=${task.id} class=${isOverdue(task) ? 'row-overdue' : ''}>
            <td data-label=${t('inbox.col.number')}><a href=${href} data-testid="task-open">${task.case?.number ?? task.caseId}</a></td>
            <td data-label=${t('inbox.col.case')}>
              <a href=${href} class="case-title">${task.case?.title ?? ''}</a>
              ${c && html`<div class="muted small">${c.partner?.name} · ${label('instrumentShort', c.instrument)}</div>`}
            </td>
            <td data-label=${t('inbox.col.stage')}><${StageBadge} stage=${task.stage} /><div class="small"><${TaskAge} task=${task} /></div></td>
            <td data-label=${t('inbox.col.due')}><${Due} task=${task} /></td>
            <td data-label=${t('inbox.col.assignee')}>
              ${task.assigneeId ? (task.assigneeId === user.id ? t('inbox.me') : (people[task.assigneeId] ?? task.assigneeId)) : html`<span class="muted">${t('inbox.unassigned')}</span>`}
            </td>
            <td class="actions">
              ${!task.assigneeId && html`<button type="button" disabled=${busy} onClick=${() => act(task, 'claim')} data-testid="claim">${t('task.claim')}</button>`}
              ${task.assigneeId === user.id && html`<button type="button" disabled=${busy} onClick=${() => act(task, 'unclaim')} data-testid="unclaim">${t('task.unclaim')}</button>`}
            </td>
          </tr>`;
        })}
      </tbody>
    </table>`}
  </section>`;
}
