// @ts-check
/**
 * Path routing with the History API: the screens live at real paths (/inbox, /cases, /cases/<id>,
 * /tasks/<id>, /new, /audit/<id>, /dashboard, /agreements, /agreements/<id>, /profile), the same list the server answers with index.html
 * (src/web/web.ts, APP_ROUTES). Links to those paths are followed without a page load; back and
 * forward work; a list's search and filters live in the query string. Old hash links (`/#/cases/<id>`)
 * become the path form, on load and whenever something still sets `location.hash`.
 */
import { useEffect, useState } from 'preact/hooks';

/** Route name → whether it takes an id (`/cases/<id>`), must have one, or has none. */
const ROUTES = /** @type {Record<string, 'optional'|'required'|'none'>} */ ({
  inbox: 'none',
  cases: 'optional',
  tasks: 'required',
  new: 'none',
  audit: 'required',
  dashboard: 'none',
  agreements: 'optional',
  profile: 'none',
});

const NAVIGATE = 'onegate:navigate';

/** @typedef {{name: string, id: string|null, path: string, query: URLSearchParams}} Route */

/**
 * The route of a path (`/cases/abc?task=t1` → {name:'cases', id:'abc'}); null when it is not one of
 * the app's screens. `/` is the route with the empty name.
 * @param {string} pathname
 * @param {string} [search]
 * @returns {Route|null}
 */
export function routeOf(pathname, search = '') {
  const parts = pathname.split('/').slice(1);
  if (parts.at(-1) === '') parts.pop();
  let decoded;
  try {
    decoded = parts.map(decodeURIComponent);
  } catch {
    return null;
  }
  const query = new URLSearchParams(search);
  if (decoded.length === 0) return { name: '', id: null, path: '/', query };
  const kind = ROUTES[decoded[0]];
  if (!kind || decoded.length > 2 || (kind === 'none' && decoded.length > 1) || (kind === 'required' && !decoded[1])) return null;
  return { name: decoded[0], id: decoded[1] || null, path: pathname, query };
}

/** The current route (an unknown path, which the server never serves the app for, reads as `/`). */
export function currentRoute() {
  return routeOf(location.pathname, location.search) ?? { name: '', id: null, path: '/', query: new URLSearchParams() };
}

/**
 * `href` as a same-origin app path with its query (`/cases/x?task=y`), or null when it leaves the app:
 * another origin, `/api/…`, a static file, a path the server does not serve the app at. Used for
 * links and for the return path kept across a sign-in, so an address from outside never sends the
 * browser elsewhere. Old hash links (`#/cases/x`) count as their path.
 * @param {string|null|undefined} href
 */
export function appPath(href) {
  if (typeof href !== 'string' || href === '' || /[\\\u0000-\u001f]/.test(href)) return null;
  let url;
  try {
    url = new URL(href.startsWith('#/') ? href.slice(1) : href, location.href);
  } catch {
    return null;
  }
  if (url.origin !== location.origin) return null;
  if (url.pathname === '/' && url.hash.startsWith('#/')) url = new URL(url.hash.slice(1), location.origin);
  if (!routeOf(url.pathname, url.search)) return null;
  return `${url.pathname}${url.search}`;
}

/**
 * Goes to an app path: a new history entry, or with `replace` the current one changed.
 * @param {string} path
 * @param {{replace?: boolean}} [opts]
 */
export function navigate(path, opts = {}) {
  const target = appPath(path) ?? '/';
  if (target === `${location.pathname}${location.search}` && !location.hash) return;
  history[opts.replace ? 'replaceState' : 'pushState'](null, '', target);
  window.dispatchEvent(new Event(NAVIGATE));
}

/**
 * The current path with its query changed: `{stage: 'signed', page: null}` sets `stage` and drops
 * `page`; empty values are dropped, so a default filter leaves no trace in the address.
 * @param {Record<string, string|number|null|undefined>} changes
 */
export function withQuery(changes) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return `${location.pathname}${s ? `?${s}` : ''}`;
}

/** Turns an old hash link in the address (`/#/cases/x`) into its path, in place. */
function upgradeHash() {
  if (!location.hash.startsWith('#/')) return false;
  const target = appPath(location.hash) ?? '/';
  history.replaceState(null, '', target);
  return true;
}

/**
 * Follows clicks on links to app paths without a page load. A click with a modifier key, another
 * mouse button, a `target` or `download` is left to the browser (a new tab opens the same path).
 * @param {MouseEvent} ev
 */
function onClick(ev) {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = /** @type {Element|null} */ (ev.target instanceof Element ? ev.target : null)?.closest('a[href]');
  if (!(a instanceof HTMLAnchorElement) || (a.target && a.target !== '_self') || a.hasAttribute('download')) return;
  const path = appPath(a.getAttribute('href'));
  if (!path) return;
  ev.preventDefault();
  navigate(path);
}

let started = false;

/** Installs the link interception and the hash upgrade, once, before the app renders. */
export function startRouter() {
  if (started) return;
  started = true;
  upgradeHash();
  document.addEventListener('click', onClick);
  window.addEventListener('hashchange', () => {
    if (upgradeHash()) window.dispatchEvent(new Event(NAVIGATE));
  });
}

/** The current route, updated on navigation and on back/forward; scrolls to the top when the screen changes. */
export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    let path = location.pathname;
    const on = () => {
      setRoute(currentRoute());
      if (location.pathname !== path) window.scrollTo(0, 0);
      path = location.pathname;
    };
    window.addEventListener('popstate', on);
    window.addEventListener(NAVIGATE, on);
    return () => {
      window.removeEventListener('popstate', on);
      window.removeEventListener(NAVIGATE, on);
    };
  }, []);
  return route;
}
