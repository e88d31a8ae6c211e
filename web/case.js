// @ts-check
/** The case list and the case page: details, documents, actions, diagram, timeline and e-mails. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, downloadDocument, errorText, peopleWithRole } from './api.js';
import { Banner, Diagram, html, Loading, StageBadge, useMessages } from './components.js';
import { formatDate, label, t } from './i18n.js';
import { Due } from './inbox.js';
import { COMMENT_REQUIRED, FINAL_STAGES, INSTRUMENTS, STAGES, requiredForSubmit, uploadKinds } from './rules.js';

const PAGE = 25;

export function CaseList({ user }) {
  const [q, setQ] = useState('');
  const [stage, setStage] = useState('');
  const [instrument, setInstrument] = useState('');
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState(/** @type {any} */ (null));
  const m = useMessages();

  function load(/** @type {number} */ at = offset) {
    const p = new URLSearchParams({ limit: String(PAGE), offset: String(at) });
    if (q.trim()) p.set('q', q.trim());
    if (stage) p.set('stage', stage);
    if (instrument) p.set('instrument', instrument);
    api(`/cases?${p}`).then(setData, m.fail);
  }
  useEffect(() => load(offset), [stage, instrument, offset]);

  const isAuditor = user.roles.includes('auditor') || user.roles.includes('admin');
  return html`<section aria-labelledby="cases-title" data-testid="case-list">
    <div class="page-head">
      <h1 id="cases-title">${t('cases.title')}</h1>
      ${user.roles.includes('proposer') && html`<a class="button primary" href="#/new" data-testid="new-case">${t('nav.new')}</a>`}
    </div>
    ${m.view()}
    <form
      class="filters"
      role="search"
      onSubmit=${(e) => {
        e.preventDefault();
        setOffset(0);
        load(0);
      }}
    >
      <label>${t('cases.search')}
        <input type="search" value=${q} placeholder=${t('cases.searchPlaceholder')} onInput=${(e) => setQ(e.currentTarget.value)} />
      </label>
      <label>${t('inbox.filter.stage')}
        <select value=${stage} onChange=${(e) => (setStage(e.currentTarget.value), setOffset(0))}>
          <option value="">${t('inbox.filter.all')}</option>
          ${STAGES.map((s) => html`<option value=${s}>${label('stage', s)}</option>`)}
        </select>
      </label>
      <label>${t('inbox.filter.instrument')}
        <select value=${instrument} onChange=${(e) => (setInstrument(e.currentTarget.value), setOffset(0))}>
          <option value="">${t('inbox.filter.all')}</option>
          ${INSTRUMENTS.map((s) => html`<option value=${s}>${label('instrument', s)}</option>`)}
        </select>
      </label>
      <button type="submit">${t('cases.search')}</button>
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
            (c) => html`<tr key=${c.id} data-testid="case-row" data-case-id=${c.id}>
              <td data-label=${t('case.number')}><a href=${`#/cases/${encodeURIComponent(c.id)}`}>${c.number}</a></td>
              <td data-label=${t('inbox.col.case')}>
                <a href=${`#/cases/${encodeURIComponent(c.id)}`} class="case-title">${c.title}</a>
                <div class="muted small">${c.partner?.name}</div>
              </td>
              <td data-label=${t('case.instrument')}>${label('instrumentShort', c.instrument)}</td>
              <td data-label=${t('case.stage')}><${StageBadge} stage=${c.stage} /></td>
              ${isAuditor && html`<td class="actions"><a href=${`#/audit/${encodeURIComponent(c.id)}`} data-testid="audit-link">${t('cases.audit')}</a></td>`}
            </tr>`,
          )}
        </tbody>
      </table>
      <div class="pager">
        <span class="muted">${t('cases.total', { n: data.total })}</span>
        <button type="button" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>${t('cases.prev')}</button>
        <button type="button" disabled=${offset + PAGE >= data.total} onClick=${() => setOffset(offset + PAGE)}>${t('cases.next')}</button>
      </div>`}
  </section>`;
}

/** Loads everything the case page shows; parts the user may not read come back as null. */
async function loadCase(/** @type {string} */ id) {
  const enc = encodeURIComponent(id);
  const soft = (/** @type {Promise<any>} */ p) => p.catch((e) => (e instanceof ApiError && (e.status === 403 || e.status === 404) ? null : Promise.reject(e)));
  const [c, documents, history, notifications, tasks] = await Promise.all([
    api(`/cases/${enc}`),
    soft(api(`/cases/${enc}/documents`)),
    soft(api(`/cases/${enc}/history`)),
    soft(api(`/cases/${enc}/notifications`)),
    api(`/tasks?caseId=${enc}`),
  ]);
  const list = (/** @type {any} */ x) => (x === null ? null : Array.isArray(x) ? x : (x.items ?? []));
  return { c, documents: list(documents), history: list(history), notifications: list(notifications), tasks: tasks.items };
}

export function CasePage({ id, user, people, route }) {
  const [data, setData] = useState(/** @type {Awaited<ReturnType<typeof loadCase>>|null} */ (null));
  const [loadError, setLoadError] = useState(/** @type {string|null} */ (null));
  const m = useMessages();
  const reload = () =>
    loadCase(id).then(
      (d) => (setData(d), setLoadError(null)),
      (e) => setLoadError(errorText(e)),
    );
  useEffect(() => {
    reload();
  }, [id]);

  if (loadError && !data) return html`<${Banner} text=${loadError} />`;
  if (!data) return html`<${Loading} />`;
  const { c } = data;
  const who = (/** @type {string|null|undefined} */ uid) => (uid ? (people[uid] ?? uid) : t('none'));
  const isProposer = user.roles.includes('proposer') && c.proposerId === user.id;
  const kinds = uploadKinds(c, user);
  const focusTask = route.query.get('task');

  return html`<article class="case" data-testid="case-page" data-case-id=${c.id} data-stage=${c.stage} data-version=${c.version}>
    <div class="page-head">
      <div>
        <p class="muted small">${c.number} · ${label('instrument', c.instrument)}</p>
        <h1 data-testid="case-title">${c.title}</h1>
      </div>
      <div class="head-actions">
        <${StageBadge} stage=${c.stage} />
        ${(user.roles.includes('auditor') || user.roles.includes('admin')) && html`<a class="button" href=${`#/audit/${encodeURIComponent(c.id)}`} data-testid="audit-link">${t('case.auditLink')}</a>`}
      </div>
    </div>
    ${m.view()}
    <div class="case-grid">
      <div class="case-main">
        ${data.tasks.map(
          (task) =>
            html`<${TaskPanel} key=${task.id} task=${task} user=${user} who=${who} focus=${focusTask === task.id || data.tasks.length === 1} messages=${m} reload=${reload} />`,
        )}
        ${isProposer && html`<${ProposerPanel} c=${c} documents=${data.documents ?? []} messages=${m} reload=${reload} />`}

        <section class="card" aria-labelledby="details-title">
          <h2 id="details-title">${t('case.details')}</h2>
          <dl class="details">
            <dt>${t('case.partner')}</dt><dd data-testid="case-partner">${c.partner.name}${c.partner.country ? ` (${c.partner.country})` : ''}</dd>
            <dt>${t('case.category')}</dt><dd>${label('category', c.partner.category)}</dd>
            <dt>${t('case.instrument')}</dt><dd>${label('instrument', c.instrument)}</dd>
            <dt>${t('case.stage')}</dt><dd data-testid="case-stage">${label('stage', c.stage)}</dd>
            ${c.openTasks.length > 0 &&
            html`<dt>${t('case.openTasks')}</dt>
              <dd>
                ${c.openTasks.map(
                  (x) => html`<div>${label('role', x.role)}${x.assigneeId ? ` — ${t('case.claimedBy', { who: who(x.assigneeId) })}` : ''} · <${Due} task=${x} /></div>`,
                )}
              </dd>`}
            <dt>${t('case.proposer')}</dt><dd>${who(c.proposerId)}</dd>
            <dt>${t('case.dprd')}</dt><dd>${c.requiresDprdApproval ? t('case.yes') : t('case.no')}</dd>
            <dt>${t('case.validity')}</dt><dd>${formatDate(c.validFrom)} – ${formatDate(c.validUntil)}</dd>
            <dt>${t('case.workflow')}</dt><dd>${c.workflow.name} v${c.workflow.version}</dd>
            ${c.summary && html`<dt>${t('case.summary')}</dt><dd class="prewrap">${c.summary}</dd>`}
          </dl>
        </section>

        <section class="card" aria-labelledby="docs-title">
          <h2 id="docs-title">${t('case.documents')}</h2>
          <${Documents} documents=${data.documents} who=${who} messages=${m} />
          ${kinds.length > 0 && html`<${UploadForm} c=${c} kinds=${kinds} documents=${data.documents ?? []} isProposer=${isProposer} messages=${m} reload=${reload} />`}
        </section>

        <section class="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title">${t('case.timeline')}</h2>
          <${Timeline} events=${data.history} who=${who} />
        </section>
      </div>
      <aside class="case-side">
        <section class="card" aria-labelledby="diagram-title">
          <h2 id="diagram-title">${t('case.diagram')}</h2>
          <${Diagram} name=${c.workflow.name} version=${c.workflow.version} stage=${c.stage} caseId=${c.id} />
        </section>
        <section class="card" aria-labelledby="mail-title">
          <h2 id="mail-title">${t('case.notifications')}</h2>
          <${Notifications} items=${data.notifications} />
        </section>
      </aside>
    </div>
  </article>`;
}

/** Decision buttons, comment and claim for one open task the user may act on. */
function TaskPanel({ task, user, who, focus, messages, reload }) {
  const [comment, setComment] = useState('');
  const [reviewers, setReviewers] = useState(/** @type {string[]} */ ([]));
  const [delegateTo, setDelegateTo] = useState('');
  const [localError, setLocalError] = useState(/** @type {string|null} */ (null));
  const [busy, setBusy] = useState(false);
  const ref = useRef(/** @type {HTMLElement|null} */ (null));
  useEffect(() => {
    if (focus) ref.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  async function post(/** @type {string} */ path, /** @type {any} */ body, /** @type {(res: any) => void} */ then) {
    setBusy(true);
    messages.clear();
    try {
      const res = await api(`/tasks/${encodeURIComponent(task.id)}/${path}`, { method: 'POST', body });
      then(res);
    } catch (e) {
      messages.fail(e);
    } finally {
      setBusy(false);
      await reload();
    }
  }

  function decide(/** @type {string} */ decision) {
    setLocalError(null);
    if (COMMENT_REQUIRED.includes(decision) && !comment.trim()) {
      setLocalError(t('case.commentRequired'));
      document.getElementById(`comment-${task.id}`)?.focus();
      return;
    }
    const assign = task.stage === 'administrative_check' && decision === 'approve' && reviewers.length ? { reviewers } : {};
    post('complete', { decision, ...(comment.trim() ? { comment: comment.trim() } : {}), ...assign }, (res) => {
      setComment('');
      setReviewers([]);
      messages.ok(t('case.decided', { decision: label('decision', decision), stage: label('stage', res.case.stage) }));
    });
  }

  function delegate(/** @type {Event} */ ev) {
    ev.preventDefault();
    if (!delegateTo) return;
    post('delegate', { userId: delegateTo }, () => {
      messages.ok(t('task.delegated', { who: who(delegateTo) }));
      setDelegateTo('');
    });
  }

  // Who may hand the task on: its assignee, an admin, or a holder of its role while nobody holds it (as the API decides).
  const mayDelegate = task.assigneeId === user.id || user.roles.includes('admin') || (!task.assigneeId && user.roles.includes(task.role));
  const cid = `comment-${task.id}`;
  return html`<section class="card action-panel" ref=${ref} aria-labelledby=${`task-${task.id}`} data-testid="task-panel" data-task-id=${task.id}>
    <div class="panel-head">
      <h2 id=${`task-${task.id}`}>${t('case.action')}: ${label('stage', task.stage)}</h2>
      <${Due} task=${task} />
    </div>
    <p class="muted small">
      ${task.assigneeId ? t('case.claimedBy', { who: task.assigneeId === user.id ? t('inbox.me') : who(task.assigneeId) }) : t('inbox.unassigned')}
      ${' '}
      ${!task.assigneeId && html`<button type="button" class="small-button" disabled=${busy} onClick=${() => post('claim', {}, () => messages.ok(t('task.claimed')))} data-testid="claim">${t('task.claim')}</button>`}
      ${task.assigneeId === user.id && html`<button type="button" class="small-button" disabled=${busy} onClick=${() => post('unclaim', {}, () => messages.ok(t('task.unclaimed')))} data-testid="unclaim">${t('task.unclaim')}</button>`}
    </p>
    ${mayDelegate && html`<${DelegateForm} task=${task} user=${user} value=${delegateTo} onChange=${setDelegateTo} onSubmit=${delegate} busy=${busy} />`}
    ${task.decisions.includes('sign') && html`<p class="hint">${t('case.signHint')}</p>`}
    ${task.stage === 'administrative_check' && html`<${ReviewerPicker} value=${reviewers} onChange=${setReviewers} />`}
    <label for=${cid}>${t('case.comment')}</label>
    <textarea id=${cid} rows="3" value=${comment} onInput=${(e) => setComment(e.currentTarget.value)} data-testid="decision-comment" aria-describedby=${localError ? `${cid}-err` : undefined}></textarea>
    ${localError && html`<p id=${`${cid}-err`} class="field-error" role="alert" data-testid="comment-error">${localError}</p>`}
    <div class="button-row">
      ${task.decisions.map(
        (d) => html`<button type="button" class=${d === 'approve' || d === 'sign' ? 'primary' : d === 'reject' ? 'danger' : ''} disabled=${busy} onClick=${() => decide(d)} data-testid=${`decide-${d}`}>
          ${label('decision', d)}
        </button>`,
      )}
    </div>
  </section>`;
}

/**
 * The secretariat's choice of Tim Teknis members when it approves the administrative check: one
 * technical review task each. None chosen means one task for the whole role.
 */
function ReviewerPicker({ value, onChange }) {
  const [people, setPeople] = useState(/** @type {{id: string, name: string}[]|null} */ (null));
  useEffect(() => {
    peopleWithRole('technical_reviewer').then(setPeople, () => setPeople([]));
  }, []);
  const toggle = (/** @type {string} */ id) => onChange(value.includes(id) ? value.filter((x) => x !== id) : [...value, id]);
  return html`<fieldset class="reviewer-picker" data-testid="reviewer-picker">
    <legend>${t('case.reviewers')}</legend>
    <p class="hint">${t('case.reviewersHint')}</p>
    ${people === null && html`<${Loading} />`}
    ${people?.length === 0 && html`<p class="muted">${t('case.reviewersNone')}</p>`}
    ${people?.map(
      (p) => html`<label class="check" key=${p.id}>
        <input type="checkbox" checked=${value.includes(p.id)} onChange=${() => toggle(p.id)} data-testid=${`reviewer-${p.id}`} /> ${p.name}
      </label>`,
    )}
  </fieldset>`;
}

/** Hands the task to a colleague holding its role. */
function DelegateForm({ task, user, value, onChange, onSubmit, busy }) {
  const [people, setPeople] = useState(/** @type {{id: string, name: string}[]} */ ([]));
  useEffect(() => {
    peopleWithRole(task.role).then((all) => setPeople(all.filter((p) => p.id !== task.assigneeId && p.id !== user.id)), () => setPeople([]));
  }, [task.role, task.assigneeId]);
  if (people.length === 0) return null;
  const sid = `delegate-${task.id}`;
  return html`<form class="delegate-form" onSubmit=${onSubmit} data-testid="delegate-form">
    <label for=${sid}>${t('task.delegateTo')}</label>
    <select id=${sid} value=${value} onChange=${(e) => onChange(e.currentTarget.value)} data-testid="delegate-to">
      <option value="">${t('task.delegateChoose')}</option>
      ${people.map((p) => html`<option value=${p.id} key=${p.id}>${p.name}</option>`)}
    </select>
    <button type="submit" class="small-button" disabled=${busy || !value} data-testid="delegate">${t('task.delegate')}</button>
  </form>`;
}

/** Submit / resubmit / withdraw for the case's own proposer. */
function ProposerPanel({ c, documents, messages, reload }) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const required = requiredForSubmit(c.instrument, c.partner.category);
  const have = new Set(documents.map((d) => d.kind));
  const canSubmit = c.stage === 'proposal';
  const canResubmit = c.stage === 'revision';
  const canWithdraw = !FINAL_STAGES.includes(c.stage);
  if (!canSubmit && !canResubmit && !canWithdraw) return null;

  async function send(/** @type {string} */ type) {
    if (type === 'WITHDRAW' && !window.confirm(t('case.withdrawConfirm'))) return;
    setBusy(true);
    messages.clear();
    try {
      const res = await api(`/cases/${encodeURIComponent(c.id)}/events`, { body: { type, ...(comment.trim() ? { comment: comment.trim() } : {}) } });
      setComment('');
      messages.ok(t('case.sent', { stage: label('stage', res.stage ?? res.case?.stage) }));
    } catch (e) {
      const missing = e instanceof ApiError ? e.body?.missingDocuments : null;
      if (Array.isArray(missing) && missing.length) messages.fail(new Error(t('case.missing', { kinds: missing.map((k) => label('kind', k)).join(', ') })));
      else messages.fail(e);
    } finally {
      setBusy(false);
      await reload();
    }
  }

  return html`<section class="card action-panel" aria-labelledby="proposer-title" data-testid="proposer-panel">
    <h2 id="proposer-title">${t('case.proposerActions')}</h2>
    ${canSubmit &&
    html`<p class="small">
      ${t('case.required', { kinds: '' })}
      ${required.map((k) => html`<span class=${have.has(k) ? 'chip chip-ok' : 'chip'} data-testid=${`required-${k}`}>${have.has(k) ? '✓ ' : ''}${label('kind', k)}</span>`)}
    </p>`}
    ${(canSubmit || canResubmit) &&
    html`<label for="proposer-comment">${t('case.comment')}</label>
      <textarea id="proposer-comment" rows="2" value=${comment} onInput=${(e) => setComment(e.currentTarget.value)}></textarea>`}
    <div class="button-row">
      ${canSubmit && html`<button type="button" class="primary" disabled=${busy} onClick=${() => send('SUBMIT')} data-testid="submit-case">${t('case.submit')}</button>`}
      ${canResubmit && html`<button type="button" class="primary" disabled=${busy} onClick=${() => send('RESUBMIT')} data-testid="resubmit-case">${t('case.resubmit')}</button>`}
      ${canWithdraw && html`<button type="button" class="danger" disabled=${busy} onClick=${() => send('WITHDRAW')} data-testid="withdraw-case">${t('case.withdraw')}</button>`}
    </div>
  </section>`;
}

function Documents({ documents, who, messages }) {
  if (documents === null) return html`<p class="muted">${t('case.noHistory')}</p>`;
  if (!documents.length) return html`<p class="muted">${t('case.noDocuments')}</p>`;
  return html`<ul class="doc-list" data-testid="documents">
    ${documents.map(
      (d) => html`<li key=${d.id} data-testid="document" data-kind=${d.kind}>
        <div>
          <strong>${label('kind', d.kind)}</strong> <span class="muted">${t('tl.version', { v: d.version })}</span>
          <div class="muted small">${d.name} · ${Math.max(1, Math.round(d.size / 1024))} KB · ${who(d.uploadedBy)} · ${formatDate(d.uploadedAt, true)}</div>
        </div>
        <button type="button" class="small-button" onClick=${() => downloadDocument(d).catch(messages.fail)} aria-label=${`${t('case.download')} ${label('kind', d.kind)} ${d.version}`}>${t('case.download')}</button>
      </li>`,
    )}
  </ul>`;
}

function UploadForm({ c, kinds, documents, isProposer, messages, reload }) {
  const have = new Set(documents.map((d) => d.kind));
  const firstMissing = isProposer ? requiredForSubmit(c.instrument, c.partner.category).find((k) => !have.has(k)) : undefined;
  const preferred = firstMissing ?? (kinds.includes('signed') ? 'signed' : kinds[0]);
  const [kind, setKind] = useState(preferred);
  const [busy, setBusy] = useState(false);
  const fileRef = useRef(/** @type {HTMLInputElement|null} */ (null));
  useEffect(() => setKind(preferred), [preferred, c.stage]);

  async function upload(/** @type {Event} */ ev) {
    ev.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) {
      messages.fail(new Error(t('case.upload.pick')));
      return;
    }
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', file);
    setBusy(true);
    messages.clear();
    try {
      const doc = await api(`/cases/${encodeURIComponent(c.id)}/documents`, { form });
      messages.ok(t('case.upload.done', { kind: label('kind', doc.kind), version: doc.version }));
      if (fileRef.current) fileRef.current.value = '';
    } catch (e) {
      messages.fail(e);
    } finally {
      setBusy(false);
      await reload();
    }
  }

  return html`<form class="upload-form" onSubmit=${upload} data-testid="upload-form">
    <h3>${t('case.upload')}</h3>
    <div class="form-row">
      <label>${t('case.upload.kind')}
        <select value=${kind} onChange=${(e) => setKind(e.currentTarget.value)} data-testid="upload-kind">
          ${kinds.map((k) => html`<option value=${k}>${label('kind', k)}</option>`)}
        </select>
      </label>
      <label>${t('case.upload.file')}
        <input type="file" ref=${fileRef} accept="application/pdf,.pdf,.docx,.odt,.png,.jpg,.jpeg" data-testid="upload-file" />
      </label>
      <button type="submit" disabled=${busy} data-testid="upload-submit">${t('case.upload.submit')}</button>
    </div>
  </form>`;
}

function Timeline({ events, who }) {
  if (events === null) return html`<p class="muted">${t('case.noHistory')}</p>`;
  return html`<ol class="timeline" data-testid="timeline">
    ${events.map((e) => {
      const d = e.data ?? {};
      const docs = [...(d.document ? [d.document] : []), ...(Array.isArray(d.documents) ? d.documents : [])];
      return html`<li key=${e.seq} data-testid="timeline-event" data-seq=${e.seq} data-type=${e.type}>
        <div class="tl-head">
          <span class="tl-seq">#${e.seq}</span>
          <strong>${label('event', e.type)}</strong>
          ${d.decision && html` · <span data-testid="tl-decision">${label('decision', d.decision)}</span>`}
          <span class="muted small"> ${t('tl.by', { who: who(e.actor?.id) })}${e.actor?.roles?.length ? ` (${e.actor.roles.map((r) => label('role', r)).join(', ')})` : ''} · <time datetime=${e.at}>${formatDate(e.at, true)}</time></span>
        </div>
        ${e.stageBefore && e.stageBefore !== e.stageAfter && html`<div class="small">${t('tl.stage', { from: label('stage', e.stageBefore), to: label('stage', e.stageAfter) })}</div>`}
        ${d.comment && html`<blockquote class="tl-comment prewrap" data-testid="tl-comment">${d.comment}</blockquote>`}
        ${docs.map((doc) => html`<div class="small">${t('tl.document')}: ${label('kind', doc.kind)}${doc.version ? `, ${t('tl.version', { v: doc.version })}` : ''}</div>`)}
      </li>`;
    })}
  </ol>`;
}

function Notifications({ items }) {
  if (items === null) return html`<p class="muted">${t('case.noHistory')}</p>`;
  if (!items.length) return html`<p class="muted">${t('case.noNotifications')}</p>`;
  return html`<ul class="mail-list" data-testid="notifications">
    ${items.map(
      (n, i) => html`<li key=${i}>
        <div><strong>${n.subject}</strong></div>
        <div class="muted small">${t('notif.to')}: ${n.to} · ${n.kind} · ${n.status ?? ''} ${n.sentAt ? `· ${formatDate(n.sentAt, true)}` : ''}</div>
      </li>`,
    )}
  </ul>`;
}

