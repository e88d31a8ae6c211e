import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import type { CaseRow } from '../database/rows.js';

/**
 * Who may see a case at all (contract §6): every staff role sees every case; a user whose only role is
 * `proposer` sees only the cases they proposed. Every read path asks this one policy — the case list
 * and page, tasks, documents, history, notifications, the diagram's highlight, the dashboard's lists —
 * and a case the caller may not see answers exactly as an unknown id does (404), so its existence is
 * not revealed. Beyond this, `AuditService.assertCanSeeRecord` narrows the record (history, documents,
 * e-mails) to the case's participants. `SYSTEM_ACTOR` (the server itself: the command line, timers; never
 * a token's subject) sees every case.
 */
export function seesEveryCase(actor: Actor): boolean {
  return actor === SYSTEM_ACTOR || actor.roles.some((r) => r !== 'proposer');
}

export function canSeeCase(actor: Actor, row: Pick<CaseRow, 'proposerId'>): boolean {
  return seesEveryCase(actor) || row.proposerId === actor.id;
}

/**
 * The same rule as a filter for queries over many cases: null when the caller sees every case, else
 * the proposer id the cases must have (column `proposer_id` of `cases`).
 */
export function visibleProposer(actor: Actor): string | null {
  return seesEveryCase(actor) ? null : actor.id;
}
