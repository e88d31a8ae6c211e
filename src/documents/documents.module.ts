import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { EngineModule } from '../engine/engine.module.js';
import { DocumentStoreModule } from './document-store.module.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsService } from './documents.service.js';

/** A case's documents: upload (a step through the engine), versions, download. */
@Module({
  imports: [DatabaseModule, EngineModule, AuditModule, DocumentStoreModule],
  controllers: [DocumentsController],
  providers: [DocumentsService],
  // The signature use case stores the signed PDF as an upload of the case (src/signing).
  exports: [DocumentsService],
})
export class DocumentsModule {}
