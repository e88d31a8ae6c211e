import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DirectoryModule } from '../directory/directory.module.js';
import { AuthGuard } from './auth.guard.js';
import { IdentityService } from './identity.service.js';
import { SignInController } from './sign-in.controller.js';
import { TokenService } from './token.service.js';

/** Who is calling: bearer tokens (ours or an identity provider's), the actor behind one, sign-in, and the guard on every route. */
@Module({
  imports: [DirectoryModule],
  controllers: [SignInController],
  providers: [TokenService, IdentityService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService, IdentityService],
})
export class IdentityModule {}
