import { Module } from '@nestjs/common';
import { IdentityModule } from '../auth/identity.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { DeadlinesModule } from '../deadlines/deadlines.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistryModule } from './metrics-registry.module.js';
import { MetricsService } from './metrics.service.js';

/** GET /metrics: the registry's counters, the task gauges and the queue counts, for whoever may scrape. */
@Module({
  imports: [MetricsRegistryModule, DatabaseModule, DeadlinesModule, IdentityModule],
  controllers: [MetricsController],
  providers: [MetricsService],
})
export class MetricsModule {}
