import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { DomainError } from '../common/errors.js';
import { MetricsService } from './metrics.service.js';

/** Prometheus scrapes `GET /metrics` (outside /api: it is for the operator's monitoring, not users). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Get()
  @Public()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!this.metrics.authorized(authorization)) throw new DomainError('Unauthenticated', 'Authorization: /metrics needs the bearer token set in ONEGATE_METRICS_TOKEN');
    const body = await this.metrics.scrape();
    void reply.header('content-type', this.metrics.contentType);
    return body;
  }
}
