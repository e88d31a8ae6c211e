import 'reflect-metadata';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { INestApplicationContext } from '@nestjs/common';
import { EXPORT_FORMATS, type ExportFormat } from '../audit/audit-export.js';
import { createApp } from '../app.js';
import { TokenService } from '../auth/token.service.js';
import { SettableClock } from '../common/clock.js';
import { DomainError } from '../common/errors.js';
import { ConfigError, describeSeconds, loadConfig } from '../config/app-config.js';
import { DirectoryService } from '../directory/directory.service.js';
import { isoDate, parseSeq, parseTtl, resolveCaseId, UsageError } from './arguments.js';
import { exportCommand, readCheckpointFile, replayCommand, verifyCommand, verifyExportCommand, type CliIo } from './auditor.js';
import { runDemo } from './demo.js';
import { importCommand } from './import.js';
import { migrateCommand, parseVersion } from './migrate.js';
import { TerminalProgress } from './progress.js';
import { WORKFLOWS, findWorkflow } from '../../workflows/registry.js';
import { SealError, checkSeals, defaultWorkflowsDir, sealVersion } from '../workflows/seal.js';

const progress = new TerminalProgress();
const io: CliIo = {
  out: (line) => {
    progress.stop();
    console.log(line);
  },
  err: (line) => {
    progress.stop();
    console.error(line);
  },
  progress: progress.update,
};

/** Boots the services for one command, then closes them (and any progress bar) whatever happens. */
async function withApp(run: (app: INestApplicationContext) => Promise<number>, clock?: SettableClock): Promise<number> {
  // Commands do no background work (no timers, mail or periodic checkpoints): the server does that.
  const config = { ...loadConfig(), role: 'cli' as const };
  const app = await createApp(config, { logger: false, clock });
  try {
    return await run(app);
  } finally {
    progress.stop();
    await app.close();
  }
}

