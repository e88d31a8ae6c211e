import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../core/tokens.js';
import { DomainError, invalid } from '../common/errors.js';
import { DirectoryService } from '../directory/directory.service.js';
import { USER_ID_PATTERN } from '../directory/user.dto.js';
import { CurrentActor, Public } from './auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { TokenService } from './token.service.js';

export class SignInAsDto {
  @IsString()
  @Matches(USER_ID_PATTERN)
  userId: string;
}

/**
 * How the web app signs in. With an identity provider the page sends its bearer token; outside
 * production a "sign in as" picker over the directory mints a local token. Production refuses the picker.
 */
@ApiTags('auth')
@Controller('api/auth')
export class SignInController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DirectoryService) private readonly directory: DirectoryService,
    @Inject(TokenService) private readonly tokens: TokenService,
  ) {}

  private get pickerAllowed(): boolean {
    return !this.config.production && this.config.jwtSecret !== null;
  }

  @Get('sign-in-options')
  @Public()
  async options() {
    if (!this.pickerAllowed) return { mode: 'bearer' as const, jwks: this.config.jwksUrl !== null, oidc: this.config.oidc };
    const users = await this.directory.list();
    return { mode: 'picker' as const, users: users.map((u) => ({ id: u.id, name: u.name, roles: u.roles })) };
  }

  /** The caller as the API sees their token: the roles it honours, whatever the token's other claims say. */
  @Get('me')
  me(@CurrentActor() actor: Actor) {
    return { id: actor.id, name: actor.name ?? actor.id, email: actor.email ?? null, roles: actor.roles };
  }

  @Post('sign-in-as')
  @HttpCode(200)
  @Public()
  async signInAs(@Body() body: SignInAsDto) {
    if (!this.pickerAllowed) throw new DomainError('Forbidden', 'signing in as a directory user is refused in production; use your identity provider');
    const user = await this.directory.get(body.userId);
    if (!user) throw invalid('userId', `no user ${body.userId} in the directory`);
    return { token: await this.tokens.sign(user, '12h'), user: { id: user.id, name: user.name, email: user.email, roles: user.roles, locale: user.locale } };
  }
}
