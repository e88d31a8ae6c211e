// @ts-check
/** The auditor's view of one case: replay any point of its event log and verify the hash chain. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, downloadExport, errorText } from './api.js';
import { Banner, Diagram, html, Loading, StageBadge, useMessages } from './components.js';
import { label, t } from './i18n.js';

/** @param {{id: string}} props */
export function Auditor({ id }) {
  const [c, setC] = useState(/** @type {any} */ (null));
  const [seq, setSeq] = useState(0);
  const [replay, setReplay] = useState(/** @type {any} */ (null));
  const [verify, setVerify] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  const [loadError, setLoadError] = useState(/** @type {string|null} */ (null));
  const m = useMessages();
  const latest = useRef(0);

  useEffect(() => {
    api(`/cases/${encodeURIComponent(id)}`).then(
      (x) => {
        setC(x);
        setSeq(x.version);
        doReplay(x.version);
      },
      (e) => setLoadError(errorText(e)),
    );
  }, [id]);

  function doReplay(/** @type {number} */ n) {
    const ticket = ++latest.current;
    api(`/cases/${encodeURIComponent(id)}/replay?seq=${n}`).then(
      (r) => ticket === latest.current && setReplay(r),
      (e) => ticket === latest.current && m.fail(e),
    );
  }

  async function runVerify() {
    setBusy(true);
    setVerify(null);
    try {
      setVerify(await api(`/audit/verify?caseId=${encodeURIComponent(id)}`));
    } catch (e) {
      m.fail(e);
    } finally {
      setBusy(false);
    }
  }

  if (loadError) return html`<${Banner} text=${loadError} />`;
  if (!c) return html`<${Loading} />`;
  const stage = replay?.stage ?? c.stage;
  return html`<article data-testid="auditor-view">
    <div class="page-head">
      <div>
        <p class="muted small">${t('audit.title')} · ${c.number}</p>
        <h1><a href=${`/cases/${encodeURIComponent(c.id)}`}>${c.title}</a></h1>
      </div>
      <${StageBadge} stage=${c.stage} />
    </div>
    ${m.view()}
    <div class="case-grid">
      <div class="case-main">
        <section class="card" aria-labelledby="replay-title">
          <h2 id="replay-title">${t('audit.replay')}</h2>
          <label for="replay-seq" class="visually-hidden">${t('audit.replay')}</label>
          <input
            id="replay-seq"
            type="range"
            min="1"
            max=${c.version}
            step="1"
            value=${seq}
            class="slider"
            data-testid="replay-slider"
            aria-valuetext=${t('audit.seq', { seq, max: c.version })}
            onInput=${(/** @type {import('./components.js').FieldEvent} */ e) => {
              const n = Number(e.currentTarget.value);
              setSeq(n);
              doReplay(n);
            }}
          />
          <p data-testid="replay-seq">${t('audit.seq', { seq, max: c.version })}</p>
          <dl class="details">
            <dt>${t('audit.stageAt')}</dt>
            <dd data-testid="replay-stage" data-stage=${replay?.stage ?? ''}>${replay ? label('stage', replay.stage) : t('loading')}</dd>
            <dt>${t('audit.matches')}</dt>
            <dd data-testid="replay-matches" class=${replay && !replay.matchesStored ? 'bad' : ''}>
              ${replay ? (replay.matchesStored ? t('audit.matchesYes') : t('audit.matchesNo')) : t('none')}
            </dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="verify-title">
          <h2 id="verify-title">${t('audit.verify')}</h2>
          <div class="button-row">
            <button type="button" class="primary" disabled=${busy} onClick=${runVerify} data-testid="verify">${t('audit.verify')}</button>
          </div>
          <p class="muted small">${t('audit.export')}</p>
          <div class="button-row">
            ${/** @type {const} */ (['jsonl', 'csv', 'xes']).map(
              (f) => html`<button type="button" data-testid=${`export-${f}`} onClick=${() => downloadExport(f).catch((e) => m.fail(e))}>${f.toUpperCase()}</button>`,
            )}
          </div>
          ${verify &&
          (verify.ok
            ? html`<${Banner} kind="ok" testid="verify-result" text=${t('audit.ok', { events: verify.eventsChecked, cases: verify.casesChecked })} />`
            : html`<div class="banner banner-error" role="alert" data-testid="verify-result">
                <p>${t('audit.problems', { n: verify.problems.length })}</p>
                <ul>
                  ${verify.problems.map((/** @type {{kind: string, caseId: string, seq: number}} */ p) => html`<li data-kind=${p.kind}>${p.caseId === c.id ? c.number : p.caseId} · ${t('audit.event')} ${p.seq} · ${t(`audit.problem.${p.kind}`, undefined, t('audit.problem.other'))}</li>`)}
                </ul>
              </div>`)}
        </section>
      </div>
      <aside class="case-side">
        <section class="card">
          <h2>${t('case.diagram')}</h2>
          <${Diagram} name=${c.workflow.name} version=${c.workflow.version} stage=${stage} />
        </section>
      </aside>
    </div>
  </article>`;
}
