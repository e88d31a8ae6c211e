import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({ summary: 'Find cases', description: 'Any role. A proposer sees only their own cases (filters, `q` and `total` included); staff roles see every case.' })
  list(@CurrentActor() actor: Actor, @Query() query: ListCasesQuery) {
    return this.cases.list(actor, query);
  }

  @Get(':id')
  @Roles('any')
  @ApiOperation({ summary: 'One case', description: "Any role. Another proposer's case is 404, the same answer as an unknown id; staff roles see every case." })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CaseDto> {
    return this.cases.get(actor, id);
  }

  @Post(':id/events')
  @Roles('any')
  sendEvent(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: CaseEventDto): Promise<CaseDto> {
    return this.cases.sendEvent(actor, id, body);
  }
}
