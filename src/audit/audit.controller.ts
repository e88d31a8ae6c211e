import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Min } from 'class-validator';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { AuditService } from './audit.service.js';

export class ReplayQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  seq?: number;

  @IsOptional()
  @IsISO8601()
  at?: string;
}

export class VerifyQuery {
  @IsOptional()
  @IsString()
  caseId?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get('cases/:id/history')
  @Roles('any')
  history(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.audit.history(actor, id);
  }

  @Get('cases/:id/replay')
  @Roles('auditor', 'admin')
  @ApiQuery({ name: 'seq', required: false })
  @ApiQuery({ name: 'at', required: false })
  replay(@Param('id') id: string, @Query() query: ReplayQuery) {
    return this.audit.replay(id, query);
  }

  @Get('audit/verify')
  @Roles('auditor')
  verify(@Query() query: VerifyQuery) {
    return this.audit.verify(query.caseId);
  }
}
