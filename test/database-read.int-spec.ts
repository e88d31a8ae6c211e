import type { EntityManager } from 'typeorm';
import type { Database } from '../src/database/database.js';
import { USER } from '../src/database/entities.js';
import type { UserRow } from '../src/database/rows.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/** `Database.read()` cannot write, on either database, whichever way a write is sent; reads and writes elsewhere go on. */
describe(`db.read() is read-only (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let db: Database;
  let test: TestDatabase;
  const user = (id: string): UserRow => ({ id, name: `User ${id}`, email: `${id}@example.go.id`, roles: ['proposer'], supervisorId: null, locale: 'id', active: true, phone: null, channels: null, digest: 'none', createdAt: new Date(), updatedAt: new Date() });
  const ids = async () => (await db.read((em) => em.find<UserRow>(USER, { order: { id: 'ASC' } }))).map((u) => u.id);

  beforeAll(async () => {
    ({ db, test } = await openTestDatabase());
    await db.transaction((em) => em.insert(USER, user('kept')));
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
  });

  it.each([
    ['an insert', (em: EntityManager) => em.insert(USER, user('written'))],
    ['a save', (em: EntityManager) => em.save(USER, user('written'))],
    ['an update', (em: EntityManager) => em.update(USER, { id: 'kept' }, { name: 'changed' })],
    ['a delete', (em: EntityManager) => em.delete(USER, { id: 'kept' })],
    ['a raw UPDATE', (em: EntityManager) => em.query(`UPDATE users SET name = 'changed'`)],
    ['a query-builder insert', (em: EntityManager) => em.createQueryBuilder().insert().into(USER).values(user('written')).execute()],
    ['a CREATE TABLE', (em: EntityManager) => em.query(`CREATE TABLE scratch (x integer)`)],
  ])('refuses %s, and writes nothing', async (_what, write) => {
    await expect(db.read(write)).rejects.toThrow(db.dialect === 'postgres' ? /read-only transaction/ : /readonly|read-only/i);
    expect(await ids()).toEqual(['kept']);
    expect((await db.read((em) => em.findOneByOrFail<UserRow>(USER, { id: 'kept' }))).name).toBe('User kept');
  });

  it('leaves writes through transaction() and write() working after a refused read', async () => {
    await expect(db.read((em) => em.insert(USER, user('refused')))).rejects.toThrow();
    await db.transaction((em) => em.insert(USER, user('by-transaction')));
    await db.write((em) => em.update(USER, { id: 'kept' }, { name: 'by write' }));
    expect(await ids()).toEqual(['by-transaction', 'kept']);
    expect((await db.read((em) => em.findOneByOrFail<UserRow>(USER, { id: 'kept' }))).name).toBe('by write');
  });
});
