import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { CaseEventDto, CreateCaseDto, ListCasesQuery, type CaseDto } from './case.dto.js';
import { CasesService } from './cases.service.js';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases')
export class CasesController {
  constructor(@Inject(CasesService) private readonly cases: CasesService) {}

  @Post()
  @Roles('proposer')
  create(@CurrentActor() actor: Actor, @Body() body: CreateCaseDto): Promise<CaseDto> {
    return this.cases.create(actor, body);
  }

  @Get()
  @Roles('any')
  list(@CurrentActor() actor: Actor, @Query() query: ListCasesQuery) {
    return this.cases.list(actor, query);
  }

  @Get(':id')
  @Roles('any')
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CaseDto> {
    return this.cases.get(actor, id);
  }

  @Post(':id/events')
  @Roles('any')
  sendEvent(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: CaseEventDto): Promise<CaseDto> {
    return this.cases.sendEvent(actor, id, body);
  }
}
