/**
 * `npm run test:faults`: the fault-injection suite (test/faults/*.fault-spec.ts). It starts the built
 * server as real processes, kills them, restarts PostgreSQL and Redis, so it runs serially and apart
 * from `npm test`. Scenarios that need PostgreSQL or Redis are chosen only when DATABASE_URL or
 * REDIS_URL is set; the others run on whichever backend the environment names, like `npm test`.
 */
const base = require('./jest.config.cjs');

const scenarios = [
  { file: 'kill-api', needs: [] },
  { file: 'hostile-requests', needs: [] },
  { file: 'edges', needs: [] },
  { file: 'postgres-restart', needs: ['DATABASE_URL'] },
  { file: 'redis-restart', needs: ['REDIS_URL'] },
  { file: 'racing-workers', needs: ['REDIS_URL'] },
];

module.exports = {
  ...base,
  testMatch: scenarios.filter((s) => s.needs.every((v) => process.env[v])).map((s) => `<rootDir>/test/faults/${s.file}.fault-spec.ts`),
  globalSetup: '<rootDir>/test/faults/global-setup.cjs',
  testTimeout: 300_000,
  maxWorkers: 1,
  // A scenario that fails half-way may leave a client connection open; the run must still end.
  forceExit: true,
};
