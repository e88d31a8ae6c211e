import { Inject, Injectable } from '@nestjs/common';
import { ROLES, type Role } from '../../workflows/domain.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/errors.js';
import { DirectoryService } from '../directory/directory.service.js';
import type { VerifiedToken } from './token.service.js';

/**
 * Who a verified token's subject is at this moment (contract §3, "the directory is the source of
 * truth"): one read of their directory row per request, never cached across requests, so a role
 * removed or a user deactivated counts from the next request on every API process. A local token
 * (AUTH_JWT_SECRET) acts with the directory's roles, name and email; an identity provider's token
 * with the provider's, which the directory row takes up on the user's first request.
 */
@Injectable()
export class IdentityService {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

  async actorOf(token: VerifiedToken): Promise<Actor> {
    let user = await this.directory.get(token.sub);
    if (user && !user.active) throw new DomainError('Unauthenticated', `Authorization: the account ${token.sub} is deactivated`);
    if (token.source === 'provider') {
      user = await this.directory.syncFromProvider(token.sub, { name: token.name, email: token.email, roles: [...token.roles] }, user);
      return { id: user.id, roles: [...token.roles], name: user.name, email: user.email || undefined };
    }
    if (!user) throw new DomainError('Unauthenticated', `Authorization: user ${token.sub} is not in the directory`);
    const roles = user.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
    return { id: user.id, roles, name: user.name, email: user.email };
  }
}
