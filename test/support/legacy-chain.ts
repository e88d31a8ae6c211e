import type { EntityManager } from 'typeorm';
import { CASE, CASE_EVENT } from '../../src/database/entities.js';
import type { CaseEventRow } from '../../src/database/rows.js';
import { GENESIS_HASH, hashEvent } from '../../src/engine/event-hash.js';

/**
 * Rewrites a case's chain as onegate wrote it before hash formats: every event hashed in format 1 (kept
 * byte for byte, event-hash.spec.ts pins it), linked from the genesis hash, and the case's head moved along.
 */
export async function rewriteAsFormat1(em: EntityManager, caseId: string): Promise<void> {
  let prev = GENESIS_HASH;
  for (const e of await em.find<CaseEventRow>(CASE_EVENT, { where: { caseId }, order: { seq: 'ASC' } })) {
    const hash = hashEvent({ ...e, prevHash: prev, hashFormat: 1 });
    await em.update(CASE_EVENT, { id: e.id }, { prevHash: prev, hash, hashFormat: 1 });
    prev = hash;
  }
  await em.update(CASE, { id: caseId }, { headHash: prev });
}
