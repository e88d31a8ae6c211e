import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { ROLES, type Role } from '../../workflows/cooperation/v1.rules.js';
import type { Actor } from '../common/actor.js';
import type { AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/errors.js';
import { APP_CONFIG } from '../core/tokens.js';

const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

/** Verifies bearer JWTs (HS256 with the shared secret, or RS256/ES256 from a JWKS) and signs local ones. */
@Injectable()
export class TokenService {
  private readonly secret: Uint8Array | null;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;
  /** Tokens verified by the JWKS must come from this issuer when an OpenID Connect provider is configured. */
  private readonly jwksOptions: { algorithms: string[]; issuer?: string };
  private readonly clientId: string | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.secret = config.jwtSecret ? new TextEncoder().encode(config.jwtSecret) : null;
    this.jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : null;
    this.jwksOptions = { algorithms: ['RS256', 'ES256'], ...(config.oidc ? { issuer: config.oidc.issuer } : {}) };
    this.clientId = config.oidc?.clientId ?? null;
  }

  /**
   * Verified tokens, kept briefly: verifying an HMAC or RSA signature through WebCrypto costs more CPU
   * than the rest of a small request. A token is immutable, so the answer holds until it expires; it
   * is kept at most VERIFIED_TTL_MS so a key removed from the JWKS stops working soon after.
   */
  private readonly verified = new Map<string, { actor: Actor; until: number }>();

  async verify(token: string): Promise<Actor> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && hit.until > now) return hit.actor;
    if (hit) this.verified.delete(token);
    const { actor, exp } = await this.verifyNow(token);
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { actor, until: Math.min(now + VERIFIED_TTL_MS, exp === undefined ? Infinity : exp * 1000) });
    return actor;
  }

  private async verifyNow(token: string): Promise<{ actor: Actor; exp: number | undefined }> {
    let payload: JWTPayload;
    try {
      if (this.secret) {
        try {
          ({ payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'] }));
        } catch (err) {
          if (!this.jwks) throw err;
          ({ payload } = await jwtVerify(token, this.jwks, this.jwksOptions));
        }
      } else if (this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, this.jwksOptions));
      } else {
        throw new Error('no verification key configured');
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      const reason = code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? `the token's ${(err as { claim?: string }).claim ?? 'claims'} is not accepted` : 'the token is invalid';
      throw new DomainError('Unauthenticated', `Authorization: ${reason}`);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new DomainError('Unauthenticated', 'Authorization: the token has no subject');
    const roles = this.rolesOf(payload).filter((r): r is Role => (ROLES as readonly string[]).includes(r as string));
    const name = typeof payload.name === 'string' ? payload.name : typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined;
    // Shared by every request that presents this token while it is cached: read-only.
    const actor: Actor = Object.freeze({
      id: payload.sub,
      roles: Object.freeze([...new Set(roles)]) as Role[],
      name,
      email: typeof payload.email === 'string' ? payload.email : undefined,
    });
    return { actor, exp: payload.exp };
  }

  /**
   * onegate's roles from a token: a top-level `roles` claim (local tokens, or a provider mapper), else
   * Keycloak's realm roles and the web client's roles.
   */
  private rolesOf(payload: JWTPayload): unknown[] {
    if (Array.isArray(payload.roles)) return payload.roles;
    const realm = (payload.realm_access as { roles?: unknown } | undefined)?.roles;
    const client = this.clientId ? (payload.resource_access as Record<string, { roles?: unknown }> | undefined)?.[this.clientId]?.roles : undefined;
    return [...(Array.isArray(realm) ? realm : []), ...(Array.isArray(client) ? client : [])];
  }

  async sign(user: { id: string; name: string; email: string; roles: string[] }, ttl = '24h'): Promise<string> {
    if (!this.secret) throw new Error('no AUTH_JWT_SECRET to sign with (tokens come from the identity provider)');
    return new SignJWT({ name: user.name, email: user.email, roles: user.roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuedAt()
      .setIssuer('onegate')
      .setExpirationTime(ttl)
      .sign(this.secret);
  }
}
