import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { DigestService } from './digest.service.js';
import { MetricsRegistryModule } from '../metrics/metrics-registry.module.js';
import { DeliveryService, MAILER, WHATSAPP_GATEWAY } from './delivery.service.js';
import { HttpWhatsAppGateway, NoWhatsAppGateway, type WhatsAppGateway } from './whatsapp-gateway.js';
import { EmlFileMailer, SmtpMailer, type Mailer } from './mailer.js';
import { MessagePlanner } from './message-planner.js';
import { NotificationsController } from './notifications.controller.js';

/**
 * Messages: which ones a step writes (MessagePlanner, the engine's projection), the mailer (SMTP or
 * .eml files), their delivery with retries, and a case's list of them. Needs no engine, so the engine
 * can take its planner.
 */
@Module({
  imports: [DatabaseModule, MetricsRegistryModule, AuditModule, DirectoryModule, DeadlinePlanningModule],
  controllers: [NotificationsController],
  providers: [
    {
      provide: MAILER,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Mailer => (config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom, config.smtpTimeoutMs) : new EmlFileMailer(join(config.dataDir, 'mail'), config.mailFrom)),
    },
    {
      provide: WHATSAPP_GATEWAY,
      inject: [AppConfig],
      useFactory: (config: AppConfig): WhatsAppGateway => (config.whatsapp ? new HttpWhatsAppGateway(config.whatsapp.url, config.whatsapp.token) : new NoWhatsAppGateway()),
    },
    DeliveryService,
    DigestService,
    MessagePlanner,
  ],
  exports: [MAILER, DeliveryService, DigestService, MessagePlanner],
})
export class NotificationsModule {}
