import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../core/tokens.js';
import { DeliveryService, MAILER } from '../notifications/delivery.service.js';
import { EmlFileMailer, SmtpMailer, type Mailer } from '../notifications/mailer.js';
import { BullMqScheduler } from './bullmq.scheduler.js';
import { DeadlinesService } from './deadlines.service.js';
import { SCHEDULER } from './deadlines.tokens.js';
import { InProcessScheduler } from './in-process.scheduler.js';
import type { Scheduler } from './queue-catalogue.js';
import { TimerHandler } from './timer-handler.js';

/** Timers, reminders and escalations: the scheduler adapter, the mailer, and the handlers that run them. */
@Module({
  providers: [
    {
      provide: SCHEDULER,
      inject: [APP_CONFIG, Clock],
      useFactory: (config: AppConfig, clock: Clock): Scheduler =>
        config.redisUrl ? new BullMqScheduler(config.redisUrl, { prefix: config.queuePrefix, lockDurationMs: config.queueLockMs }) : new InProcessScheduler(clock),
    },
    {
      provide: MAILER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Mailer => (config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom, config.smtpTimeoutMs) : new EmlFileMailer(join(config.dataDir, 'mail'), config.mailFrom)),
    },
    DeliveryService,
    TimerHandler,
    DeadlinesService,
  ],
  exports: [SCHEDULER, DeliveryService, DeadlinesService],
})
export class DeadlinesModule {}
