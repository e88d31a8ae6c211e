// Announce the backend once per run so the output says which database the integration suites used.
module.exports = async () => {
  const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite';
  process.stdout.write(`\n[onegate] integration suites run on ${db}\n`);
};
