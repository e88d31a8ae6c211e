import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AgreementsModule } from './agreements/agreements.module.js';
import { EvaluationsModule } from './evaluations/evaluations.module.js';
import { AuditModule } from './audit/audit.module.js';
import { IdentityModule } from './auth/identity.module.js';
import { CasesModule } from './cases/cases.module.js';
import type { Clock } from './common/clock.js';
import { ClockModule } from './common/clock.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DeadlinesModule } from './deadlines/deadlines.module.js';
import { DirectoryModule } from './directory/directory.module.js';
import { DiscussionModule } from './discussion/discussion.module.js';
import { DocumentsModule } from './documents/documents.module.js';
import { HealthModule } from './health/health.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OffersModule } from './offers/offers.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

/** The features of onegate. Each brings what it needs; the configuration and the clock are handed in here. */
export const FEATURE_MODULES = [
  HealthModule,
  IdentityModule,
  DirectoryModule,
  CasesModule,
  TasksModule,
  DocumentsModule,
  AuditModule,
  WorkflowsModule,
  ReportsModule,
  NotificationsModule,
  DeadlinesModule,
  MetricsModule,
  IdempotencyModule,
  AgreementsModule,
  EvaluationsModule,
  DiscussionModule,
  OffersModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), ClockModule.forRoot(options.clock), ...FEATURE_MODULES],
      // Every error in the contract's shape, whichever feature threw it.
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
