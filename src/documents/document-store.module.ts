import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DOCUMENT_STORE } from './document-store.js';
import { documentStoreProvider } from './document-store.provider.js';

/** Where document bytes live (files embedded, rows on PostgreSQL): read by the audit export, written by uploads. */
@Module({
  imports: [DatabaseModule],
  providers: [documentStoreProvider],
  exports: [DOCUMENT_STORE],
})
export class DocumentStoreModule {}
