// Sequential task completions through fastify.inject in one process (no sockets): the CPU a step costs onegate itself.
// Usage: npx tsc -p tsconfig.bench.json && N=2000 [MODE=sqlite] node scripts/bench-inject.mjs (PostgreSQL + Redis at the bench defaults otherwise).
import 'reflect-metadata';
const root = process.cwd() + '/dist-bench';
const { createApp } = await import(`${root}/src/app.js`);
const { startOf } = await import(`${root}/src/cases/cases.service.js`);
const { TokenService } = await import(`${root}/src/auth/token.service.js`);
const { DirectoryService } = await import(`${root}/src/directory/directory.service.js`);
const { Engine } = await import(`${root}/src/engine/engine.js`);
const { benchConfig, createBenchDatabase, redisUrl } = await import(`${root}/bench/support/bench-env.js`);
const pgMode = process.env.MODE !== 'sqlite';
const bench = pgMode ? await createBenchDatabase('inject') : null;
const dir = '/tmp/inject-' + Date.now();
const app = await createApp(benchConfig({ dataDir: dir, database: pgMode ? { kind: 'postgres', url: bench.url } : { kind: 'sqlite', file: dir + '/x.sqlite' }, redisUrl: pgMode ? redisUrl() : null, queuePrefix: 'inject-' + Date.now(), role: 'all' }), { logger: false });
await app.init(); const fastify = app.getHttpAdapter().getInstance(); await fastify.ready();
const sec = await app.get(DirectoryService).put('bench-sec', { name: 'S', email: 's@localhost', roles: ['secretariat'] });
const engine = app.get(Engine); const signer = app.get(TokenService);
const N = Number(process.env.N ?? 3000); const ids = []; const tokens = [];
for (let i = 0; i < N; i++) {
  const { case: c } = await engine.start({ actor: { id: 'o', roles: ['proposer'] }, ...startOf('o', { title: 'B', instrument: 'kb', partner: { name: 'M', category: 'region' }, requiresDprdApproval: false }), workflow: { name: 'cooperation', version: 1 } });
  const { tasks } = await engine.step({ caseId: c.id, actor: { id: 'o', roles: ['proposer'] }, plan: () => ({ type: 'SUBMIT', machineEvent: { type: 'SUBMIT' } }) });
  ids.push(tasks[0].id); tokens.push(await signer.sign(sec, 3600));
}
const payload = JSON.stringify({ decision: 'approve', comment: 'x'.repeat(300) });
async function run(from, to) { for (let i = from; i < to; i++) { const r = await fastify.inject({ method: 'POST', url: `/api/tasks/${ids[i]}/complete`, headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' }, payload }); if (r.statusCode !== 200) throw new Error(r.body); } }
await run(0, N / 2);
const c0 = process.cpuUsage(); const t0 = performance.now();
await run(N / 2, N);
const c = process.cpuUsage(c0); const ms = performance.now() - t0;
console.log(`${pgMode ? 'pg+redis' : 'sqlite'}: ${(N / 2)} sequential completions, CPU ${((c.user + c.system) / 1000 / (N / 2)).toFixed(2)} ms each (user ${(c.user / 1000 / (N / 2)).toFixed(2)}), wall ${(ms / (N / 2)).toFixed(2)} ms each`);
await app.close(); if (bench) await bench.drop(); process.exit(0);
