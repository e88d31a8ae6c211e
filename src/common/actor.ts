import type { Role } from '../../workflows/cooperation/v1.rules.js';

/** Who is acting: the verified token's subject and roles. */
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
