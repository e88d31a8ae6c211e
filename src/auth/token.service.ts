import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { ROLES, type Role } from '../../workflows/domain.js';
import { AppConfig, describeSeconds, tokenMaxTtlOf } from '../config/app-config.js';
import { DomainError } from '../common/errors.js';
import { RESERVED_USER_IDS, USER_ID_PATTERN } from '../directory/user.dto.js';

const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

/**
 * What a verified token says. `local`: signed with AUTH_JWT_SECRET, so only the subject counts (the
 * directory says the rest, IdentityService). `provider`: from the identity provider's JWKS, whose
 * roles (the known ones), name and email count.
 */
export interface VerifiedToken {
  source: 'local' | 'provider';
  sub: string;
  /** The provider's known roles; always empty for local tokens, whose `roles` claim is ignored. */
  roles: readonly Role[];
  name?: string;
  email?: string;
}

const unauthenticated = (reason: string) => new DomainError('Unauthenticated', `Authorization: ${reason}`);

/** Verifies bearer JWTs (HS256 with the shared secret, or RS256/ES256 from a JWKS) and signs local ones. */
@Injectable()
export class TokenService {
  private readonly secret: Uint8Array | null;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;
  /** Tokens verified by the JWKS must come from this issuer when an OpenID Connect provider is configured. */
  private readonly jwksOptions: { algorithms: string[]; issuer?: string };
  private readonly clientId: string | null;
  /** `AUTH_TOKEN_MAX_TTL` in seconds: the longest lifetime a token may have, verified or minted. */
  readonly maxTtlSeconds: number;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : null;
    this.jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : null;
    this.jwksOptions = { algorithms: ['RS256', 'ES256'], ...(config.oidc ? { issuer: config.oidc.issuer } : {}) };
    this.clientId = config.oidc?.clientId ?? null;
    this.maxTtlSeconds = tokenMaxTtlOf(config);
  }

  /**
   * Verified tokens, kept briefly: verifying an HMAC or RSA signature through WebCrypto costs more CPU
   * than the rest of a small request. A token is immutable, so the answer holds until it expires; it
   * is kept at most VERIFIED_TTL_MS so a key removed from the JWKS stops working soon after. Only what
   * the token says is kept: who the user is now (roles, deactivation) is read per request.
   */
  private readonly verified = new Map<string, { claims: VerifiedToken; until: number }>();

  async verify(token: string): Promise<VerifiedToken> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && hit.until > now) return hit.claims;
    if (hit) this.verified.delete(token);
    const { claims, exp } = await this.verifyNow(token, now);
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { claims, until: Math.min(now + VERIFIED_TTL_MS, exp * 1000) });
    return claims;
  }

  private async verifyNow(token: string, now: number): Promise<{ claims: VerifiedToken; exp: number }> {
    let payload: JWTPayload;
    let source: VerifiedToken['source'];
    try {
      if (this.secret) {
        try {
          ({ payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'] }));
          source = 'local';
        } catch (err) {
          if (!this.jwks) throw err;
          ({ payload } = await jwtVerify(token, this.jwks, this.jwksOptions));
          source = 'provider';
        }
      } else if (this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, this.jwksOptions));
        source = 'provider';
      } else {
        throw new Error('no verification key configured');
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      const reason = code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? `the token's ${(err as { claim?: string }).claim ?? 'claims'} is not accepted` : 'the token is invalid';
      throw unauthenticated(reason);
    }
    // Checked here, before anything asks the database about the subject.
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub === '') throw unauthenticated('the token has no subject');
    if (!USER_ID_PATTERN.test(sub)) throw unauthenticated("the token's subject is not a user id (1–128 letters, digits, dot, underscore, @ or dash)");
    if (RESERVED_USER_IDS.includes(sub)) throw unauthenticated(`the token's subject ${sub} is reserved for onegate's own steps`);
    const exp = payload.exp;
    if (typeof exp !== 'number') throw unauthenticated('the token has no exp: every token must expire');
    // A token issued "in the future" lives from now; one without iat, too.
    const start = Math.min(typeof payload.iat === 'number' ? payload.iat : Infinity, now / 1000);
    if (exp - start > this.maxTtlSeconds) throw unauthenticated(`the token lives longer than AUTH_TOKEN_MAX_TTL allows (${describeSeconds(this.maxTtlSeconds)})`);
    const roles = source === 'provider' ? this.rolesOf(payload).filter((r): r is Role => (ROLES as readonly string[]).includes(r as string)) : [];
    const name = typeof payload.name === 'string' ? payload.name : typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined;
    // Shared by every request that presents this token while it is cached: read-only.
    const claims: VerifiedToken = Object.freeze({
      source,
      sub,
      roles: Object.freeze([...new Set(roles)]),
      name,
      email: typeof payload.email === 'string' ? payload.email : undefined,
    });
    return { claims, exp };
  }

  /**
   * onegate's roles from a provider's token: a top-level `roles` claim (a provider mapper), else
   * Keycloak's realm roles and the web client's roles.
   */
  private rolesOf(payload: JWTPayload): unknown[] {
    if (Array.isArray(payload.roles)) return payload.roles;
    const realm = (payload.realm_access as { roles?: unknown } | undefined)?.roles;
    const client = this.clientId ? (payload.resource_access as Record<string, { roles?: unknown }> | undefined)?.[this.clientId]?.roles : undefined;
    return [...(Array.isArray(realm) ? realm : []), ...(Array.isArray(client) ? client : [])];
  }

  /**
   * A local token for a directory user, living `ttlSeconds` (at most AUTH_TOKEN_MAX_TTL, which is the
   * default). Its name, email and roles claims are for the reader only: the directory's count.
   */
  async sign(user: { id: string; name: string; email: string; roles: string[] }, ttlSeconds = this.maxTtlSeconds): Promise<string> {
    if (!this.secret) throw new Error('no AUTH_JWT_SECRET to sign with (tokens come from the identity provider)');
    if (!(ttlSeconds > 0) || ttlSeconds > this.maxTtlSeconds) throw new Error(`a token may live at most AUTH_TOKEN_MAX_TTL (${describeSeconds(this.maxTtlSeconds)}), not ${ttlSeconds} s`);
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({ name: user.name, email: user.email, roles: user.roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuedAt(iat)
      .setIssuer('onegate')
      .setExpirationTime(iat + Math.floor(ttlSeconds))
      .sign(this.secret);
  }
}
