/**
 * `npm run bench [-- part…]`: runs the bench parts, each in its own process so one part's heap, JIT
 * and connections cannot colour the next. Parts: steps (items 1–2), verify (3), timers (4), inbox (5)
 * and memory (6), the last two in one script sharing one grown database, and import (issue 17 §2: the legacy
 * import of 10,000 rows through the CLI on both backends) and migrate (issue 19: moving 10,000 running cases to the
 * newest workflow version through the CLI on both backends). Default all, or name them
 * (`npm run bench -- verify`, or BENCH_PARTS=verify).
 * Each writes bench/results/<date>-<time>-<part>.md.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from './support/bench-env.js';

const PARTS = ['steps', 'verify', 'timers', 'inbox', 'memory', 'import', 'migrate'] as const;
type Part = (typeof PARTS)[number];

const asked = (process.argv.length > 2 ? process.argv.slice(2) : (process.env.BENCH_PARTS ?? PARTS.join(',')).split(','))
  .flatMap((a) => a.split(','))
  .map((a) => a.trim())
  .filter(Boolean);
const unknown = asked.filter((a) => !(PARTS as readonly string[]).includes(a));
if (unknown.length) {
  console.error(`unknown bench part(s): ${unknown.join(', ')} (known: ${PARTS.join(', ')})`);
  process.exit(2);
}
const selected = PARTS.filter((p) => asked.includes(p));

/** Parts that one script serves together (both measured on the same seeded database). */
const SHARED: { script: string; parts: Part[] }[] = [{ script: 'inbox.bench.js', parts: ['inbox', 'memory'] }];
const runs: { script: string; parts: Part[] }[] = [];
for (const part of selected) {
  const shared = SHARED.find((s) => s.parts.includes(part));
  if (!shared) runs.push({ script: `${part}.bench.js`, parts: [part] });
  else if (!runs.some((r) => r.script === shared.script)) runs.push({ script: shared.script, parts: shared.parts.filter((p) => selected.includes(p)) });
}

let failed = 0;
for (const run of runs) {
  console.log(`\n=== bench: ${run.parts.join(' + ')} ===\n`);
  const res = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '--max-old-space-size=4096', join('dist-bench', 'bench', run.script)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PARTS: run.parts.join(',') },
  });
  if (res.status !== 0) {
    failed++;
    console.error(`bench ${run.parts.join(' + ')} failed (exit ${res.status ?? res.signal})`);
  }
}
process.exit(failed ? 1 : 0);
