import type { Database } from '../src/database/database.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * Migrations UserChannels1766600000000 and Digests1766600000001 (the table of morning digests): users get phone, channels and digest (existing users: no phone,
 * e-mail only, no digest); deliveries get their channel (existing ones: e-mail), and one timer's message
 * may go once per channel to one recipient. Reverted, the WhatsApp rows go and the columns with them; it runs again.
 */
describe(`user channels migration (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
  });
  afterAll(async () => {
    await db.close();
    await test.drop();
  });

  const executed = async () => ((await db.dataSource.query(`SELECT name FROM migrations`)) as { name: string }[]).map((r) => r.name);
  const columnsOf = async (table: string) => {
    const runner = db.dataSource.createQueryRunner();
    try {
      return (await runner.getTable(table))!.columns.map((c) => c.name);
    } finally {
      await runner.release();
    }
  };
  const hasTable = async (table: string) => {
    const runner = db.dataSource.createQueryRunner();
    try {
      return await runner.hasTable(table);
    } finally {
      await runner.release();
    }
  };
  const revert = async () => {
    while ((await executed()).includes('UserChannels1766600000000')) await db.dataSource.undoLastMigration({ transaction: 'each' });
  };
  const at = "'2031-01-08 03:00:00'";
  const delivery = (id: string, channel?: string) =>
    `INSERT INTO deliveries (id, case_id, timer_id, kind, recipient_id, recipient_email, locale, subject, body, status, attempts, created_at${channel ? ', channel' : ''}) ` +
    `VALUES ('${id}', 'c1', 't1', 'reminder', 'u1', 'u1@x.go.id', 'id', 's', 'b', 'sent', 1, ${at}${channel ? `, '${channel}'` : ''})`;

  it('adds the columns with defaults for what was there, lets a message go once per channel, and reverts', async () => {
    expect(await hasTable('digests')).toBe(true);
    await revert(); // Digests1766600000001 first, then UserChannels1766600000000
    expect(await hasTable('digests')).toBe(false);
    expect(await columnsOf('users')).not.toContain('phone');
    await db.dataSource.query(`INSERT INTO users (id, name, email, roles, locale, active, created_at, updated_at) VALUES ('u1', 'U', 'u1@x.go.id', '["tkksd"]', 'id', ${db.dialect === 'postgres' ? 'true' : 1}, ${at}, ${at})`);
    await db.dataSource.query(delivery('d1'));
    await expect(db.dataSource.query(delivery('d1b'))).rejects.toThrow(); // one per timer and address before

    await db.migrate();
    expect(await columnsOf('users')).toEqual(expect.arrayContaining(['phone', 'channels', 'digest']));
    const [user] = await db.dataSource.query(`SELECT phone, channels, digest FROM users WHERE id = 'u1'`);
    expect(user).toEqual({ phone: null, channels: null, digest: 'none' });
    expect(await db.dataSource.query(`SELECT channel, recipient_phone FROM deliveries WHERE id = 'd1'`)).toEqual([{ channel: 'email', recipient_phone: null }]);
    await db.dataSource.query(delivery('d2', 'whatsapp'));
    await expect(db.dataSource.query(delivery('d3', 'whatsapp'))).rejects.toThrow(); // still once per channel

    await revert();
    expect(await columnsOf('deliveries')).not.toContain('channel');
    expect(await columnsOf('users')).not.toEqual(expect.arrayContaining(['phone']));
    expect((await db.dataSource.query(`SELECT id FROM deliveries ORDER BY id`)).map((r: { id: string }) => r.id)).toEqual(['d1']);
    await db.migrate();
    expect(await columnsOf('deliveries')).toEqual(expect.arrayContaining(['channel', 'recipient_phone']));
    expect(await hasTable('digests')).toBe(true);
  });
});
