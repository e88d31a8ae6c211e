import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { DOCUMENT_STORE, DatabaseDocumentStore, FileDocumentStore, type DocumentStore } from './document-store.js';

/** Document storage follows the database: files under data/ embedded, rows in PostgreSQL so replicas share them. */
export const documentStoreProvider = {
  provide: DOCUMENT_STORE,
  inject: [AppConfig, Database],
  useFactory: (config: AppConfig, db: Database): DocumentStore =>
    config.database.kind === 'postgres' ? new DatabaseDocumentStore(db) : new FileDocumentStore(join(config.dataDir, 'documents'), db),
};
