import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import type { CaseDto } from '../cases/case.dto.js';
import { AmendmentsService } from './amendments.service.js';
import { RenewAgreementDto } from './renewal.dto.js';

@ApiTags('agreements')
@ApiBearerAuth()
@Controller('api/agreements')
export class RenewalsController {
  constructor(@Inject(AmendmentsService) private readonly amendments: AmendmentsService) {}

  @Post(':id/renew')
  @HttpCode(201)
  @Roles('proposer', 'secretariat')
  @ApiOperation({
    summary: 'Renew an agreement (contract §10)',
    description:
      'The agreement’s proposer, or the secretariat. Opens a new case of kind `renewal` on the newest cooperation version, prefilled from the agreement (title, instrument, partner, summary, requiresDprdApproval; the register’s fields, opds and value are carried to the new entry when it is signed), with `parentCaseId` = the agreement and the agreement’s proposer as its proposer. 409 when the agreement is terminated or already has a renewal open or signed. → 201 the new case.',
  })
  renew(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: RenewAgreementDto): Promise<CaseDto> {
    return this.amendments.renew(actor, id, body);
  }
}
