import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { EngineModule } from '../engine/engine.module.js';
import { MetricsRegistryModule } from '../metrics/metrics-registry.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { BullMqScheduler } from './bullmq.scheduler.js';
import { DeadlinesService } from './deadlines.service.js';
import { SCHEDULER } from './deadlines.tokens.js';
import { InProcessScheduler } from './in-process.scheduler.js';
import type { Scheduler } from './queue-catalogue.js';
import { TimerActionsModule } from './timer-actions.js';
import { TimerHandler } from './timer-handler.js';

/** Timers, reminders and escalations: the scheduler adapter, the handlers that run them, reconciliation. */
@Module({
  imports: [DatabaseModule, EngineModule, NotificationsModule, MetricsRegistryModule, TimerActionsModule],
  providers: [
    {
      provide: SCHEDULER,
      inject: [AppConfig, Clock],
      useFactory: (config: AppConfig, clock: Clock): Scheduler =>
        config.redisUrl ? new BullMqScheduler(config.redisUrl, { prefix: config.queuePrefix, lockDurationMs: config.queueLockMs }) : new InProcessScheduler(clock),
    },
    TimerHandler,
    DeadlinesService,
  ],
  exports: [SCHEDULER],
})
export class DeadlinesModule {}
