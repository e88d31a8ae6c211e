import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { AppConfig } from '../config/app-config.js';
import { SCHEDULER } from '../deadlines/deadlines.tokens.js';
import type { Scheduler } from '../deadlines/queue-catalogue.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(HealthService) private readonly checks: HealthService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(SCHEDULER) private readonly scheduler: Scheduler,
  ) {}

  @Get()
  @Public()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const database = await this.checks.database();
    const queue = await this.scheduler.health();
    const ok = database.status === 'ok' && queue.status === 'ok';
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'down', database, queue, role: this.config.role };
  }
}
