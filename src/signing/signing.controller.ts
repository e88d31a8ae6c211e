import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import type { SignatureCheck } from './signing.port.js';
import { SigningService } from './signing.service.js';

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/documents')
export class SigningController {
  constructor(@Inject(SigningService) private readonly signing: SigningService) {}

  /** The document's electronic signature checked (contract §12): `{valid, signer, signedAt, issuer}`; a document without one is `valid: false`. */
  @Get(':id/verification')
  @Roles('any')
  verification(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<SignatureCheck> {
    return this.signing.verification(actor, id);
  }
}
