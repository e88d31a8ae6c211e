// @ts-check
/**
 * The onegate web app: sign-in, the header, and the screens at their paths (router.js): /inbox,
 * /cases, /cases/<id>, /tasks/<id>, /new, /audit/<id>, /dashboard, /agreements(/<id>). Opened without a session, any of
 * them asks to sign in and then shows that same path; a session that ends while a page is open brings
 * the sign-in up over the page, which keeps what was typed (drafts.js says how).
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, errorText, loadSession, saveSession } from './api.js';
import { keepDrafts, restoreDrafts } from './drafts.js';
import { setKnownPeople } from './error-text.js';
import { endSessionUrl, finishSignIn, OidcRefusal, startSignIn } from './oidc.js';
import { Banner, html, Loading } from './components.js';
import { getLang, label, setLang, t } from './i18n.js';
import { Inbox } from './inbox.js';
import { CasePage } from './case.js';
import { CaseList } from './case-list.js';
import { NewCase } from './new-case.js';
import { Auditor } from './auditor.js';
import { Dashboard } from './dashboard.js';
import { AgreementList, AgreementPage } from './agreements.js';
import { ProfilePage } from './profile.js';
import { loadRules } from './rules.js';
import { navigate, startRouter, useRoute } from './router.js';
import { isOfferPath, OfferPublic } from './offer.js';

/** @typedef {import('./api.js').User} User */

/** Where a user starts: their inbox, or the case list for those who have no tasks. */
function homeFor(/** @type {User} */ user) {
  const actsOnTasks = user.roles.some((r) => ['secretariat', 'technical_reviewer', 'tkksd', 'tkksd_chair', 'legal', 'dprd', 'mayor', 'admin'].includes(r));
  return actsOnTasks ? '/inbox' : '/cases';
}

/**
 * The sign-in: the directory picker (embedded default), a pasted bearer token, or the city's OpenID
 * Connect provider. `staleUserId`: whose session ended (the page behind the dialog is theirs), so the
 * provider's round-trip can keep what they typed.
 */
/** @param {{onSignedIn: (s: import('./api.js').Session) => void, notice?: string|OidcRefusal|null, staleUserId?: string|null}} props */
function SignIn({ onSignedIn, notice, staleUserId }) {
  const [options, setOptions] = useState(/** @type {any} */ (null));
  const [error, setError] = useState(/** @type {string|null} */ (null));
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api('/auth/sign-in-options').then(setOptions, (e) => setError(errorText(e)));
  }, []);

  async function pick(/** @type {string} */ userId) {
    setError(null);
    try {
      const res = await api('/auth/sign-in-as', { body: { userId } });
      onSignedIn({ token: res.token, user: res.user });
    } catch (e) {
      setError(errorText(e));
    }
  }

  async function useToken(/** @type {Event} */ ev) {
    ev.preventDefault();
    setError(null);
    try {
      onSignedIn(await sessionFor(token.trim()));
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? t('signin.tokenRefused') : errorText(e));
    }
  }

  async function sso() {
    setError(null);
    setBusy(true);
    try {
      keepDrafts(staleUserId ?? null);
      await startSignIn(options.oidc, `${location.pathname}${location.search}`);
    } catch (e) {
      setBusy(false);
      setError(errorText(e));
    }
  }

  const tokenForm = html`<form onSubmit=${useToken} class="stack">
    <p>${t('signin.bearer')}</p>
    <label for="token">${t('signin.token')}</label>
    <textarea id="token" rows="4" value=${token} onInput=${(/** @type {import('./components.js').FieldEvent} */ e) => setToken(e.currentTarget.value)} required></textarea>
    <div><button type="submit" class=${options?.oidc ? '' : 'primary'}>${t('signin.submit')}</button></div>
  </form>`;

  return html`<section class="card signin" aria-labelledby="signin-title" data-testid="sign-in">
    <h1 id="signin-title" tabindex="-1">${t('signin.title')}</h1>
    <${Banner} kind="info" text=${notice instanceof OidcRefusal ? notice.text() : notice} />
    <${Banner} text=${error} />
    ${!options && !error && html`<${Loading} />`}
    ${options?.mode === 'picker' &&
    html`<p>${t('signin.intro')}</p>
      ${options.users.length === 0 && html`<p class="muted">${t('signin.empty')}</p>`}
      <ul class="user-picker" data-testid="user-picker">
        ${options.users.map(
          (/** @type {User} */ u) => html`<li key=${u.id}>
            <button type="button" class="user-button" data-testid=${`sign-in-as-${u.id}`} onClick=${() => pick(u.id)}>
              <span class="user-name">${t('signin.as', { name: u.name })}</span>
              <span class="user-roles">${u.roles.map((/** @type {string} */ r) => label('role', r)).join(', ')}</span>
            </button>
          </li>`,
        )}
      </ul>`}
    ${options?.mode === 'bearer' && options.oidc &&
    html`<p>${t('signin.oidcIntro')}</p>
      <div><button type="button" class="primary" data-testid="oidc-sign-in" onClick=${sso} disabled=${busy}>${t('signin.oidc')}</button></div>
      <details class="token-signin"><summary>${t('signin.pasteToken')}</summary>${tokenForm}</details>`}
    ${options?.mode === 'bearer' && !options.oidc && tokenForm}
  </section>`;
}