function buildProgram(done: (code: number) => void): Command {
  const program = new Command('onegate')
    .usage('<command> [options]   (as npm run onegate -- <command> [options])')
    .description("onegate's command line: tokens, the demo year, the register import, moving cases to a newer workflow version, and the auditor's replay, verify, export and verify-export.\nA case is named by its id or its number (KS-2026-0007).")
    .helpCommand('help [command]', 'show the help of a command')
    // Errors come back to main() as exceptions and are printed there on one line.
    .exitOverride()
    .configureOutput({ outputError: () => {} });

  program
    .command('token')
    .description('print a bearer token for a directory user, signed with the local secret')
    .argument('<userId>', 'a user of the directory (e.g. demo-proposer)')
    .addOption(new Option('--ttl <span>', 'how long the token lives (30m, 8h, PT8H), at most AUTH_TOKEN_MAX_TTL (default: 24h or that, if shorter)').argParser(parseTtl))
    .action(async (userId: string, options: { ttl?: number }) => {
      done(
        await withApp(async (app) => {
          const tokens = app.get(TokenService);
          const ttl = options.ttl ?? Math.min(86_400, tokens.maxTtlSeconds);
          if (ttl > tokens.maxTtlSeconds) throw new UsageError(`--ttl must be at most AUTH_TOKEN_MAX_TTL (${describeSeconds(tokens.maxTtlSeconds)}), got ${describeSeconds(ttl)}`);
          const directory = app.get(DirectoryService);
          const user = await directory.get(userId);
          if (!user) {
            const known = (await directory.list()).map((u) => u.id);
            throw new UsageError(`no user "${userId}" in the directory. Known: ${known.join(', ') || 'none (start onegate once, or PUT /api/users/:id)'}`);
          }
          if (!user.active) throw new UsageError(`user "${userId}" is deactivated`);
          io.out(await tokens.sign(user, ttl));
          return 0;
        }),
      );
    });

  program
    .command('demo')
    .description("fill an empty installation with Kota Jambi's 2017 and cases open at every stage")
    .action(async () => {
      const clock = new SettableClock();
      done(
        await withApp(async (app) => {
          await runDemo(app, clock, loadConfig().timezone, (line) => io.out(`onegate demo: ${line}`), io.progress);
          return 0;
        }, clock),
      );
    });

  program
    .command('import')
    .description('take in legacy agreements from a CSV or XLSX register (contract §9); exit 1 when the file has errors (nothing is created then)')
    .argument('<file>', 'a CSV (UTF-8, header row, , or ;) or XLSX (first sheet), e.g. docs/contoh-impor-perjanjian.csv')
    .option('--dry-run', 'report every row\'s errors and what would be created, without creating')
    .action(async (file: string, options: { dryRun?: boolean }) => {
      done(await withApp(async (app) => importCommand(app, file, options, io)));
    });

  program
    .command('migrate')
    .description('move running cases to a newer version of their workflow (contract §11); cases that cannot move are listed with the reason and left as they are')
    .addOption(new Option('--from <version>', 'the version the cases run on now').argParser(parseVersion('--from')).makeOptionMandatory())
    .addOption(new Option('--to <version>', 'the newer version to move them to').argParser(parseVersion('--to')).makeOptionMandatory())
    .addOption(new Option('--case <case>', 'only this case (id or number); repeat for more').argParser((value: string, previous: string[] = []) => [...previous, value]))
    .option('--workflow <name>', 'the workflow', 'cooperation')
    .option('--dry-run', 'report what would move, without moving')
    .action(async (options: { from: number; to: number; case?: string[]; workflow: string; dryRun?: boolean }) => {
      done(
        await withApp(async (app) => {
          const caseIds = options.case ? await Promise.all(options.case.map((ref) => resolveCaseId(app, ref))) : undefined;
          return migrateCommand(app, { workflow: options.workflow, from: options.from, to: options.to, dryRun: options.dryRun, ...(caseIds ? { caseIds } : {}) }, io);
        }),
      );
    });

  program
    .command('replay')
    .description("print a case's timeline and its state at that point (the last event by default)")
    .argument('<case>', 'the case id or number (KS-2026-0007)')
    .addOption(new Option('--at <iso>', 'the state at this instant (ISO 8601)').argParser(isoDate('--at')).conflicts('seq'))
    .addOption(new Option('--seq <n>', 'the state after event n').argParser(parseSeq))
    .action(async (ref: string, options: { at?: string; seq?: number }) => {
      done(await withApp(async (app) => replayCommand(app, await resolveCaseId(app, ref), options, io)));
    });

  program
    .command('verify')
    .description('check every chain, replay and document (and a kept checkpoint); exit 1 on any problem')
    .option('--checkpoint <file>', 'a checkpoint file kept outside the database (POST /api/audit/checkpoints)')
    .option('--case <case>', 'only this case (id or number)')
    .action(async (options: { checkpoint?: string; case?: string }) => {
      const checkpoint = options.checkpoint !== undefined ? readCheckpointFile(options.checkpoint) : undefined;
      done(await withApp(async (app) => verifyCommand(app, { checkpoint, caseId: options.case !== undefined ? await resolveCaseId(app, options.case) : undefined }, io)));
    });

  program
    .command('verify-export')
    .description('check the hash chains of a JSON-lines export from the file alone, without the database; exit 1 on any problem')
    .argument('<file>', 'a file written by export --format jsonl')
    .action(async (file: string) => {
      done(await verifyExportCommand(file, io));
    });

  program
    .command('export')
    .description('write the event log (JSON lines, CSV, or XES for process-mining tools)')
    .addOption(new Option('--format <format>', 'the file format').choices(EXPORT_FORMATS).makeOptionMandatory())
    .requiredOption('--out <file>', 'the file to write')
    .addOption(new Option('--from <iso>', 'only events at or after this instant').argParser(isoDate('--from')))
    .addOption(new Option('--to <iso>', 'only events at or before this instant').argParser(isoDate('--to')))
    .action(async (options: { format: ExportFormat; out: string; from?: string; to?: string }) => {
      done(await withApp(async (app) => exportCommand(app, options, io)));
    });

  // No database or server: these read the source tree (contract §13).
  const workflows = program.command('workflows').description('the sealed workflow versions: check their hashes, or seal a new one');
  const dirOption = () => new Option('--dir <dir>', 'the workflows/ folder of the source tree').default(defaultWorkflowsDir(), './workflows');
  workflows
    .command('check')
    .description("recompute every sealed version's hashes against workflows/lock.ts; exit 1 when one changed")
    .addOption(dirOption())
    .action((options: { dir: string }) => {
      const check = checkSeals(options.dir);
      for (const key of check.intact) io.out(`sealed, unchanged: ${key}`);
      for (const key of check.unsealed) io.out(`not sealed yet: ${key} (seal it before a case runs on it: npm run onegate -- workflows seal ${key})`);
      for (const problem of check.problems) io.err(`CHANGED: ${problem}`);
      if (check.problems.length) io.err('A sealed version must not change: restore it (git checkout -- workflows/) and put the change in a new version.');
      done(check.problems.length ? 1 : 0);
    });
  workflows
    .command('seal')
    .description('seal a version that is about to run its first case: record its files\' hashes in workflows/lock.ts')
    .argument('<workflow>', 'name@version, e.g. cooperation@3', parseWorkflowRef)
    .addOption(dirOption())
    .action((ref: { name: string; version: number }, options: { dir: string }) => {
      const workflow = findWorkflow(ref.name, ref.version);
      if (!workflow) throw new UsageError(`no workflow ${ref.name}@${ref.version} in workflows/registry.ts (known: ${WORKFLOWS.map((w) => `${w.name}@${w.version}`).join(', ')})`);
      try {
        const sealed = sealVersion(options.dir, workflow);
        io.out(`sealed ${ref.name}@${ref.version}: ${Object.keys(sealed.find((s) => s.workflow === ref.name && s.version === ref.version)!.files).length} files in workflows/lock.ts`);
      } catch (e) {
        if (e instanceof SealError) throw new UsageError(e.message);
        throw e;
      }
      done(0);
    });

  return program;
}

function parseWorkflowRef(value: string): { name: string; version: number } {
  const m = /^([a-z][a-z0-9_-]*)@([1-9]\d*)$/.exec(value);
  if (!m) throw new InvalidArgumentError('write it as name@version, e.g. cooperation@3');
  return { name: m[1]!, version: Number(m[2]) };
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return err.exitCode === 0 ? 0 : 2;
      // "error: unknown option '--x'\n(Did you mean --y?)" → one line.
      console.error(`onegate: ${err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}`);
      return 2;
    }
    if (err instanceof UsageError || err instanceof DomainError) {
      console.error(`onegate: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`onegate: ${err instanceof ConfigError ? 'configuration error: ' : ''}${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
