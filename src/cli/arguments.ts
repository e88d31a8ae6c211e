import type { INestApplicationContext } from '@nestjs/common';
import { CasesService } from '../cases/cases.service.js';
import { DomainError } from '../common/errors.js';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { parseIsoDuration } from '../config/app-config.js';

/** A bad argument: the CLI prints `onegate: <message>` on one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--seq 5`: a whole number ≥ 1 (events count from 1). */
export function parseSeq(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new UsageError(`--seq must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** A parser for an ISO 8601 date or date-time option (`--at`, `--from`, `--to`); keeps the text. */
export function isoDate(option: string): (value: string) => string {
  return (value) => {
    // Date.parse alone takes "1" or "March 7"; ask for a leading YYYY-MM-DD as ISO 8601 has.
    if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) throw new UsageError(`${option} must be an ISO 8601 date or date-time (2026-12-07T14:00:00+07:00), got ${JSON.stringify(value)}`);
    return value;
  };
}

const TTL_UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_557_600 };

/** `--ttl 24h` (a number and a unit, as jose writes spans) or an ISO 8601 duration (`PT8H`): its length in seconds. */
export function parseTtl(value: string): number {
  const iso = parseIsoDuration(value);
  if (iso !== null) return iso;
  const m = /^(\d+(?:\.\d+)?) ?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|yrs?|years?)$/i.exec(value);
  const seconds = m ? Math.floor(Number(m[1]) * TTL_UNIT_SECONDS[m[2]![0]!.toLowerCase()]!) : 0;
  if (!(seconds > 0)) throw new UsageError(`--ttl must be a time span such as 30m, 24h or 7d, got ${JSON.stringify(value)}`);
  return seconds;
}

const CASE_NUMBER = /^KS-\d{4}-\d+$/i;

/** A case's id from its id or its number (`KS-2026-0007`); an unknown one is a UsageError naming it. */
export async function resolveCaseId(app: INestApplicationContext, ref: string): Promise<string> {
  const cases = app.get(CasesService);
  if (CASE_NUMBER.test(ref)) {
    const number = ref.toUpperCase();
    const found = (await cases.list(SYSTEM_ACTOR, { q: number, limit: 200 })).items.find((c) => c.number === number);
    if (!found) throw new UsageError(`no case numbered ${number}`);
    return found.id;
  }
  try {
    return (await cases.get(SYSTEM_ACTOR, ref)).id;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'NotFound') throw new UsageError(`no case ${JSON.stringify(ref)} (give its id or its number, e.g. KS-2026-0007)`);
    throw err;
  }
}
