// @ts-check
/** The case page: details, documents, actions, diagram, timeline and e-mails (the list is in case-list.js). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, downloadDocument, errorText, peopleWithRole } from './api.js';
import { Banner, Diagram, html, Loading, StageBadge, TaskAge, useMessages } from './components.js';
import { formatDate, formatWhen, label, t } from './i18n.js';
import { Due } from './inbox.js';
import { ASSIGNEE_RULES, COMMENT_REQUIRED, FINAL_STAGES, requiredForSubmit, signRequirement, uploadKinds, versionRules } from './rules.js';
import { EvaluationConclusionForm, EvaluationReportForm, ParentAgreement } from './after-signing.js';
import { formatMoney } from './agreements.js';
import { Discussion } from './discussion.js';
import { fieldLabel } from './fields.js';
import { SIGNING } from '/labels.js';

/** @typedef {import('./api.js').Task} Task */
/** @typedef {import('./api.js').User} User */
/** @typedef {import('./components.js').Messages} Messages */
/** Names a user by id (the directory's name, else the id). @typedef {(uid: string|null|undefined) => string} Who */
/** A case document as the API lists it (cases, history and mails are read loosely, as the server gives them). @typedef {{id: string, kind: string} & Record<string, any>} CaseDocument */

/** Loads everything the case page shows; parts the user may not read come back as null. */
async function loadCase(/** @type {string} */ id) {
  const enc = encodeURIComponent(id);
  const soft = (/** @type {Promise<any>} */ p) => p.catch((e) => (e instanceof ApiError && (e.status === 403 || e.status === 404) ? null : Promise.reject(e)));
  const [c, documents, history, notifications, tasks, comments] = await Promise.all([
    api(`/cases/${enc}`),
    soft(api(`/cases/${enc}/documents`)),
    soft(api(`/cases/${enc}/history`)),
    soft(api(`/cases/${enc}/notifications`)),
    api(`/tasks?caseId=${enc}`),
    soft(api(`/cases/${enc}/comments`)),
  ]);
  const list = (/** @type {any} */ x) => (x === null ? null : Array.isArray(x) ? x : (x.items ?? []));
  return { c, documents: list(documents), history: list(history), notifications: list(notifications), tasks: tasks.items, comments: list(comments) };
}


/** The workflow a case runs on, as a person names it: "Prosedur kerja sama, versi 2". */
export function workflowName(/** @type {{name: string, version: number}} */ w) {
  return t('workflow.version', { name: label('workflow', w.name), version: w.version });
}


/**
 * Why the server refused a step, in the user's language: a 409 InvalidTransition carries the stage
 * and, when documents are the reason, `missingDocuments`. Null for any other error.
 */
function refusalText(/** @type {unknown} */ e) {
  // The e-signature's failure (contract §12): its reason in the user's language, beside the form.
  if (e instanceof ApiError && (e.body?.code === 'SigningFailed' || e.body?.code === 'SigningRefused') && typeof e.body.reason === 'string') {
    return t(`signing.${e.body.reason}`, { status: typeof e.body.certificateStatus === 'string' ? e.body.certificateStatus : t('none') }, t('err.outside'));
  }
  if (!(e instanceof ApiError) || e.status !== 409 || e.body?.code !== 'InvalidTransition') return null;
  const missing = Array.isArray(e.body.missingDocuments) ? e.body.missingDocuments.map(String) : [];
  if (missing.length === 1 && missing[0] === 'signed') return t('case.sign.needsCopy');
  if (missing.length) return t('case.missing', { kinds: missing.map((/** @type {string} */ k) => label('kind', k)).join(', ') });
  return typeof e.body.stage === 'string' ? t('case.refused.stage', { stage: label('stage', e.body.stage) }) : t('case.refused');
}

/** An upload's failure in words, beside the form that was used. */
function uploadErrorText(/** @type {unknown} */ e, /** @type {string} */ stage) {
  if (e instanceof ApiError) {
    if (e.status === 415) return t('case.upload.badType');
    if (e.status === 413) return t('case.upload.tooBig');
    if (e.status === 403) return t('case.upload.notYours');
    if (e.status === 409 && e.body?.code === 'InvalidTransition') return t('case.upload.notNow', { stage: label('stage', e.body.stage ?? stage) });
  }
  return errorText(e);
}

