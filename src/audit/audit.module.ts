import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DocumentStoreModule } from '../documents/document-store.module.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { CheckpointsService } from './checkpoints.service.js';

/** The hash chain: a case's history and who may see it, verification, exports, Merkle checkpoints. */
@Module({
  imports: [DatabaseModule, DocumentStoreModule],
  controllers: [AuditController],
  providers: [AuditService, CheckpointsService],
  exports: [AuditService],
})
export class AuditModule {}
