import { Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import type { EvaluationDto, EvaluationListDto } from './evaluation-list.js';
import { EvaluationsService } from './evaluations.service.js';

/** Monitoring and evaluation of an agreement (contract §10). */
@ApiTags('agreements')
@ApiBearerAuth()
@Controller('api/agreements/:id/evaluations')
export class EvaluationsController {
  constructor(@Inject(EvaluationsService) private readonly evaluations: EvaluationsService) {}

  @Get()
  @Roles('any')
  @ApiOperation({
    summary: "An agreement's evaluations, scheduled and done",
    description:
      'Any role that may see the agreement (another proposer\'s is 404). `{items:[{id, number, period:{from,to}, dueAt, status: scheduled|open|done|cancelled, stage, report, rating, recommendation, concludedAt}], total}`, oldest period first; a scheduled one is its timer (id, dueAt = when it opens, number null).',
  })
  list(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EvaluationListDto> {
    return this.evaluations.list(actor, id);
  }

  @Post()
  @Roles('secretariat')
  @ApiOperation({
    summary: 'Open an evaluation now',
    description: 'Secretariat. For the period from the end of the last evaluation (or the term\'s start) to today; 409 unless the agreement is in force. → 201 with the evaluation.',
  })
  open(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EvaluationDto> {
    return this.evaluations.openNow(actor, id);
  }
}
