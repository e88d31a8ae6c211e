import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { MAX_INT } from '../common/validation.js';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Max, Min } from 'class-validator';
import { CheckpointsService } from './checkpoints.service.js';
import { EXPORT_FORMATS, EXPORT_MEDIA_TYPES, type ExportFormat } from './audit-export.js';
import { invalid } from '../common/errors.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { dateIn } from '../common/time-zone.js';
import { AppConfig } from '../config/app-config.js';
import { AuditService } from './audit.service.js';

export class ReplayQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  seq?: number;

  @IsOptional()
  @IsISO8601()
  at?: string;
}

export class VerifyQuery {
  @IsOptional()
  @IsString()
  caseId?: string;

  /** The id of a stored checkpoint to verify against. */
  @IsOptional()
  @IsString()
  checkpoint?: string;
}

export class VerifyBody {
  /** A checkpoint file the auditor kept outside the database. */
  @IsDefined()
  @IsObject()
  checkpoint: Record<string, unknown>;
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
    @Inject(CheckpointsService) private readonly checkpoints: CheckpointsService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get('audit/checkpoints')
  @Roles('auditor')
  listCheckpoints() {
    return this.checkpoints.list();
  }

  /** A checkpoint now, returned as the signed file to keep outside the database. */
  @Post('audit/checkpoints')
  @Roles('auditor')
  createCheckpoint() {
    return this.checkpoints.create();
  }

  @Get('audit/checkpoints/:id')
  @Roles('auditor')
  checkpointFile(@Param('id') id: string) {
    return this.checkpoints.file(id);
  }

  /** Verify every chain and replay, and the kept checkpoint file sent in the body. */
  @Post('audit/verify')
  @HttpCode(200)
  @Roles('auditor')
  async verifyWithFile(@Body() body: VerifyBody) {
    return this.withCheckpoint(await this.audit.verify(), await this.checkpoints.verifyAgainst(body.checkpoint));
  }

  private withCheckpoint(result: Awaited<ReturnType<AuditService['verify']>>, checked: Awaited<ReturnType<CheckpointsService['verifyAgainst']>>) {
    const problems = [...result.problems, ...checked.problems];
    return { ...result, ok: problems.length === 0, problems, checkpoint: { id: checked.checkpoint, eventsCovered: checked.eventsCovered, ok: checked.problems.length === 0 } };
  }

  /** The whole event log, streamed: JSON lines, CSV, or XES (IEEE 1849) for process-mining tools. */
  @Get('audit/export')
  @Roles('auditor')
  async export(@Query() query: ExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) throw invalid('to', 'must not be before from');
    const stamp = dateIn(this.clock.now(), this.config.timezone); // the city's date, as people file it
    await reply
      .header('content-type', EXPORT_MEDIA_TYPES[query.format])
      .header('content-disposition', `attachment; filename="onegate-events-${stamp}.${query.format}"`)
      .header('x-content-type-options', 'nosniff')
      .send(this.audit.exportEvents(query.format, { from, to }));
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
  async verify(@Query() query: VerifyQuery) {
    const result = await this.audit.verify(query.caseId);
    return query.checkpoint ? this.withCheckpoint(result, await this.checkpoints.verifyAgainst(query.checkpoint)) : result;
  }
}