/** A message kind as a label; escalations name their level ("escalation" with `level`, or the older `escalation_2`). */
export function messageLabel(/** @type {{kind: string, level?: number|null}} */ n) {
  const old = /^escalation_(\d+)$/.exec(n.kind);
  const kind = old ? 'escalation' : n.kind;
  const level = old ? Number(old[1]) : n.level;
  const base = label('message', kind);
  return kind === 'escalation' && typeof level === 'number' && level > 0 ? t('notif.level', { kind: base, level }) : base;
}

/** @param {{id: string, user: User, people: import('./api.js').People, route: import('./router.js').Route}} props */
export function CasePage({ id, user, people, route }) {
  const [data, setData] = useState(/** @type {Awaited<ReturnType<typeof loadCase>>|null} */ (null));
  const [loadError, setLoadError] = useState(/** @type {string|null} */ (null));
  const [signNeeds, setSignNeeds] = useState(/** @type {{kind: string, uploadedAt: string}|null} */ (null));
  const m = useMessages();
  const reload = () =>
    loadCase(id).then(
      (d) => (setData(d), setLoadError(null)),
      (e) => setLoadError(errorText(e)),
    );
  useEffect(() => {
    reload();
  }, [id]);
  const wf = data?.c.workflow;
  useEffect(() => {
    if (wf) signRequirement(wf.name, wf.version).then(setSignNeeds, () => setSignNeeds(null));
  }, [wf?.name, wf?.version]);
  // The case's own version's document rules: an addendum or an evaluation uploads other kinds than a proposal.
  const [rules, setRules] = useState(/** @type {import('./rules.js').VersionRules|null} */ (null));
  useEffect(() => {
    if (wf) versionRules(wf.name, wf.version).then(setRules, () => setRules(null));
  }, [wf?.name, wf?.version]);

  if (loadError && !data) return html`<${Banner} text=${loadError} />`;
  if (!data) return html`<${Loading} />`;
  const { c } = data;
  const who = (/** @type {string|null|undefined} */ uid) => (uid ? (people[uid] ?? uid) : t('none'));
  const isProposer = user.roles.includes('proposer') && c.proposerId === user.id;
  // Until its own rules arrive, a case of another workflow offers no upload rather than a proposal's kinds.
  const kinds = rules || c.workflow.name === 'cooperation' ? uploadKinds(c, user, rules) : [];
  // `?task=` from a message's link (hash route today, path route later: both give route.query).
  const focusTask = route.query?.get('task') ?? null;
  const linkedGone = focusTask && !data.tasks.some((/** @type {Task} */ x) => x.id === focusTask) && !c.openTasks.some((/** @type {any} */ x) => x.id === focusTask);

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
    ${linkedGone && html`<${Banner} kind="info" text=${t('case.taskGone')} testid="task-gone" />`}
    <div class="case-grid">
      <div class="case-main">
        ${data.tasks.map(
          (/** @type {Task} */ task) =>
            html`<${TaskPanel}
              key=${task.id}
              task=${task}
              c=${c}
              documents=${data.documents}
              mayUpload=${kinds}
              signNeeds=${signNeeds}
              user=${user}
              who=${who}
              linked=${focusTask === task.id}
              scrollTo=${focusTask === task.id || (!focusTask && data.tasks.length === 1)}
              messages=${m}
              reload=${reload}
            />`,
        )}
        ${isProposer && c.kind !== 'evaluation' && html`<${ProposerPanel} c=${c} rules=${rules} documents=${data.documents ?? []} messages=${m} reload=${reload} hasRevisionTask=${data.tasks.some((/** @type {Task} */ x) => x.stage === 'revision')} />`}

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
                <ul class="plain open-tasks">
                  ${c.openTasks.map(
                    (/** @type {any} */ x) => html`<li key=${x.id} data-testid="open-task" data-task-id=${x.id} class=${focusTask === x.id ? 'linked' : ''}>
                      <strong>${label('role', x.role)}</strong>${x.assigneeId ? ` — ${t('case.claimedBy', { who: who(x.assigneeId) })}` : ''}
                      <div class="small"><${TaskAge} task=${x} /></div>
                      <div class="small">${t('inbox.col.due')}: <${Due} task=${x} /></div>
                    </li>`,
                  )}
                </ul>
              </dd>`}
            ${c.initiative && c.initiative !== 'opd' && html`<dt>${t('case.initiative')}</dt><dd data-testid="case-initiative">${label('initiative', c.initiative)}</dd>`}
            <dt>${t('case.proposer')}</dt><dd>${String(c.proposerId).startsWith('partner:') ? t('case.partnerProposer', { partner: c.partner.name }) : who(c.proposerId)}</dd>
            <dt>${t('case.dprd')}</dt><dd>${c.requiresDprdApproval ? t('case.yes') : t('case.no')}</dd>
            <dt>${t('case.validity')}</dt><dd>${formatDate(c.validFrom)} – ${formatDate(c.validUntil)}</dd>
            <dt>${t('register.f.fields')}</dt><dd data-testid="case-fields">${c.fields?.length ? c.fields.map((/** @type {string} */ x) => html`<span class="chip">${fieldLabel(x)}</span>`) : t('none')}</dd>
            <dt>${t('register.f.opds')}</dt><dd data-testid="case-opds">${c.opds?.length ? c.opds.join(', ') : t('none')}</dd>
            <dt>${t('register.f.value')}</dt><dd data-testid="case-value">${formatMoney(c.value)}${c.value?.source ? ` · ${c.value.source}` : ''}</dd>
            ${c.partner.contact &&
            html`<dt>${t('case.contact')}</dt>
              <dd data-testid="case-contact">${c.partner.contact.name} · <a href=${`mailto:${c.partner.contact.email}`}>${c.partner.contact.email}</a>${c.partner.contact.phone ? ` · ${c.partner.contact.phone}` : ''}</dd>`}
            <dt>${t('case.workflow')}</dt><dd data-testid="case-workflow">${workflowName(c.workflow)}</dd>
            ${c.summary && html`<dt>${t('case.summary')}</dt><dd class="prewrap">${c.summary}</dd>`}
          </dl>
        </section>

        <section class="card" aria-labelledby="diagram-title">
          <h2 id="diagram-title">${t('case.diagram')}</h2>
          <${Diagram} name=${c.workflow.name} version=${c.workflow.version} stage=${c.stage} caseId=${c.id} />
        </section>

        <section class="card" aria-labelledby="docs-title">
          <h2 id="docs-title">${t('case.documents')}</h2>
          <${Documents} documents=${data.documents} who=${who} messages=${m} />
          ${kinds.length > 0 && html`<${UploadForm} c=${c} kinds=${kinds} rules=${rules} documents=${data.documents ?? []} isProposer=${isProposer} reload=${reload} />`}
        </section>

        <section class="card" aria-labelledby="discussion-title">
          <h2 id="discussion-title">${t('discussion.title')}</h2>
          <${Discussion} c=${c} comments=${data.comments} documents=${data.documents} user=${user} reload=${reload} />
        </section>

        <section class="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title">${t('case.timeline')}</h2>
          <${Timeline} events=${data.history} who=${who} />
        </section>
      </div>
      <aside class="case-side">
        ${c.parentCaseId && html`<${ParentAgreement} c=${c} />`}
        <section class="card" aria-labelledby="mail-title">
          <h2 id="mail-title">${t('case.notifications')}</h2>
          <${Notifications} items=${data.notifications} />
        </section>
      </aside>
    </div>
  </article>`;
}

