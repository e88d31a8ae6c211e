// Says which fault scenarios this run holds and on which services, so a reader of the CI log knows.
module.exports = async (_globalConfig, project) => {
  const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite';
  const queue = process.env.REDIS_URL ? 'BullMQ on Redis' : 'in-process';
  const files = project.testMatch.map((m) => m.replace(/^.*\//, '').replace('.fault-spec.ts', ''));
  process.stdout.write(`\n[faults] database ${db}, queue ${queue}; scenarios: ${files.join(', ')}\n`);
};