/**
 * The sign-in over the page whose session ended: a modal dialog (the page behind it stays mounted and
 * inert, keeping its state); Escape does not close it, only signing in (or out) does.
 */
function SignInDialog(/** @type {{onSignedIn: (s: any) => void, notice: string|null, staleUserId: string, onSignOut: () => void}} */ props) {
  const ref = useRef(/** @type {HTMLDialogElement|null} */ (null));
  const live = useRef(true);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    d?.querySelector('h1')?.focus();
    return () => {
      live.current = false;
      d?.close();
    };
  }, []);
  // Chromium closes a modal on a repeated Escape whatever `cancel` says: while the session is still gone, open it again.
  const reopen = () => {
    if (live.current && ref.current && !ref.current.open) ref.current.showModal();
  };
  return html`<dialog ref=${ref} class="signin-dialog" aria-labelledby="signin-title" data-testid="sign-in-dialog" onCancel=${(/** @type {Event} */ e) => e.preventDefault()} onClose=${reopen}>
    <${SignIn} ...${props} />
    <p class="small"><button type="button" class="link-button" onClick=${props.onSignOut} data-testid="dialog-sign-out">${t('signin.leave')}</button></p>
  </dialog>`;
}

/** A session for a bearer token: the user and roles as the API sees them (`/auth/me`), not as the token claims. */
async function sessionFor(/** @type {string} */ token, /** @type {Partial<import('./api.js').Session>} */ extra = {}) {
  const me = await api('/auth/me', { token });
  return { ...extra, token, user: { id: me.id, name: me.name, email: me.email ?? undefined, roles: me.roles } };
}

