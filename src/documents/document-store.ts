import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from 'typeorm';
import type { Database } from '../database/database.js';
import { BLOB, DOCUMENT } from '../database/entities.js';
import type { BlobRow, DocumentRow } from '../database/rows.js';

export const DOCUMENT_STORE = Symbol('DOCUMENT_STORE');

/**
 * Where document bytes live, content-addressed by sha256. A port with two adapters (files under
 * data/ for the embedded default, PostgreSQL rows when DATABASE_URL is set) and room for an
 * S3-compatible store.
 */
export interface DocumentStore {
  readonly kind: 'files' | 'database';
  /** Stores the bytes as part of the upload's transaction (the database adapter writes in it). */
  put(em: EntityManager, sha256: string, bytes: Buffer): Promise<void>;
  get(sha256: string): Promise<Buffer | null>;
  /** For verify: the sha256 of the bytes stored under each key, or null where none are stored. */
  hashes(sha256s: string[]): Promise<Map<string, string | null>>;
  /** After a failed upload: drop bytes no document refers to, so there are never bytes without an event. */
  discard(sha256: string): Promise<void>;
}

export class DatabaseDocumentStore implements DocumentStore {
  readonly kind = 'database' as const;

  constructor(private readonly db: Database) {}

  async put(em: EntityManager, sha256: string, bytes: Buffer): Promise<void> {
    if (await em.existsBy(BLOB, { sha256 })) return;
    await em.insert(BLOB, { sha256, size: bytes.length, content: bytes, createdAt: new Date() });
  }

  async get(sha256: string): Promise<Buffer | null> {
    const row = await this.db.read((em) => em.findOneBy<BlobRow>(BLOB, { sha256 }));
    return row ? Buffer.from(row.content) : null;
  }

  async hashes(sha256s: string[]): Promise<Map<string, string | null>> {
    const found = new Map<string, string | null>(sha256s.map((s) => [s, null]));
    if (!sha256s.length) return found;
    if (this.db.dialect !== 'postgres') return hashEach(this, sha256s);
    // Hashed by PostgreSQL beside the bytes: verify reads 64 characters a document, not its content.
    const rows: { sha256: string; actual: string }[] = await this.db.read((em) =>
      em.query(`SELECT sha256, encode(sha256(content), 'hex') AS actual FROM document_blobs WHERE sha256 = ANY($1)`, [sha256s]),
    );
    for (const r of rows) found.set(r.sha256, r.actual);
    return found;
  }

  async discard(): Promise<void> {
    // Rolled back with the transaction.
  }
}

export class FileDocumentStore implements DocumentStore {
  readonly kind = 'files' as const;

  constructor(
    private readonly dir: string,
    private readonly db: Database,
  ) {}

  private path(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** Written (temp file, then rename) before the transaction commits; a failed commit discards it. */
  async put(_em: EntityManager, sha256: string, bytes: Buffer): Promise<void> {
    const path = this.path(sha256);
    if (existsSync(path)) return;
    mkdirSync(join(this.dir, sha256.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  }

  async get(sha256: string): Promise<Buffer | null> {
    const path = this.path(sha256);
    return existsSync(path) ? readFileSync(path) : null;
  }

  hashes(sha256s: string[]): Promise<Map<string, string | null>> {
    return hashEach(this, sha256s);
  }

  async discard(sha256: string): Promise<void> {
    const referenced = await this.db.read((em) => em.existsBy(DOCUMENT, { sha256 }));
    const path = this.path(sha256);
    if (!referenced && existsSync(path)) unlinkSync(path);
  }
}

/**
 * For audit/verify: which of `docs` no longer have their bytes in storage, or bytes that hash to
 * something else. `hashes` caches each sha256's result across calls (content is shared between cases);
 * what is not cached is asked of the store in one call.
 */
export async function findAlteredDocuments(store: DocumentStore, docs: DocumentRow[], hashes: Map<string, string | null>): Promise<{ doc: DocumentRow; reason: string }[]> {
  const unseen = [...new Set(docs.map((d) => d.sha256).filter((s) => !hashes.has(s)))];
  for (const [sha256, actual] of await store.hashes(unseen)) hashes.set(sha256, actual);
  const altered: { doc: DocumentRow; reason: string }[] = [];
  for (const doc of docs) {
    const actual = hashes.get(doc.sha256);
    if (actual === null || actual === undefined) altered.push({ doc, reason: `document ${doc.id} (${doc.kind} v${doc.version}): bytes missing from storage` });
    else if (actual !== doc.sha256) altered.push({ doc, reason: `document ${doc.id} (${doc.kind} v${doc.version}): stored bytes hash to ${actual}` });
  }
  return altered;
}

/** `hashes` by reading each one's bytes back and hashing them here. */
async function hashEach(store: Pick<DocumentStore, 'get'>, sha256s: string[]): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  for (const s of sha256s) {
    const bytes = await store.get(s);
    found.set(s, bytes === null ? null : createHash('sha256').update(bytes).digest('hex'));
  }
  return found;
}
