import canonicalizeModule from 'canonicalize';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import type { CaseEventRow } from '../database/rows.js';

// canonicalize 2.x is CommonJS (`module.exports = serialize`) typed as `export default`: Node's default
// import is the function itself, which its types call the module.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string;

/** The chain starts from 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * How an event was written out before it was hashed. Every row records its own (`case_events.hash_format`),
 * so a chain written before a change of format still verifies, row by row.
 * - 1: canonical-json.ts, our own sorted-key JSON; every event written before issue 16. Kept byte for byte.
 * - 2: RFC 8785 (JSON Canonicalization Scheme) by the `canonicalize` package, with the format itself hashed.
 *   Format 1 differs from it on integer-like keys: JavaScript puts them first, in numeric order
 *   (`{"10":…,"9":…}` is `{"9":…,"10":…}` there), where RFC 8785 sorts every key by UTF-16 code units.
 */
export const HASH_FORMATS = [1, 2] as const;
export type HashFormat = (typeof HASH_FORMATS)[number];

/** The format new events are written with. */
export const CURRENT_HASH_FORMAT: HashFormat = 2;

/** A row names a format this code does not know: it cannot be verified (a verification problem, not a crash). */
export class UnknownHashFormat extends Error {}

export type HashedEvent = Omit<CaseEventRow, 'id' | 'hash'>;

/** What an event's hash covers: every recorded field and the previous event's hash, in the row's own format. */
export function hashEvent(e: HashedEvent): string {
  const body = {
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
  };
  switch (e.hashFormat) {
    case 1:
      return sha256Hex(canonicalJson(body));
    case 2:
      // The format is hashed too: relabelling a row's format changes the bytes its hash must match.
      return sha256Hex(canonicalize({ ...body, hashFormat: 2 }));
    default:
      throw new UnknownHashFormat(`hash format ${String(e.hashFormat)} is not known (known: ${HASH_FORMATS.join(', ')})`);
  }
}