/** @param {{user: User, lang: 'id'|'en', onLang: (l: 'id'|'en') => void, onSignOut: () => void, route: import('./router.js').Route}} props */
function Header({ user, lang, onLang, onSignOut, route }) {
  const link = (/** @type {string} */ href, /** @type {string} */ text, /** @type {string} */ name) =>
    html`<a href=${href} class=${route.name === name ? 'active' : ''} aria-current=${route.name === name ? 'page' : undefined} data-testid=${`nav-${name}`}>${text}</a>`;
  return html`<header class="topbar">
    <div class="brand"><a href=${user ? homeFor(user) : '/'}><strong>${t('app.name')}</strong></a> <span class="tagline">${t('app.tagline')}</span></div>
    ${user &&
    html`<nav aria-label=${t('nav.main')} class="mainnav">
      ${link('/inbox', t('nav.inbox'), 'inbox')} ${link('/cases', t('nav.cases'), 'cases')}
      ${user.roles.includes('proposer') && link('/new', t('nav.new'), 'new')} ${link('/dashboard', t('nav.dashboard'), 'dashboard')} ${link('/agreements', t('nav.agreements'), 'agreements')}
    </nav>`}
    <div class="userbox">
      ${user &&
      html`<span class="whoami" data-testid="whoami"><a href="/profile" class="user-name" title=${t('nav.profile')} data-testid="nav-profile" aria-current=${route.name === 'profile' ? 'page' : undefined}>${user.name}</a> <span class="user-roles">${user.roles.map((/** @type {string} */ r) => label('role', r)).join(', ')}</span></span>`}
      <button type="button" class="link-button" onClick=${onLang} data-testid="lang-switch" lang=${lang === 'id' ? 'en' : 'id'}>${t('lang.switch')}</button>
      ${user && html`<button type="button" class="link-button" onClick=${onSignOut} data-testid="sign-out">${t('signout')}</button>`}
    </div>
  </header>`;
}

/** `/tasks/<id>` (the link in a reminder): opens the task's case with the task in view, or says it does not exist. */
/** @param {{id: string}} props */
function TaskLink({ id }) {
  const [error, setError] = useState(/** @type {unknown} */ (null));
  useEffect(() => {
    let live = true;
    api(`/tasks/${encodeURIComponent(id)}`).then(
      (task) => live && navigate(`/cases/${encodeURIComponent(task.caseId)}?task=${encodeURIComponent(task.id)}`, { replace: true }),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id]);
  if (error instanceof ApiError && error.status === 404) return html`<${NotFound} what="task" />`;
  if (error) return html`<${Banner} text=${errorText(error)} />`;
  return html`<${Loading} />`;
}

/** A page for an address that names nothing (an unknown task or case): what happened and where to go. */
/** @param {{what: 'task'|'case'}} props */
export function NotFound({ what }) {
  return html`<section class="card" aria-labelledby="nf-title" data-testid="not-found">
    <h1 id="nf-title">${t(`notFound.${what}.title`)}</h1>
    <p>${t(`notFound.${what}.body`)}</p>
    <p><a href="/inbox" data-testid="not-found-inbox">${t('notFound.toInbox')}</a> · <a href="/cases">${t('notFound.toCases')}</a></p>
  </section>`;
}

/** @param {{initialNotice?: string|OidcRefusal|null, restoreFor?: string|null}} props */
function App({ initialNotice, restoreFor }) {
  const [session, setSession] = useState(loadSession);
  // The session ended under an open page: the sign-in comes up over it (the page keeps its state).
  const [expired, setExpired] = useState(false);
  const [people, setPeople] = useState(/** @type {Record<string,string>} */ ({}));
  const [lang, setLangState] = useState(getLang());
  const [notice, setNotice] = useState(/** @type {string|OidcRefusal|null} */ (initialNotice ?? null));
  const route = useRoute();

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    const onUnauthorized = () => {
      saveSession(null);
      setExpired(true);
      setNotice(t('signin.expired'));
    };
    window.addEventListener('onegate:unauthorized', onUnauthorized);
    return () => window.removeEventListener('onegate:unauthorized', onUnauthorized);
  }, []);
  useEffect(() => {
    // Back from the provider: what was typed before it, into the page it was typed in.
    if (restoreFor) void restoreDrafts(restoreFor);
  }, []);
  useEffect(() => {
    // Names for the timeline and inbox, from the directory.
    if (!session || expired) return;
    api('/people').then(
      (o) => {
        const names = Object.fromEntries(o.items.map((/** @type {{id: string, name: string}} */ u) => [u.id, u.name]));
        setKnownPeople(names);
        setPeople(names);
      },
      () => {},
    );
  }, [session?.user.id, expired]);
  useEffect(() => {
    // The start page is where a user starts; any other path stays what it is.
    if (session && !expired && route.name === '') navigate(homeFor(session.user), { replace: true });
  }, [session?.user.id, expired, route.name]);

  const user = session?.user ?? null;
  const toggleLang = () => {
    const next = lang === 'id' ? 'en' : 'id';
    setLang(next);
    setLangState(next);
  };
  const signOut = () => {
    const endSession = session ? endSessionUrl(session) : null;
    saveSession(null);
    setSession(null);
    setExpired(false);
    setNotice(null);
    // Signed in through the provider: end its session too, or the next "sign in" would pass straight through.
    if (endSession) location.assign(endSession);
    else navigate('/');
  };
  const signedIn = (/** @type {import('./api.js').Session} */ s) => {
    saveSession(s);
    setSession(s);
    setExpired(false);
    setNotice(null);
  };

  let page;
  if (!user) page = html`<${SignIn} onSignedIn=${signedIn} notice=${notice} />`;
  else {
    const props = { user, people, route };
    switch (route.name) {
      case 'inbox':
        page = html`<${Inbox} ...${props} />`;
        break;
      case 'cases':
        page = route.id ? html`<${CasePage} key=${route.id} id=${route.id} ...${props} />` : html`<${CaseList} ...${props} />`;
        break;
      case 'tasks':
        // Keyed by the token too: a task link refused for an ended session asks again once signed in.
        page = html`<${TaskLink} key=${`${route.id} ${session?.token}`} id=${route.id} />`;
        break;
      case 'new':
        page = html`<${NewCase} ...${props} />`;
        break;
      case 'audit':
        page = html`<${Auditor} key=${route.id} id=${route.id} ...${props} />`;
        break;
      case 'dashboard':
        page = html`<${Dashboard} ...${props} />`;
        break;
      case 'profile':
        page = html`<${ProfilePage} />`;
        break;
      case 'agreements':
        page = route.id ? html`<${AgreementPage} key=${route.id} id=${route.id} ...${props} />` : html`<${AgreementList} ...${props} />`;
        break;
      default:
        page = html`<${Loading} />`;
    }
  }
  const dialog = user && expired;
  return html`<${Header} user=${user} lang=${lang} onLang=${toggleLang} onSignOut=${signOut} route=${route} />
    <main id="content" class="content" lang=${lang} key=${user?.id ?? ''}>${page}</main>
    ${dialog && html`<${SignInDialog} onSignedIn=${signedIn} notice=${notice} staleUserId=${user.id} onSignOut=${signOut} />`}`;
}