/**
 * Decision buttons, comment and claim for one open task the user may act on. At the signature
 * stage it asks for the signed copy first, with the upload right here, and keeps Sign unusable until then.
 */
/**
 * @param {{task: Task, c: any, documents: CaseDocument[]|null, mayUpload: string[], signNeeds: {kind: string, uploadedAt: string}|null,
 *   user: User, who: Who, linked: boolean, scrollTo: boolean, messages: Messages, reload: () => Promise<void>}} props
 */
function TaskPanel({ task, c, documents, mayUpload, signNeeds, user, who, linked, scrollTo, messages, reload }) {
  const [comment, setComment] = useState('');
  const [reviewers, setReviewers] = useState(/** @type {string[]} */ ([]));
  const [assignee, setAssignee] = useState('');
  const [delegateTo, setDelegateTo] = useState('');
  const [localError, setLocalError] = useState(/** @type {string|null} */ (null));
  const [refusal, setRefusal] = useState(/** @type {string|null} */ (null));
  const [uploadedHere, setUploadedHere] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const ref = useRef(/** @type {HTMLElement|null} */ (null));
  useEffect(() => {
    if (!scrollTo) return;
    ref.current?.scrollIntoView({ block: linked ? 'start' : 'nearest' });
    // A task opened from a link takes the keyboard focus, so a screen reader starts there.
    if (linked) ref.current?.focus({ preventScroll: true });
  }, [scrollTo, linked]);

  const signs = task.decisions.includes('sign');
  // The proposer's revision task is theirs alone: nobody claims, releases or delegates it.
  const own = task.stage === 'revision';
  // ONEGATE_SIGNING local or bsre: the mayor signs here with a passphrase, nobody uploads a copy.
  const signsHere = Boolean(signs && SIGNING !== 'upload' && signNeeds && c.stage === signNeeds.uploadedAt);
  const needsCopy = Boolean(!signsHere && signs && signNeeds && documents && c.stage === signNeeds.uploadedAt && !documents.some((/** @type {any} */ d) => d.kind === signNeeds.kind));
  const canUploadCopy = Boolean(signNeeds && mayUpload.includes(signNeeds.kind));

  async function post(/** @type {string} */ path, /** @type {any} */ body, /** @type {(res: any) => void} */ then) {
    setBusy(true);
    setRefusal(null);
    messages.clear();
    try {
      const res = await api(`/tasks/${encodeURIComponent(task.id)}/${path}`, { method: 'POST', body });
      then(res);
    } catch (e) {
      const why = refusalText(e);
      if (why) setRefusal(why);
      else messages.fail(e);
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
    // An offer's intake approved names the OPD proposer who carries it on (required by the server too).
    const names = ASSIGNEE_RULES[task.stage]?.decision === decision ? ASSIGNEE_RULES[task.stage] : null;
    if (names && !assignee) {
      setLocalError(t('case.assigneeRequired'));
      document.getElementById(`assignee-${task.id}`)?.focus();
      return;
    }
    if (signsHere && decision === 'sign' && !passphrase) {
      setLocalError(t('case.sign.passphraseRequired'));
      document.getElementById(`passphrase-${task.id}`)?.focus();
      return;
    }
    const assign = task.stage === 'administrative_check' && decision === 'approve' && reviewers.length ? { reviewers } : names ? { assignee } : {};
    const secret = signsHere && decision === 'sign' ? { passphrase } : {};
    // The passphrase is for this one request: the field is emptied whatever the answer.
    setPassphrase('');
    post('complete', { decision, ...(comment.trim() ? { comment: comment.trim() } : {}), ...assign, ...secret }, (res) => {
      setComment('');
      setReviewers([]);
      setAssignee('');
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
  const mayDelegate = !own && (task.assigneeId === user.id || user.roles.includes('admin') || (!task.assigneeId && user.roles.includes(task.role)));
  // An evaluation's report and its conclusion carry more than a comment: their own forms (after-signing.js).
  const ownForm = task.stage === 'evaluation_report' && task.decisions.includes('submit') ? 'report' : task.stage === 'evaluation_conclusion' && task.decisions.includes('approve') ? 'conclusion' : null;
  const cid = `comment-${task.id}`;
  const needId = `needs-copy-${task.id}`;
  return html`<section
    class=${`card action-panel${linked ? ' linked' : ''}`}
    ref=${ref}
    tabindex="-1"
    aria-labelledby=${`task-${task.id}`}
    data-testid="task-panel"
    data-task-id=${task.id}
    data-linked=${linked ? 'true' : undefined}
  >
    ${linked && html`<p class="linked-note small" data-testid="task-linked">${t('case.taskFromLink')}</p>`}
    <div class="panel-head">
      <h2 id=${`task-${task.id}`}>${t('case.action')}: ${label('stage', task.stage)}</h2>
      <${Due} task=${task} />
    </div>
    <p class="small task-meta" data-testid="task-age"><${TaskAge} task=${task} /></p>
    ${own && html`<p class="hint" data-testid="revision-hint">${t('case.revisionHint')}</p>`}
    <p class="muted small" hidden=${own}>
      ${task.assigneeId ? t('case.claimedBy', { who: task.assigneeId === user.id ? t('inbox.me') : who(task.assigneeId) }) : t('inbox.unassigned')}
      ${' '}
      ${!task.assigneeId && html`<button type="button" class="small-button" disabled=${busy} onClick=${() => post('claim', {}, () => messages.ok(t('task.claimed')))} data-testid="claim">${t('task.claim')}</button>`}
      ${task.assigneeId === user.id && html`<button type="button" class="small-button" disabled=${busy} onClick=${() => post('unclaim', {}, () => messages.ok(t('task.unclaimed')))} data-testid="unclaim">${t('task.unclaim')}</button>`}
    </p>
    ${mayDelegate && html`<${DelegateForm} task=${task} user=${user} value=${delegateTo} onChange=${setDelegateTo} onSubmit=${delegate} busy=${busy} />`}
    ${signs && signNeeds && !signsHere && !needsCopy && !uploadedHere && html`<p class="hint" data-testid="sign-ready">${t('case.sign.ready')}</p>`}
    ${signsHere &&
    html`<div class="sign-here" data-testid="sign-form">
      <p class="hint">${t(`case.sign.here.${SIGNING}`)}</p>
      <label for=${`passphrase-${task.id}`}>${t(SIGNING === 'bsre' ? 'case.sign.passphraseBsre' : 'case.sign.passphrase')}</label>
      <input
        id=${`passphrase-${task.id}`}
        type="password"
        autocomplete="off"
        value=${passphrase}
        onInput=${(/** @type {import('./components.js').FieldEvent} */ e) => setPassphrase(e.currentTarget.value)}
        data-testid="sign-passphrase"
      />
    </div>`}
    ${(needsCopy || uploadedHere) &&
    html`<div class=${needsCopy ? 'sign-copy needs' : 'sign-copy'} data-testid="sign-copy">
      ${needsCopy
        ? html`<p id=${needId} class="sign-copy-title" data-testid="sign-needs-copy"><strong>${t('case.sign.needsCopy')}</strong><br /><span class="small">${t('case.sign.needsCopyHint')}</span></p>`
        : null}
      ${canUploadCopy && signNeeds
        ? html`<${UploadForm} c=${c} kinds=${[signNeeds.kind]} documents=${documents ?? []} isProposer=${false} reload=${reload} testid="sign-upload" onUploaded=${() => setUploadedHere(true)} doneText=${t('case.sign.ready')} />`
        : null}
    </div>`}
    ${task.stage === 'administrative_check' && html`<${ReviewerPicker} value=${reviewers} onChange=${setReviewers} />`}
    ${ASSIGNEE_RULES[task.stage] && html`<${AssigneePicker} id=${`assignee-${task.id}`} role=${ASSIGNEE_RULES[task.stage].role} value=${assignee} onChange=${setAssignee} />`}
    ${ownForm === 'report' && html`<${EvaluationReportForm} task=${task} c=${c} messages=${messages} reload=${reload} />`}
    ${ownForm === 'conclusion' && html`<${EvaluationConclusionForm} task=${task} messages=${messages} reload=${reload} />`}
    ${!ownForm &&
    html`<label for=${cid}>${t('case.comment')}</label>
    <textarea id=${cid} rows="3" value=${comment} onInput=${(/** @type {import('./components.js').FieldEvent} */ e) => setComment(e.currentTarget.value)} data-testid="decision-comment" aria-describedby=${localError ? `${cid}-err` : undefined}></textarea>
    ${localError && html`<p id=${`${cid}-err`} class="field-error" role="alert" data-testid="comment-error">${localError}</p>`}
    <div class="button-row">
      ${task.decisions.map(
        (/** @type {string} */ d) => html`<button
          type="button"
          class=${d === 'approve' || d === 'sign' || d === 'resubmit' ? 'primary' : d === 'reject' ? 'danger' : ''}
          disabled=${busy || (d === 'sign' && needsCopy)}
          aria-describedby=${d === 'sign' && needsCopy ? needId : undefined}
          onClick=${() => decide(d)}
          data-testid=${`decide-${d}`}
        >
          ${label('decision', d)}
        </button>`,
      )}
    </div>
    <p class="field-error" role="alert" data-testid="decision-refused" hidden=${!refusal}>${refusal ?? ''}</p>`}
  </section>`;
}

/**
 * The secretariat's choice of Tim Teknis members when it approves the administrative check: one
 * technical review task each. None chosen means one task for the whole role.
 */
/** @param {{value: string[], onChange: (ids: string[]) => void}} props */
function ReviewerPicker({ value, onChange }) {
  const [people, setPeople] = useState(/** @type {{id: string, name: string}[]|null} */ (null));
  useEffect(() => {
    peopleWithRole('technical_reviewer').then(setPeople, () => setPeople([]));
  }, []);
  const toggle = (/** @type {string} */ id) => onChange(value.includes(id) ? value.filter((/** @type {string} */ x) => x !== id) : [...value, id]);
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

/**
 * The OPD proposer an approved offer goes to (cooperation@3's intake): they become the case's proposer
 * and carry it on from the proposal.
 */
/** @param {{id: string, role: string, value: string, onChange: (id: string) => void}} props */
function AssigneePicker({ id, role, value, onChange }) {
  const [people, setPeople] = useState(/** @type {{id: string, name: string}[]|null} */ (null));
  useEffect(() => {
    peopleWithRole(role).then(setPeople, () => setPeople([]));
  }, [role]);
  return html`<div class="stack assignee-picker" data-testid="assignee-picker">
    <label for=${id}>${t('case.assignee')}</label>
    <p class="hint" id=${`${id}-hint`}>${t('case.assigneeHint')}</p>
    ${people === null && html`<${Loading} />`}
    ${people?.length === 0 && html`<p class="muted">${t('case.assigneeNone')}</p>`}
    ${people?.length
      ? html`<select id=${id} value=${value} aria-describedby=${`${id}-hint`} onChange=${(/** @type {import('./components.js').FieldEvent} */ e) => onChange(e.currentTarget.value)} data-testid="assignee">
          <option value="">${t('case.assigneeChoose')}</option>
          ${people.map((p) => html`<option value=${p.id} key=${p.id}>${p.name}</option>`)}
        </select>`
      : null}
  </div>`;
}

/** Hands the task to a colleague holding its role. */
/** @param {{task: Task, user: User, value: string, onChange: (id: string) => void, onSubmit: (ev: Event) => void, busy: boolean}} props */
function DelegateForm({ task, user, value, onChange, onSubmit, busy }) {
  const [people, setPeople] = useState(/** @type {{id: string, name: string}[]} */ ([]));
  useEffect(() => {
    peopleWithRole(task.role).then((all) => setPeople(all.filter((p) => p.id !== task.assigneeId && p.id !== user.id)), () => setPeople([]));
  }, [task.role, task.assigneeId]);
  if (people.length === 0) return null;
  const sid = `delegate-${task.id}`;
  return html`<form class="delegate-form" onSubmit=${onSubmit} data-testid="delegate-form">
    <label for=${sid}>${t('task.delegateTo')}</label>
    <select id=${sid} value=${value} onChange=${(/** @type {import('./components.js').FieldEvent} */ e) => onChange(e.currentTarget.value)} data-testid="delegate-to">
      <option value="">${t('task.delegateChoose')}</option>
      ${people.map((p) => html`<option value=${p.id} key=${p.id}>${p.name}</option>`)}
    </select>
    <button type="submit" class="small-button" disabled=${busy || !value} data-testid="delegate">${t('task.delegate')}</button>
  </form>`;
}
/** Submit / resubmit / withdraw for the case's own proposer. */
/** @param {{c: any, rules: import('./rules.js').VersionRules|null, documents: CaseDocument[], messages: Messages, reload: () => Promise<void>, hasRevisionTask: boolean}} props */
function ProposerPanel({ c, rules, documents, messages, reload, hasRevisionTask }) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const required = requiredForSubmit(c.instrument, c.partner.category, rules);
  const have = new Set(documents.map((/** @type {any} */ d) => d.kind));
  const canSubmit = c.stage === 'proposal';
  // In revision the proposer's revision task carries "Ajukan ulang"; this button only for a case returned before it existed.
  const canResubmit = c.stage === 'revision' && !hasRevisionTask;
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
      const why = refusalText(e);
      messages.fail(why ? new Error(why) : e);
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
      <textarea id="proposer-comment" rows="2" value=${comment} onInput=${(/** @type {import('./components.js').FieldEvent} */ e) => setComment(e.currentTarget.value)}></textarea>`}
    <div class="button-row">
      ${canSubmit && html`<button type="button" class="primary" disabled=${busy} onClick=${() => send('SUBMIT')} data-testid="submit-case">${t('case.submit')}</button>`}
      ${canResubmit && html`<button type="button" class="primary" disabled=${busy} onClick=${() => send('RESUBMIT')} data-testid="resubmit-case">${t('case.resubmit')}</button>`}
      ${canWithdraw && html`<button type="button" class="danger" disabled=${busy} onClick=${() => send('WITHDRAW')} data-testid="withdraw-case">${t('case.withdraw')}</button>`}
    </div>
  </section>`;
}

/** @param {{documents: CaseDocument[]|null, who: Who, messages: Messages}} props */
function Documents({ documents, who, messages }) {
  if (documents === null) return html`<p class="muted">${t('case.noHistory')}</p>`;
  if (!documents.length) return html`<p class="muted">${t('case.noDocuments')}</p>`;
  return html`<ul class="doc-list" data-testid="documents">
    ${documents.map(
      (/** @type {any} */ d) => html`<li key=${d.id} data-testid="document" data-kind=${d.kind}>
        <div>
          <strong>${label('kind', d.kind)}</strong> <span class="muted">${t('tl.version', { v: d.version })}</span>
          <div class="muted small">${d.name} · ${Math.max(1, Math.round(d.size / 1024))} KB · ${who(d.uploadedBy)} · ${formatWhen(d.uploadedAt)}</div>
        </div>
        <button type="button" class="small-button" onClick=${() => downloadDocument(d).catch(messages.fail)} aria-label=${`${t('case.download')} ${label('kind', d.kind)} ${d.version}`}>${t('case.download')}</button>
        ${d.kind === 'signed' && d.mediaType === 'application/pdf' && html`<${SignatureCheck} documentId=${d.id} />`}
      </li>`,
    )}
  </ul>`;
}

/** A signed copy's electronic signature, checked by the server (`GET /api/documents/:id/verification`). */
function SignatureCheck(/** @type {{documentId: string}} */ { documentId }) {
  const [check, setCheck] = useState(/** @type {{valid: boolean, signer: string|null, signedAt: string|null, issuer: string|null}|null|'error'} */ (null));
  useEffect(() => {
    let live = true;
    api(`/documents/${encodeURIComponent(documentId)}/verification`)
      .then((r) => live && setCheck(r))
      .catch(() => live && setCheck('error'));
    return () => {
      live = false;
    };
  }, [documentId]);
  if (check === null) return html`<div class="muted small" data-testid="signature-check">${t('loading')}</div>`;
  if (check === 'error') return html`<div class="muted small" data-testid="signature-check" data-valid="unknown">${t('case.signature.unknown')}</div>`;
  if (!check.valid) return html`<div class="small" data-testid="signature-check" data-valid="false">${t(check.signer ? 'case.signature.invalid' : 'case.signature.none')}</div>`;
  return html`<div class="small" data-testid="signature-check" data-valid="true">
    ✓ ${t('case.signature.valid', { signer: check.signer ?? t('none'), at: formatWhen(check.signedAt), issuer: check.issuer ?? t('none') })}
  </div>`;
}

/**
 * One upload control. Its result (done or why not) is told right beside it, in a live region, and
 * the page reloads its data in place: no banner at the top, no jump. `testid` prefixes its test ids.
 */
/**
 * @param {{c: any, kinds: string[], rules?: import('./rules.js').VersionRules|null, documents: CaseDocument[], isProposer: boolean, reload: () => Promise<void>, testid?: string,
 *   onUploaded?: (doc: any) => void, doneText?: string}} props
 */
function UploadForm({ c, kinds, rules = null, documents, isProposer, reload, testid = 'upload', onUploaded = (/** @type {any} */ _doc) => {}, doneText = '' }) {
  const have = new Set(documents.map((/** @type {any} */ d) => d.kind));
  const firstMissing = isProposer ? requiredForSubmit(c.instrument, c.partner.category, rules).find((k) => !have.has(k)) : undefined;
  const preferred = firstMissing ?? (kinds.includes('signed') ? 'signed' : kinds[0]);
  const [kind, setKind] = useState(preferred);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(/** @type {{ok: boolean, text: string}|null} */ (null));
  const fileRef = useRef(/** @type {HTMLInputElement|null} */ (null));
  useEffect(() => setKind(preferred), [preferred, c.stage]);
  const chosen = kinds.includes(kind) ? kind : kinds[0];
  const fid = `${testid}-file-${c.id}`;
  const rid = `${testid}-result-${c.id}`;

  async function upload(/** @type {Event} */ ev) {
    ev.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) {
      setResult({ ok: false, text: t('case.upload.pick') });
      fileRef.current?.focus();
      return;
    }
    const form = new FormData();
    form.append('kind', chosen);
    form.append('file', file);
    setBusy(true);
    setResult(null);
    try {
      const doc = await api(`/cases/${encodeURIComponent(c.id)}/documents`, { form });
      const done = t('case.upload.done', { kind: label('kind', doc.kind), version: doc.version });
      setResult({ ok: true, text: doneText ? `${done} ${doneText}` : done });
      if (fileRef.current) fileRef.current.value = '';
      onUploaded(doc);
    } catch (e) {
      setResult({ ok: false, text: uploadErrorText(e, c.stage) });
    } finally {
      setBusy(false);
      await reload();
    }
  }

  return html`<form class="upload-form" onSubmit=${upload} data-testid=${`${testid}-form`} aria-describedby=${rid}>
    ${kinds.length > 1 ? html`<h3>${t('case.upload')}</h3>` : null}
    <div class="form-row">
      ${kinds.length > 1
        ? html`<label>${t('case.upload.kind')}
            <select value=${chosen} onChange=${(/** @type {import('./components.js').FieldEvent} */ e) => setKind(e.currentTarget.value)} data-testid=${`${testid}-kind`}>
              ${kinds.map((/** @type {string} */ k) => html`<option value=${k}>${label('kind', k)}</option>`)}
            </select>
          </label>`
        : html`<p class="small upload-only">${t('case.upload.only', { kind: label('kind', chosen) })}</p>`}
      <label for=${fid}>${t('case.upload.file')}
        <input id=${fid} type="file" ref=${fileRef} accept="application/pdf,.pdf,.docx,.odt,.png,.jpg,.jpeg" data-testid=${`${testid}-file`} />
      </label>
      <button type="submit" disabled=${busy} data-testid=${`${testid}-submit`}>${t('case.upload.submit')}</button>
    </div>
    <p id=${rid} class=${`upload-result${result ? (result.ok ? ' ok' : ' bad') : ''}`} aria-live="polite" data-testid=${`${testid}-result`} data-ok=${result ? String(result.ok) : undefined}>
      ${result ? html`${result.ok ? '✓ ' : ''}${result.text}` : ''}
    </p>
  </form>`;
}

/** @param {{events: any[]|null, who: Who}} props */
function Timeline({ events, who }) {
  if (events === null) return html`<p class="muted">${t('case.noHistory')}</p>`;
  return html`<ol class="timeline" data-testid="timeline">
    ${events.map((/** @type {any} */ e) => {
      const d = e.data ?? {};
      const docs = [...(d.document ? [d.document] : []), ...(Array.isArray(d.documents) ? d.documents : [])];
      return html`<li key=${e.seq} data-testid="timeline-event" data-seq=${e.seq} data-type=${e.type}>
        <div class="tl-head">
          <span class="tl-seq">#${e.seq}</span>
          <strong>${label('event', e.type)}</strong>
          ${d.decision && html` · <span data-testid="tl-decision">${label('decision', d.decision)}</span>`}
          <span class="muted small"> ${t('tl.by', { who: who(e.actor?.id) })}${e.actor?.roles?.length ? ` (${e.actor.roles.map((/** @type {string} */ r) => label('role', r)).join(', ')})` : ''} · <time datetime=${e.at}>${formatWhen(e.at)}</time></span>
        </div>
        ${e.stageBefore && e.stageBefore !== e.stageAfter && html`<div class="small">${t('tl.stage', { from: label('stage', e.stageBefore), to: label('stage', e.stageAfter) })}</div>`}
        ${d.comment && html`<blockquote class="tl-comment prewrap" data-testid="tl-comment">${d.comment}</blockquote>`}
        ${docs.map((doc) => html`<div class="small">${t('tl.document')}: ${label('kind', doc.kind)}${doc.version ? `, ${t('tl.version', { v: doc.version })}` : ''}</div>`)}
      </li>`;
    })}
  </ol>`;
}

/** @param {{items: any[]|null}} props */
function Notifications({ items }) {
  if (items === null) return html`<p class="muted">${t('case.noHistory')}</p>`;
  if (!items.length) return html`<p class="muted">${t('case.noNotifications')}</p>`;
  return html`<ul class="mail-list" data-testid="notifications">
    ${items.map((/** @type {any} */ n, /** @type {number} */ i) => {
      const at = n.sentAt ?? n.createdAt;
      return html`<li key=${i} data-testid="notification" data-kind=${n.kind} data-channel=${n.channel ?? 'email'}>
        <div><strong>${n.subject}</strong></div>
        <div class="small"><span data-testid="notification-kind">${messageLabel(n)}</span>${n.late ? html` · <span class="late">${t('notif.late')}</span>` : null}</div>
        <div class="muted small">
          ${n.channel === 'whatsapp' ? `${t('notif.whatsapp')} · ` : ''}${t('notif.to')}: ${n.to}${n.status ? ` · ${t(`notif.state.${n.status}`, undefined, t('none'))}` : ''}${at ? html` · <time datetime=${at}>${formatWhen(at)}</time>` : null}
        </div>
      </li>`;
    })}
  </ul>`;
}
