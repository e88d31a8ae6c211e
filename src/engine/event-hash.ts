import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import type { CaseEventRow } from '../database/rows.js';

/** The chain starts from 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an event's hash covers: every recorded field and the previous event's hash. */
export function hashEvent(e: Omit<CaseEventRow, 'id' | 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      caseId: e.caseId,
      seq: e.seq,
      type: e.type,
      actor: { id: e.actorId, roles: e.actorRoles },
      at: e.at.toISOString(),
      data: e.data,
      stageBefore: e.stageBefore,
      stageAfter: e.stageAfter,
      workflow: `${e.workflowName}@${e.workflowVersion}`,
      prevHash: e.prevHash,
    }),
  );
}
