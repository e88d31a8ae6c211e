// @ts-check
/**
 * Sign-in through the city's OpenID Connect provider (Keycloak or another): the authorization code
 * flow with PKCE, as a public client running in the browser (RFC 6749 §4.1, RFC 7636, and the
 * "OAuth 2.0 for Browser-Based Apps" BCP), done with oauth4webapi (a maintained, certified OAuth 2 /
 * OIDC client library; served from node_modules at /vendor/oauth4webapi.mjs). The page sends the
 * provider's access token as its bearer token; the API verifies it against AUTH_JWKS_URL and the issuer.
 *
 * The ID token is validated in full before anything is kept: `processAuthorizationCodeResponse`
 * checks its issuer (the discovered `issuer`, itself checked against AUTH_OIDC_ISSUER), audience
 * (and `azp`), `exp`/`iat`/`nbf`, the algorithm (RS256 unless the provider advertises others) and
 * the nonce this tab sent; then `validateApplicationLevelSignature` verifies its JWS signature with
 * the provider's key from the discovered `jwks_uri` (WebCrypto, inside the library). Any failure
 * refuses the sign-in with a notice naming what was wrong (OidcRefusal).
 *
 * What is kept between the redirect and the return (the discovered metadata, verifier, state, nonce,
 * and the app path to come back to) lives in sessionStorage, used once, then removed; the code is taken
 * off the address bar before anything else runs. The redirect URI stays `<origin>/` whatever the path:
 * one address to register with the provider; the return path is checked again (a same-origin app path)
 * when it is used.
 */
import * as oauth from 'oauth4webapi';
import { t } from './i18n.js';
import { appPath } from './router.js';

const PENDING_KEY = 'onegate.oidc.pending';

/** @typedef {{issuer: string, clientId: string, scope: string}} OidcOptions */
/** @typedef {{accessToken: string, idToken: string|null, endSession: string|null, clientId: string}} OidcTokens */
/** @typedef {{as: oauth.AuthorizationServer, clientId: string, verifier: string, state: string, nonce: string, returnTo: string}} Pending */

/**
 * A refused sign-in, its text looked up when shown (so it follows a language switch): `key` is an
 * i18n key, `detail` the provider's own words when it gave any.
 */
export class OidcRefusal extends Error {
  constructor(/** @type {string} */ key, /** @type {string|undefined} */ detail = undefined, /** @type {unknown} */ cause = undefined) {
    super(t(key) + (detail ? ` ${detail}` : ''), { cause });
    this.name = 'OidcRefusal';
    this.key = key;
    this.detail = detail;
  }

  text() {
    return t(this.key) + (this.detail ? ` ${this.detail}` : '');
  }
}

/** The page itself is the redirect URI: register `<public URL>/` with the provider. */
export const redirectUri = () => `${location.origin}/`;

/**
 * Plain HTTP to the provider only where TLS would protect nothing more: a provider on this machine
 * (loopback), or a page that is itself served without TLS (a developer's http://localhost).
 */
function insecureAllowed(/** @type {string} */ url) {
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'http:') return false;
  return location.protocol === 'http:' || ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

/**
 * Sends the browser to the provider's login page; back from it, the app opens `returnTo` (an app path
 * with its query, e.g. `/cases/<id>?task=<id>`; anything else means the start page).
 */
export async function startSignIn(/** @type {OidcOptions} */ oidc, /** @type {string} */ returnTo = `${location.pathname}${location.search}`) {
  if (!crypto.subtle) throw new OidcRefusal('signin.oidcNeedsHttps');
  const issuer = new URL(oidc.issuer);
  const insecure = { [oauth.allowInsecureRequests]: insecureAllowed(oidc.issuer) };
  let response;
  try {
    response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure });
  } catch (e) {
    throw new OidcRefusal('signin.oidcUnreachable', undefined, e);
  }
  /** @type {oauth.AuthorizationServer} */
  let as;
  try {
    as = await oauth.processDiscoveryResponse(issuer, response);
  } catch (e) {
    throw new OidcRefusal(response.ok ? 'signin.oidcConfig' : 'signin.oidcUnreachable', undefined, e);
  }
  if (!as.authorization_endpoint || !as.token_endpoint || !as.jwks_uri) throw new OidcRefusal('signin.oidcConfig');
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  /** @type {Pending} */
  const pending = { as, clientId: oidc.clientId, verifier, state, nonce, returnTo: appPath(returnTo) ?? '/' };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
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
 * with the verifier, validates the ID token (claims, nonce, signature). Returns null when this page
 * load is not a return; throws an OidcRefusal when the sign-in is refused.
 * @returns {Promise<OidcTokens|null>}
 */
