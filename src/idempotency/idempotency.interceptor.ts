import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EntityManager } from 'typeorm';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { IsNull } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import { Clock } from '../common/clock.js';
import { DomainError, invalid } from '../common/errors.js';
import { multipartDigest, readMultipart } from '../common/multipart.js';
import { Database } from '../database/database.js';
import { IDEMPOTENCY } from '../database/entities.js';
import type { IdempotencyRow } from '../database/rows.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A pending key older than this belongs to a request that died; a retry may take it over. */
const ABANDONED_AFTER_MS = 5 * 60_000;
/**
 * The status a key holds once its request's writes committed and before its response is kept: written
 * in the same transaction as those writes, so a process killed in between leaves a key that says the
 * request was carried out, and a retry is never carried out a second time.
 */
const CARRIED_OUT = 0;

/**
 * `Idempotency-Key` on mutating calls (IETF draft-ietf-httpapi-idempotency-key-header): the same key
 * and body replay the first success; the same key with another body is 422; a key whose first
 * request is still running is 409. Keys are per authenticated caller. A failed request keeps nothing, so it may be retried.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = ctx.switchToHttp();
    const req = http.getRequest<FastifyRequest & { actor?: Actor }>();
    const reply = http.getResponse<FastifyReply>();
    const header = req.headers['idempotency-key'];
    // Only for a caller the guard authenticated: keys are per caller, and on a public route (sign-in-as)
    // every anonymous client would share one key space, and the minted token would be kept in it.
    if (!MUTATING.has(req.method) || header === undefined || !req.actor) return next.handle();
    return from(this.run(req, reply, String(header), next));
  }

  private async run(req: FastifyRequest & { actor?: Actor }, reply: FastifyReply, key: string, next: CallHandler): Promise<unknown> {
    if (key.length === 0 || key.length > 255) throw invalid('Idempotency-Key', 'must be 1 to 255 characters');
    const userId = req.actor!.id;
    const path = req.url.split('?')[0]!;
    // A multipart body is read here, before the handler (which then gets the same parts): the key binds
    // to its fields and its file's bytes, so the same key with another file is a 422, not a replay.
    const body = req.isMultipart?.() ? multipartDigest(await readMultipart(req)) : canonicalJson(withoutSecrets(req.body ?? null));
    const requestHash = sha256Hex(`${req.method} ${req.url}\n${body}`);
    const existing = await this.claim({ key, userId, method: req.method, path, requestHash });
    if (existing) {
      if (existing.requestHash !== requestHash) {
        throw new DomainError('IdempotencyKeyReused', 'Idempotency-Key: this key was used with a different request');
      }
      if (existing.statusCode === CARRIED_OUT && this.abandoned(existing)) {
        throw new DomainError(
          'IdempotencyResponseLost',
          'Idempotency-Key: the request with this key was carried out, but the server stopped before it kept the response; read the resource to see its state',
        );
      }
      if (existing.statusCode === null || existing.statusCode === CARRIED_OUT) {
        throw new DomainError('IdempotencyInProgress', 'Idempotency-Key: a request with this key is still in progress');
      }
      void reply.status(existing.statusCode).header('idempotent-replayed', 'true');
      return existing.response;
    }
    // Only while the handler runs: work it leaves behind (timers, queued jobs) must not mark the key later.
    let running = true;
    const markCarriedOut = async (em: EntityManager) => {
      if (running) await em.update(IDEMPOTENCY, { key, userId, statusCode: IsNull() }, { statusCode: CARRIED_OUT });
    };
    try {
      const body = await this.db.withCommitHook(markCarriedOut, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
      running = false;
      await this.db.transaction((em) =>
        em.update(IDEMPOTENCY, { key, userId }, { statusCode: reply.statusCode, response: (body ?? null) as never }),
      );
      return body;
    } catch (err) {
      running = false;
      // A request that failed before any of its writes committed keeps nothing, so its key may be retried.
      await this.db.transaction((em) => em.delete(IDEMPOTENCY, { key, userId, statusCode: IsNull() }));
      throw err;
    }
  }

  private abandoned(row: IdempotencyRow): boolean {
    return this.clock.now().getTime() - row.createdAt.getTime() > ABANDONED_AFTER_MS;
  }

  /** Inserts a pending row for the key; returns the earlier row when the key was used before. */
  private async claim(r: Pick<IdempotencyRow, 'key' | 'userId' | 'method' | 'path' | 'requestHash'>): Promise<IdempotencyRow | null> {
    return this.db.transaction(async (em) => {
      const found = await em.findOneBy<IdempotencyRow>(IDEMPOTENCY, { key: r.key, userId: r.userId });
      const now = this.clock.now();
      if (found && !(found.statusCode === null && this.abandoned(found))) return found;
      if (found) await em.delete(IDEMPOTENCY, { key: r.key, userId: r.userId });
      try {
        await em.insert(IDEMPOTENCY, { ...r, statusCode: null, response: null, createdAt: now });
      } catch (err) {
        const code = (err as { driverError?: { code?: string } }).driverError?.code;
        if (code === '23505') throw new DomainError('IdempotencyInProgress', 'Idempotency-Key: a request with this key is still in progress');
        throw err;
      }
      return null;
    });
  }
}

/** Fields of a request body that are secrets (the signer's passphrase, contract §12): never kept, not even hashed into the key's record. */
const SECRET_FIELDS = ['passphrase'];

function withoutSecrets(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => !SECRET_FIELDS.includes(k)));
}
