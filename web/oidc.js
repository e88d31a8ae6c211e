// @ts-check
/**
 * Sign-in through the city's OpenID Connect provider (Keycloak or another): the authorization code
 * flow with PKCE, as a public client running in the browser (RFC 6749 §4.1, RFC 7636, and the
 * "OAuth 2.0 for Browser-Based Apps" BCP). The page sends the provider's access token as its bearer
 * token; the API verifies it against AUTH_JWKS_URL and the issuer.
 *
 * What is kept between the redirect and the return (verifier, state, nonce, and the app path to come
 * back to) lives in sessionStorage, used once, then removed; the code is taken off the address bar
 * before anything else runs. The redirect URI stays `<origin>/` whatever the path: one address to
 * register with the provider; the return path is checked again (a same-origin app path) when it is used.
 */
import { t } from './i18n.js';
import { appPath } from './router.js';

const PENDING_KEY = 'onegate.oidc.pending';

/** @typedef {{issuer: string, clientId: string, scope: string}} OidcOptions */
/** @typedef {{accessToken: string, idToken: string|null, endSession: string|null, clientId: string}} OidcTokens */

/** The page itself is the redirect URI: register `<public URL>/` with the provider. */
export const redirectUri = () => `${location.origin}/`;

/**
 * Sends the browser to the provider's login page; back from it, the app opens `returnTo` (an app path
 * with its query, e.g. `/cases/<id>?task=<id>`; anything else means the start page).
 */
export async function startSignIn(/** @type {OidcOptions} */ oidc, /** @type {string} */ returnTo = `${location.pathname}${location.search}`) {
  if (!crypto.subtle) throw new Error(t('signin.oidcNeedsHttps'));
  const discovery = await fetchJson(`${oidc.issuer}/.well-known/openid-configuration`);
  const verifier = randomString(32);
  const state = randomString(16);
  const nonce = randomString(16);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(
    PENDING_KEY,
    JSON.stringify({ verifier, state, nonce, clientId: oidc.clientId, tokenEndpoint: discovery.token_endpoint, endSession: discovery.end_session_endpoint ?? null, returnTo: appPath(returnTo) ?? '/' }),
  );
  const url = new URL(discovery.authorization_endpoint);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    scope: oidc.scope,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }))
    url.searchParams.set(k, v);
  location.assign(url.toString());
}

/**
 * On return from the provider (`?code=…&state=…` or `?error=…`): checks the state, exchanges the code
 * with the verifier, checks the ID token's nonce. Returns null when this page load is not a return.
 * @returns {Promise<OidcTokens|null>}
 */
export async function finishSignIn() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = raw ? JSON.parse(raw) : null;
  history.replaceState(null, '', appPath(pending?.returnTo) ?? '/');
  if (params.has('error')) throw new Error(`${t('signin.oidcFailed')} ${params.get('error_description') ?? params.get('error')}`);
  if (!pending || params.get('state') !== pending.state) throw new Error(t('signin.oidcState'));
  let res;
  try {
    res = await fetch(pending.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code') ?? '', redirect_uri: redirectUri(), client_id: pending.clientId, code_verifier: pending.verifier }),
    });
  } catch {
    throw new Error(t('signin.oidcUnreachable'));
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok || typeof body.access_token !== 'string') throw new Error(`${t('signin.oidcFailed')} ${body.error_description ?? body.error ?? res.status}`);
  const idToken = typeof body.id_token === 'string' ? body.id_token : null;
  if (idToken && claims(idToken).nonce !== pending.nonce) throw new Error(t('signin.oidcState'));
  return { accessToken: body.access_token, idToken, endSession: pending.endSession, clientId: pending.clientId };
}

/** Where signing out ends the provider's session too, then comes back here. */
export function endSessionUrl(/** @type {{idToken?: string|null, endSession?: string|null, clientId?: string}} */ session) {
  if (!session.endSession) return null;
  const url = new URL(session.endSession);
  url.searchParams.set('post_logout_redirect_uri', redirectUri());
  if (session.clientId) url.searchParams.set('client_id', session.clientId);
  if (session.idToken) url.searchParams.set('id_token_hint', session.idToken);
  return url.toString();
}

async function fetchJson(/** @type {string} */ url) {
  let res;
  try {
    res = await fetch(url);
  } catch {
    throw new Error(t('signin.oidcUnreachable'));
  }
  if (!res.ok) throw new Error(t('signin.oidcUnreachable'));
  return res.json();
}

/** A JWT's claims, unverified: only the nonce is read here, the API verifies the access token. */
function claims(/** @type {string} */ jwt) {
  const part = jwt.split('.')[1] ?? '';
  return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=')));
}

function randomString(/** @type {number} */ bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(/** @type {Uint8Array} */ bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
