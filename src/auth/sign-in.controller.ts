import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { DomainError, invalid } from '../common/errors.js';
import { DirectoryService } from '../directory/directory.service.js';
import { USER_ID_PATTERN } from '../directory/user.dto.js';
import { CurrentActor, Public } from './auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { TokenService } from './token.service.js';

/** How long a picker's token lives: a working day, unless AUTH_TOKEN_MAX_TTL is shorter. */
const PICKER_TTL_SECONDS = 12 * 3600;
const SIGN_IN_AS = '/api/auth/sign-in-as';

export class SignInAsDto {
  @IsString()
  @Matches(USER_ID_PATTERN)
  userId: string;
}

/** The "sign in as" picker: outside production, with a local secret to sign with. */
function pickerAllowed(config: AppConfig): boolean {
  return !config.production && config.jwtSecret !== null;
}

const pickerRefused = (config: AppConfig) =>
  new DomainError('Forbidden', `signing in as a directory user is refused ${config.production ? 'in production' : 'without AUTH_JWT_SECRET'}; use your identity provider`);

/**
 * Refuses `POST /api/auth/sign-in-as` where the picker is not allowed as soon as the request is routed,
 * before its body is read or parsed: a refused route must not cost the server a large body's parsing.
 */
export function refuseSignInPicker(instance: FastifyInstance, config: AppConfig): void {
  if (pickerAllowed(config)) return;
  instance.addHook('onRequest', (request, _reply, done) => done(request.routeOptions.url === SIGN_IN_AS ? pickerRefused(config) : undefined));
}

/**
 * How the web app signs in. With an identity provider the page sends its bearer token; outside
 * production a "sign in as" picker over the directory mints a local token. Production refuses the picker.
 */
@ApiTags('auth')
@Controller('api/auth')
export class SignInController {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(DirectoryService) private readonly directory: DirectoryService,
    @Inject(TokenService) private readonly tokens: TokenService,
  ) {}

  @Get('sign-in-options')
  @Public()
  async options() {
    if (!pickerAllowed(this.config)) return { mode: 'bearer' as const, jwks: this.config.jwksUrl !== null, oidc: this.config.oidc };
    const users = (await this.directory.list()).filter((u) => u.active);
    return { mode: 'picker' as const, users: users.map((u) => ({ id: u.id, name: u.name, roles: u.roles })) };
  }

  /** The caller as the API sees them: the roles that count (the directory's for local tokens), whatever the token's claims say. */
  @Get('me')
  me(@CurrentActor() actor: Actor) {
    return { id: actor.id, name: actor.name ?? actor.id, email: actor.email ?? null, roles: actor.roles };
  }

  @Post('sign-in-as')
  @HttpCode(200)
  @Public()
  @ApiForbiddenResponse({ description: 'In production, or without AUTH_JWT_SECRET: refused before the body is read' })
  async signInAs(@Body() body: SignInAsDto) {
    if (!pickerAllowed(this.config)) throw pickerRefused(this.config);
    const user = await this.directory.get(body.userId);
    if (!user) throw invalid('userId', `no user ${body.userId} in the directory`);
    if (!user.active) throw invalid('userId', `${body.userId} is deactivated`);
    const token = await this.tokens.sign(user, Math.min(PICKER_TTL_SECONDS, this.tokens.maxTtlSeconds));
    return { token, user: { id: user.id, name: user.name, email: user.email, roles: user.roles, locale: user.locale } };
  }
}
