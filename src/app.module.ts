import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit/audit.controller.js';
import { AuditService } from './audit/audit.service.js';
import { CheckpointsService } from './audit/checkpoints.service.js';
import { AuthGuard } from './auth/auth.guard.js';
import { IdentityService } from './auth/identity.service.js';
import { SignInController } from './auth/sign-in.controller.js';
import { TokenService } from './auth/token.service.js';
import { CasesController } from './cases/cases.controller.js';
import { CasesService } from './cases/cases.service.js';
import type { Clock } from './common/clock.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import type { AppConfig } from './config/app-config.js';
import { CoreModule } from './core/core.module.js';
import { DeadlinesModule } from './deadlines/deadlines.module.js';
import { DocumentsController } from './documents/documents.controller.js';
import { documentStoreProvider } from './documents/document-store.provider.js';
import { DocumentsService } from './documents/documents.service.js';
import { DirectoryService } from './directory/directory.service.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { PeopleController, UsersController } from './directory/users.controller.js';
import { HealthController } from './health/health.controller.js';
import { HealthService } from './health/health.service.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { ReportsController } from './reports/reports.controller.js';
import { ReportsService } from './reports/reports.service.js';
import { TasksController } from './tasks/tasks.controller.js';
import { TasksService } from './tasks/tasks.service.js';
import { WorkflowsController } from './workflows/workflows.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, options), DeadlinesModule],
      controllers: [HealthController, CasesController, TasksController, AuditController, WorkflowsController, ReportsController, UsersController, PeopleController, NotificationsController, DocumentsController, SignInController, MetricsController],
      providers: [
        TokenService,
        IdentityService,
        DirectoryService,
        CasesService,
        TasksService,
        AuditService,
        CheckpointsService,
        DocumentsService,
        documentStoreProvider,
        MetricsService,
        ReportsService,
        HealthService,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
