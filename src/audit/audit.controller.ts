import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Min } from 'class-validator';
import { Database } from '../database/database.js';
import { EXPORT_FORMATS, EXPORT_MEDIA_TYPES, exportEvents, type ExportFormat } from './audit-export.js';
import { invalid } from '../common/errors.js';
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

export class ExportQuery {
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat;

  @IsOptional()
  @IsISO8601()
  from?: string;

  @IsOptional()
  @IsISO8601()
  to?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api')
export class AuditController {
  constructor(
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(Database) private readonly db: Database,
  ) {}

  /** The whole event log, streamed: JSON lines, CSV, or XES (IEEE 1849) for process-mining tools. */
  @Get('audit/export')
  @Roles('auditor')
  async export(@Query() query: ExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) throw invalid('to', 'must not be before from');
    const stamp = new Date().toISOString().slice(0, 10);
    await reply
      .header('content-type', EXPORT_MEDIA_TYPES[query.format])
      .header('content-disposition', `attachment; filename="onegate-events-${stamp}.${query.format}"`)
      .header('x-content-type-options', 'nosniff')
      .send(exportEvents(this.db, query.format, { from, to }));
  }

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
