import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { WorkflowsController } from './workflows.controller.js';

/** The workflow definitions and their diagrams, a case's included. */
@Module({
  imports: [CasesModule, AuditModule],
  controllers: [WorkflowsController],
})
export class WorkflowsModule {}
