import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import type { SignatureCheck } from './signing.port.js';
import { SigningService, type SigningAttemptDto } from './signing.service.js';

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api')
export class SigningController {
  constructor(@Inject(SigningService) private readonly signing: SigningService) {}

  /** The document's electronic signature checked (contract §12): `{valid, signer, signedAt, issuer}`; a document without one is `valid: false`. */
  @Get('documents/:id/verification')
  @Roles('any')
  verification(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<SignatureCheck> {
    return this.signing.verification(actor, id);
  }

  /** Every signing attempt on the case, oldest first, failed ones with their reason (never a passphrase): the auditor's record. */
  @Get('cases/:id/signing-attempts')
  @Roles('auditor', 'admin', 'secretariat', 'mayor')
  async attempts(@Param('id') id: string): Promise<{ items: SigningAttemptDto[] }> {
    return { items: await this.signing.attempts(id) };
  }
}
