import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '../../workflows/domain.js';
import type { Actor } from '../common/actor.js';

export const PUBLIC_KEY = 'onegate:public';
export const ROLES_KEY = 'onegate:roles';

/** No token needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The caller must hold one of these roles; `'any'` means any onegate role. */
export const Roles = (...roles: (Role | 'any')[]) => SetMetadata(ROLES_KEY, roles);

/** The verified caller. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => ctx.switchToHttp().getRequest<{ actor: Actor }>().actor);
