// @ts-check
/**
 * The onegate web app: sign-in, the header, and hash routing to the screens
 * (#/inbox, #/cases, #/cases/<id>, #/new, #/audit/<id>, #/dashboard).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText, loadSession, saveSession } from './api.js';
import { endSessionUrl, finishSignIn, startSignIn } from './oidc.js';
import { Banner, html, Loading } from './components.js';
import { getLang, label, setLang, t } from './i18n.js';
import { Inbox } from './inbox.js';
import { CaseList, CasePage } from './case.js';
import { NewCase } from './new-case.js';
import { Auditor } from './auditor.js';
import { Dashboard } from './dashboard.js';
import { loadRules } from './rules.js';

/** @typedef {import('./api.js').User} User */

/** The current route from the location hash: `#/cases/abc` → {name:'cases', id:'abc'}. */
function parseHash() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { name: parts[0] ?? '', id: parts[1] ?? null, query: new URLSearchParams(query) };
}

function useRoute() {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const on = () => {
      setRoute(parseHash());
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Where a user starts: their inbox, or the case list for those who have no tasks. */
function homeFor(/** @type {User} */ user) {
  const actsOnTasks = user.roles.some((r) => ['secretariat', 'technical_reviewer', 'tkksd', 'tkksd_chair', 'legal', 'dprd', 'mayor', 'admin'].includes(r));
  return actsOnTasks ? '#/inbox' : '#/cases';
}

function SignIn({ onSignedIn, notice }) {
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
      setError(errorText(e));
    }
  }

  async function sso() {
    setError(null);
    setBusy(true);
    try {
      await startSignIn(options.oidc);
    } catch (e) {
      setBusy(false);
      setError(errorText(e));
    }
  }

  const tokenForm = html`<form onSubmit=${useToken} class="stack">
    <p>${t('signin.bearer')}</p>
    <label for="token">${t('signin.token')}</label>
    <textarea id="token" rows="4" value=${token} onInput=${(e) => setToken(e.currentTarget.value)} required></textarea>
    <div><button type="submit" class=${options?.oidc ? '' : 'primary'}>${t('signin.submit')}</button></div>
  </form>`;

  return html`<section class="card signin" aria-labelledby="signin-title">
    <h1 id="signin-title">${t('signin.title')}</h1>
    <${Banner} kind="info" text=${notice} />
    <${Banner} text=${error} />
    ${!options && !error && html`<${Loading} />`}
    ${options?.mode === 'picker' &&
    html`<p>${t('signin.intro')}</p>
      ${options.users.length === 0 && html`<p class="muted">${t('signin.empty')}</p>`}
      <ul class="user-picker" data-testid="user-picker">
        ${options.users.map(
          (u) => html`<li key=${u.id}>
            <button type="button" class="user-button" data-testid=${`sign-in-as-${u.id}`} onClick=${() => pick(u.id)}>
              <span class="user-name">${t('signin.as', { name: u.name })}</span>
              <span class="user-roles">${u.roles.map((r) => label('role', r)).join(', ')}</span>
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

/** A session for a bearer token: the user and roles as the API sees them (`/auth/me`), not as the token claims. */
async function sessionFor(/** @type {string} */ token, /** @type {Partial<import('./api.js').Session>} */ extra = {}) {
  const me = await api('/auth/me', { token });
  return { ...extra, token, user: { id: me.id, name: me.name, email: me.email ?? undefined, roles: me.roles } };
}

function Header({ user, lang, onLang, onSignOut, route }) {
  const link = (/** @type {string} */ href, /** @type {string} */ text, /** @type {string} */ name) =>
    html`<a href=${href} class=${route.name === name ? 'active' : ''} aria-current=${route.name === name ? 'page' : undefined} data-testid=${`nav-${name}`}>${text}</a>`;
  return html`<header class="topbar">
    <div class="brand"><a href=${user ? homeFor(user) : '#/'}><strong>${t('app.name')}</strong></a> <span class="tagline">${t('app.tagline')}</span></div>
    ${user &&
    html`<nav aria-label=${t('nav.main')} class="mainnav">
      ${link('#/inbox', t('nav.inbox'), 'inbox')} ${link('#/cases', t('nav.cases'), 'cases')}
      ${user.roles.includes('proposer') && link('#/new', t('nav.new'), 'new')} ${link('#/dashboard', t('nav.dashboard'), 'dashboard')}
    </nav>`}
    <div class="userbox">
      ${user &&
      html`<span class="whoami" data-testid="whoami"><span class="user-name">${user.name}</span> <span class="user-roles">${user.roles.map((r) => label('role', r)).join(', ')}</span></span>`}
      <button type="button" class="link-button" onClick=${onLang} data-testid="lang-switch" lang=${lang === 'id' ? 'en' : 'id'}>${t('lang.switch')}</button>
      ${user && html`<button type="button" class="link-button" onClick=${onSignOut} data-testid="sign-out">${t('signout')}</button>`}
    </div>
  </header>`;
}

function App({ initialNotice }) {
  const [session, setSession] = useState(loadSession);
  const [people, setPeople] = useState(/** @type {Record<string,string>} */ ({}));
  const [lang, setLangState] = useState(getLang());
  const [notice, setNotice] = useState(/** @type {string|null} */ (initialNotice ?? null));
  const route = useRoute();

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    const onUnauthorized = () => {
      saveSession(null);
      setSession(null);
      setNotice(t('signin.expired'));
    };
    window.addEventListener('onegate:unauthorized', onUnauthorized);
    return () => window.removeEventListener('onegate:unauthorized', onUnauthorized);
  }, []);
  useEffect(() => {
    // Names for the timeline and inbox, from the directory.
    if (!session) return;
    api('/people').then(
      (o) => setPeople(Object.fromEntries(o.items.map((/** @type {{id: string, name: string}} */ u) => [u.id, u.name]))),
      () => {},
    );
  }, [session?.user.id]);

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
    setNotice(null);
    // Signed in through the provider: end its session too, or the next "sign in" would pass straight through.
    if (endSession) location.assign(endSession);
    else location.hash = '#/';
  };
  const signedIn = (/** @type {import('./api.js').Session} */ s) => {
    saveSession(s);
    setSession(s);
    setNotice(null);
    location.hash = homeFor(s.user);
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
      case 'new':
        page = html`<${NewCase} ...${props} />`;
        break;
      case 'audit':
        page = html`<${Auditor} key=${route.id} id=${route.id} ...${props} />`;
        break;
      case 'dashboard':
        page = html`<${Dashboard} ...${props} />`;
        break;
      default:
        location.replace(homeFor(user));
        page = html`<${Loading} />`;
    }
  }
  return html`<${Header} user=${user} lang=${lang} onLang=${toggleLang} onSignOut=${signOut} route=${route} />
    <main id="content" class="content" lang=${lang}>${page}</main>`;
}

/** Back from the identity provider: turns the code into a session before the app renders. Returns a notice on failure. */
async function completeProviderSignIn() {
  try {
    const tokens = await finishSignIn();
    if (!tokens) return null;
    const session = await sessionFor(tokens.accessToken, { idToken: tokens.idToken, endSession: tokens.endSession, clientId: tokens.clientId });
    saveSession(session);
    if (!location.hash || location.hash === '#/') location.hash = homeFor(session.user);
    return null;
  } catch (e) {
    saveSession(null);
    return errorText(e);
  }
}

setLang(getLang());
const root = /** @type {HTMLElement} */ (document.getElementById('app'));
Promise.all([loadRules(), completeProviderSignIn()]).then(
  ([, notice]) => render(html`<${App} initialNotice=${notice} />`, root),
  (err) => render(html`<${Banner} kind="error" text=${errorText(err)} />`, root),
);
