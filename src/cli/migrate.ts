import type { INestApplicationContext } from '@nestjs/common';
import { DEFAULT_WORKFLOW } from '../../workflows/registry.js';
import { workflowLabel } from '../i18n/labels.js';
import { MigrationService } from '../workflows/migration.service.js';
import { UsageError } from './arguments.js';
import type { CliIo } from './auditor.js';

/** Who the MIGRATED events name when the command line moves cases: the administrator, by its tool. */
export const CLI_MIGRATE_ACTOR = { id: 'cli-migrate', roles: ['admin' as const] };

/** `--from 2`: a version number, a whole number ≥ 1. */
export function parseVersion(option: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new UsageError(`${option} must be a version number (1, 2, …), got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

/**
 * `migrate --from N --to M [--case <case>…] [--dry-run] [--workflow name]`: the API's move of running
 * cases (contract §11) from the command line, with a progress bar. Each case left as it is gets a line
 * with its reason. Exit 0 (skipped cases are an answer, not a failure); a bad version is a usage error.
 * `caseIds` are resolved (ids or numbers).
 */
export async function migrateCommand(
  app: INestApplicationContext,
  options: { workflow?: string; from: number; to: number; caseIds?: string[]; dryRun?: boolean },
  io: CliIo,
): Promise<number> {
  const name = options.workflow ?? DEFAULT_WORKFLOW;
  const report = await app
    .get(MigrationService)
    .migrate(CLI_MIGRATE_ACTOR, name, { from: options.from, to: options.to, dryRun: Boolean(options.dryRun), ...(options.caseIds ? { caseIds: options.caseIds } : {}) }, (done, total) =>
      io.progress(options.dryRun ? 'memeriksa kasus' : 'memindahkan kasus', done, total),
    );
  for (const s of report.skipped) io.out(`dilewati ${s.number ?? s.caseId}: ${s.reason} (${s.code})`);
  const what = `${workflowLabel('id', name, report.from)} → versi ${report.to}`;
  io.out(
    options.dryRun
      ? `uji coba (tidak ada yang disimpan): ${what}: ${report.counts.moved} kasus akan dipindahkan, ${report.counts.skipped} dilewati`
      : `${what}: ${report.counts.moved} kasus dipindahkan, ${report.counts.skipped} dilewati`,
  );
  return 0;
}
