import type { Role } from '../../workflows/domain.js';

/** Who is acting: the verified token's subject, with the roles that count (the directory's for local tokens, the provider's otherwise). */
export interface Actor {
  id: string;
  roles: Role[];
  name?: string;
  email?: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', roles: [] };

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((r) => actor.roles.includes(r));
}

/**
 * The partner of an offer (contract §11), acting through its tracking page, not a user: `partner:<offerId>`,
 * no roles. It is its case's proposer until the intake hands the case to an OPD (cooperation@3), so it sees
 * and answers only its own offer. A user id cannot take this form (USER_ID_PATTERN has no colon).
 */
export const PARTNER_ACTOR_PREFIX = 'partner:';

export function partnerActor(offerId: string): Actor {
  return { id: `${PARTNER_ACTOR_PREFIX}${offerId}`, roles: [] };
}

export function isPartnerActor(actor: Actor): boolean {
  return actor.id.startsWith(PARTNER_ACTOR_PREFIX) && actor.id.length > PARTNER_ACTOR_PREFIX.length && actor.roles.length === 0;
}
