import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { EngineModule } from '../engine/engine.module.js';
import { MigrationService } from './migration.service.js';
import { WorkflowsController } from './workflows.controller.js';

/** The workflow definitions and their diagrams, a case's included; moving running cases to a newer version. */
@Module({
  imports: [CasesModule, AuditModule, DatabaseModule, EngineModule],
  controllers: [WorkflowsController],
  providers: [MigrationService],
})
export class WorkflowsModule {}
