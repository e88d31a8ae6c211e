import 'reflect-metadata';
import { createApp } from '../app.js';
import { TokenService } from '../auth/token.service.js';
import { SettableClock } from '../common/clock.js';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { DirectoryService } from '../directory/directory.service.js';
import { runDemo } from './demo.js';
import { exportCommand, replayCommand, verifyCommand, type CliIo } from './auditor.js';
import { DomainError } from '../common/errors.js';

const USAGE = `usage: npm run onegate -- <command>
  token <userId> [--ttl 24h]   print a bearer token for a directory user, signed with the local secret
  demo                         fill an empty installation with Kota Jambi's 2017 and cases open at every stage
  replay <caseId> [--at ISO] [--seq N]          print a case's timeline and its state at that point
  verify [--checkpoint file] [--case id]        check every chain, replay and document; exit 1 on any problem
  export --format jsonl|csv|xes --out file [--from ISO] [--to ISO]   write the event log`;

const io: CliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  progress: (text) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${text}\x1b[K`);
  },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  // Commands do no background work (no timers, mail or periodic checkpoints): the server does that.
  const config = { ...loadConfig(), role: 'cli' as const };
  if (command === 'token') {
    const userId = rest.find((a) => !a.startsWith('--'));
    const ttlIndex = rest.indexOf('--ttl');
    const ttl = ttlIndex >= 0 ? rest[ttlIndex + 1] : '24h';
    if (!userId || !ttl) {
      console.error(USAGE);
      return 2;
    }
    const app = await createApp(config, { logger: false });
    try {
      const user = await app.get(DirectoryService).get(userId);
      if (!user) {
        const known = (await app.get(DirectoryService).list()).map((u) => u.id);
        console.error(`onegate: no user "${userId}" in the directory. Known: ${known.join(', ') || 'none (start onegate once, or PUT /api/users/:id)'}`);
        return 1;
      }
      console.log(await app.get(TokenService).sign(user, ttl));
      return 0;
    } finally {
      await app.close();
    }
  }
  if (command === 'demo') {
    const clock = new SettableClock();
    const app = await createApp(config, { logger: false, clock });
    try {
      await runDemo(app, clock, config.timezone, (line) => console.log(`onegate demo: ${line}`));
      return 0;
    } finally {
      await app.close();
    }
  }
  const auditCommands: Record<string, typeof verifyCommand> = { replay: replayCommand, verify: verifyCommand, export: exportCommand };
  if (auditCommands[command]) {
    const app = await createApp(config, { logger: false });
    try {
      const code = await auditCommands[command]!(app, rest, io);
      if (process.stderr.isTTY) process.stderr.write('\n');
      return code;
    } catch (err) {
      if (err instanceof DomainError) {
        console.error(`onegate: ${err.message}`);
        return 2;
      }
      throw err;
    } finally {
      await app.close();
    }
  }
  console.error(`onegate: unknown command "${command}"\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`onegate: ${err instanceof ConfigError ? 'configuration error: ' : ''}${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