export async function finishSignIn() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = /** @type {Pending|null} */ (parse(raw));
  history.replaceState(null, '', appPath(pending?.returnTo) ?? '/');
  if (params.has('error')) throw new OidcRefusal('signin.oidcFailed', params.get('error_description') ?? params.get('error') ?? undefined);
  if (!pending || typeof pending.as?.issuer !== 'string' || typeof pending.clientId !== 'string' || typeof pending.verifier !== 'string' || typeof pending.nonce !== 'string') {
    throw new OidcRefusal('signin.oidcState');
  }
  const { as, verifier, nonce } = pending;
  /** @type {oauth.Client} */
  const client = { client_id: pending.clientId };
  const insecure = { [oauth.allowInsecureRequests]: insecureAllowed(as.issuer) };

  /** @type {URLSearchParams} */
  let callback;
  try {
    callback = oauth.validateAuthResponse(as, client, params, typeof pending.state === 'string' ? pending.state : oauth.expectNoState);
  } catch (e) {
    if (e instanceof oauth.AuthorizationResponseError) throw new OidcRefusal('signin.oidcFailed', e.error_description ?? e.error, e);
    throw new OidcRefusal('signin.oidcState', undefined, e);
  }

  let response;
  try {
    response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, redirectUri(), verifier, insecure);
  } catch (e) {
    throw new OidcRefusal(e instanceof TypeError ? 'signin.oidcUnreachable' : 'signin.oidcConfig', undefined, e);
  }

  /** @type {oauth.TokenEndpointResponse} */
  let tokens;
  try {
    // Issuer, audience (and azp), exp/iat/nbf, the signing algorithm, and the nonce this tab sent.
    tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
  } catch (e) {
    throw idTokenRefusal(e);
  }
  try {
    // The ID token's JWS signature, with the provider's key from its jwks_uri (WebCrypto verify).
    await oauth.validateApplicationLevelSignature(as, response, insecure);
  } catch (e) {
    throw new OidcRefusal(e instanceof TypeError ? 'signin.oidcUnreachable' : 'signin.oidcSignature', undefined, e);
  }
  return { accessToken: tokens.access_token, idToken: tokens.id_token ?? null, endSession: as.end_session_endpoint ?? null, clientId: pending.clientId };
}

/** What the token response's processing refused, in words a person can act on. */
function idTokenRefusal(/** @type {unknown} */ e) {
  if (e instanceof oauth.ResponseBodyError) return new OidcRefusal('signin.oidcFailed', e.error_description ?? e.error, e);
  if (e instanceof TypeError) return new OidcRefusal('signin.oidcUnreachable', undefined, e);
  if (e instanceof oauth.OperationProcessingError) {
    const claim = /** @type {{claim?: string}|undefined} */ (e.cause)?.claim;
    if (e.code === oauth.JWT_CLAIM_COMPARISON && claim === 'iss') return new OidcRefusal('signin.oidcIssuer', undefined, e);
    if (e.code === oauth.JWT_CLAIM_COMPARISON && (claim === 'aud' || claim === 'azp')) return new OidcRefusal('signin.oidcAudience', undefined, e);
    if (e.code === oauth.JWT_CLAIM_COMPARISON && claim === 'nonce') return new OidcRefusal('signin.oidcNonce', undefined, e);
    if (e.code === oauth.JWT_TIMESTAMP_CHECK) return new OidcRefusal('signin.oidcExpired', undefined, e);
  }
  return new OidcRefusal('signin.oidcIdToken', undefined, e);
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

function parse(/** @type {string|null} */ raw) {
  try {
    const value = raw ? JSON.parse(raw) : null;
    return value && typeof value === 'object' ? value : null;
  } catch {
    return null;
  }
}
