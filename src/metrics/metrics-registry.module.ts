import { Module } from '@nestjs/common';
import { Metrics } from './metrics.js';

/**
 * The app's Prometheus registry and its counters: the engine, the deliveries and the timers count into
 * it. A module of its own, below them all; the scrape (GET /metrics) is MetricsModule, above them.
 */
@Module({
  providers: [{ provide: Metrics, useFactory: () => new Metrics() }],
  exports: [Metrics],
})
export class MetricsRegistryModule {}
