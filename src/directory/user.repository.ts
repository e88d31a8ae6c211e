import { Inject, Injectable } from '@nestjs/common';
import { In, LessThanOrEqual, type EntityManager } from 'typeorm';
import { Database } from '../database/database.js';
import { USER } from '../database/entities.js';
import type { UserRow } from '../database/rows.js';

/**
 * The users table, the one place that reads or writes it. Each method works in the unit of work it is
 * handed (a transaction, or `db.read`), so a step that checks a user does so in its own transaction.
 */
@Injectable()
export class UserRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  /**
   * The user of an id by a hand-written statement: what every request's identity check reads (a
   * TypeORM finder builds its query anew each time, a fifth of the check's CPU).
   */
  async find(em: EntityManager, id: string): Promise<UserRow | null> {
    return (await this.db.raw<UserRow>(USER).select(em, { id }))[0] ?? null;
  }

  /** Also in a step's `load`, through its read-only finders. */
  byId(em: Pick<EntityManager, 'findOneBy'>, id: string): Promise<UserRow | null> {
    return em.findOneBy<UserRow>(USER, { id });
  }

  byIds(em: Pick<EntityManager, 'findBy'>, ids: string[]): Promise<UserRow[]> {
    return em.findBy<UserRow>(USER, { id: In(ids) });
  }

  /** Every user, by id. */
  all(em: EntityManager): Promise<UserRow[]> {
    return em.find<UserRow>(USER, { order: { id: 'ASC' } });
  }

  /** The active users of the morning digest whose setting dates from `settledBy` or before (contract §12). */
  dailyDigestReaders(em: Pick<EntityManager, 'find'>, settledBy: Date): Promise<UserRow[]> {
    return em.find<UserRow>(USER, { where: { digest: 'daily', active: true, updatedAt: LessThanOrEqual(settledBy) }, order: { id: 'ASC' } });
  }

  exists(em: EntityManager, id: string): Promise<boolean> {
    return em.existsBy(USER, { id });
  }

  count(em: EntityManager): Promise<number> {
    return em.count(USER);
  }

  async save(em: EntityManager, row: UserRow): Promise<void> {
    await em.save(USER, row);
  }

  async update(em: EntityManager, id: string, changes: Partial<Omit<UserRow, 'id'>>): Promise<void> {
    await em.update(USER, { id }, changes);
  }

  /** Inserts the row unless a user of that id exists (two first requests of one provider user at once). */
  async insertIfAbsent(em: EntityManager, row: UserRow): Promise<void> {
    await em.createQueryBuilder().insert().into(USER).values(row).orIgnore().execute();
  }
}