/**
 * Back from the identity provider: turns the code into a session before the app renders (the
 * address is already the path the sign-in started from). Returns a notice on failure, and the
 * user whose typed text to put back.
 * @returns {Promise<{notice: string|OidcRefusal|null, restoreFor: string|null}>}
 */
async function completeProviderSignIn() {
  try {
    const tokens = await finishSignIn();
    if (!tokens) return { notice: null, restoreFor: null };
    const session = await sessionFor(tokens.accessToken, { idToken: tokens.idToken, endSession: tokens.endSession, clientId: tokens.clientId });
    saveSession(session);
    return { notice: null, restoreFor: session.user.id };
  } catch (e) {
    saveSession(null);
    // A refused provider sign-in stays a refusal object: its text follows a language switch.
    return { notice: e instanceof OidcRefusal ? e : errorText(e), restoreFor: null };
  }
}

setLang(getLang());
const root = /** @type {HTMLElement} */ (document.getElementById('app'));
if (isOfferPath(location.pathname)) {
  // A partner's pages (contract §11): no sign-in, no staff screens.
  loadRules().then(
    () => render(html`<${OfferPublic} />`, root),
    () => render(html`<${Banner} kind="error" text=${t('error.startup')} />`, root),
  );
} else {
  startRouter();
  Promise.all([loadRules(), completeProviderSignIn()]).then(
    ([, back]) => render(html`<${App} initialNotice=${back.notice} restoreFor=${back.restoreFor} />`, root),
    () => render(html`<${Banner} kind="error" text=${t('error.startup')} />`, root),
  );
}
