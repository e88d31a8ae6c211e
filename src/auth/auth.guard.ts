import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '../../workflows/domain.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/errors.js';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
import { IdentityService } from './identity.service.js';
import { TokenService } from './token.service.js';

/** Every /api route needs a valid bearer token of a known, active user and, where declared, one of the route's roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(IdentityService) private readonly identity: IdentityService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; actor?: Actor }>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError('Unauthenticated', 'Authorization: a bearer token is required');
    const actor = await this.identity.actorOf(await this.tokens.verify(match[1]!));
    request.actor = actor;
    const roles = this.reflector.getAllAndOverride<(Role | 'any')[]>(ROLES_KEY, targets);
    if (!roles || roles.length === 0) return true;
    const allowed = roles.includes('any') ? actor.roles.length > 0 : roles.some((r) => actor.roles.includes(r as Role));
    if (!allowed) {
      throw new DomainError('Forbidden', `this action needs one of the roles: ${roles.join(', ')}; you have: ${actor.roles.join(', ') || 'none'}`);
    }
    return true;
  }
}
