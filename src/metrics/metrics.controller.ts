import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { MetricsService } from './metrics.service.js';

/** Prometheus scrapes `GET /metrics` (outside /api: it is for the operator's monitoring, not users). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Get()
  @Public()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.metrics.authorize(authorization);
    const body = await this.metrics.scrape();
    void reply.header('content-type', this.metrics.contentType);
    return body;
  }
}
