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
