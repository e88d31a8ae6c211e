import { Inject, Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { readFileSync } from 'node:fs';
import type { EntityManager } from 'typeorm';
import type { Role } from '../../workflows/domain.js';
import { Clock } from '../common/clock.js';
import { invalid, notFound } from '../common/errors.js';
import { describeValidationErrors } from '../common/validation.js';
import { Database } from '../database/database.js';
import type { UserRow } from '../database/rows.js';
import { normalisePhone } from './phone.js';
import { ContactSettingsDto, PutUserDto, RESERVED_USER_IDS, USER_ID_PATTERN, isStatusChange } from './user.dto.js';
import { UserRepository } from './user.repository.js';

/** The users onegate mails and escalates to: from `ONEGATE_DIRECTORY`, the users API, or the demo set. */
@Injectable()
export class DirectoryService {
  private readonly logger = new Logger('Directory');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(UserRepository) private readonly users: UserRepository,
  ) {}

  async put(id: string, body: PutUserDto): Promise<UserRow> {
    if (!USER_ID_PATTERN.test(id)) throw invalid('id', 'must be 1–128 letters, digits, dot, underscore, @ or dash');
    if (RESERVED_USER_IDS.includes(id)) throw invalid('id', `${id} is reserved for onegate's own steps`);
    return this.db.transaction(async (em) => this.upsert(em, id, body));
  }

  private async upsert(em: EntityManager, id: string, body: PutUserDto): Promise<UserRow> {
    if (isStatusChange(body)) {
      const existing = await this.users.byId(em, id);
      if (!existing) throw notFound('user', id);
      const row: UserRow = { ...existing, active: body.active!, updatedAt: this.clock.now() };
      await this.users.update(em, id, { active: row.active, updatedAt: row.updatedAt });
      return row;
    }
    if (body.supervisorId !== undefined) {
      if (body.supervisorId === id) throw invalid('supervisorId', 'a user cannot supervise themself');
      if (!(await this.users.exists(em, body.supervisorId))) throw invalid('supervisorId', `no user ${body.supervisorId} in the directory`);
    }
    const now = this.clock.now();
    const existing = await this.users.byId(em, id);
    const contact = contactOf(body, existing);
    const row: UserRow = {
      id,
      name: body.name,
      email: body.email,
      roles: [...new Set(body.roles)],
      supervisorId: body.supervisorId ?? null,
      locale: body.locale ?? existing?.locale ?? 'id',
      active: body.active ?? existing?.active ?? true,
      nik: body.nik !== undefined ? body.nik : (existing?.nik ?? null),
      ...contact,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.users.save(em, row);
    return row;
  }

  /** A signed-in user's own contact settings (their profile page): phone, channels, digest; nothing else changes. */
  async putContact(id: string, body: ContactSettingsDto): Promise<UserRow> {
    return this.db.transaction(async (em) => {
      const existing = await this.users.byId(em, id);
      if (!existing) throw notFound('user', id);
      const row: UserRow = { ...existing, ...contactOf(body, existing), updatedAt: this.clock.now() };
      await this.users.update(em, id, { phone: row.phone, channels: row.channels, digest: row.digest, updatedAt: row.updatedAt });
      return row;
    });
  }

  list(): Promise<UserRow[]> {
    return this.db.read((em) => this.users.all(em));
  }

  get(id: string): Promise<UserRow | null> {
    return this.db.read((em) => this.users.find(em, id));
  }

  /**
   * A user of the identity provider (`AUTH_JWKS_URL`) as their token describes them: created on their
   * first request, their name, email and roles brought up to date when the token says otherwise; the
   * supervisor, language and active state stay the directory's. Writes only when something changed.
   */
  async syncFromProvider(id: string, claims: { name: string | undefined; email: string | undefined; roles: Role[] }, existing: UserRow | null): Promise<UserRow> {
    const roles = [...new Set(claims.roles)];
    // A claim the token lacks keeps what the directory has (an address, a name the admin gave).
    const name = claims.name ?? existing?.name ?? id;
    const email = claims.email ?? existing?.email ?? '';
    if (existing && existing.name === name && existing.email === email && sameRoles(existing.roles, roles)) return existing;
    const now = this.clock.now();
    if (existing) {
      await this.db.transaction((em) => this.users.update(em, id, { name, email, roles, updatedAt: now }));
      return { ...existing, name, email, roles, updatedAt: now };
    }
    const row: UserRow = { id, name, email, roles, supervisorId: null, locale: 'id', active: true, phone: null, channels: null, digest: 'none', createdAt: now, updatedAt: now };
    // Two first requests at once: the second insert does nothing, and both see the same row.
    await this.db.transaction((em) => this.users.insertIfAbsent(em, row));
    return (await this.get(id)) ?? row;
  }

  count(): Promise<number> {
    return this.db.read((em) => this.users.count(em));
  }

  /** Loads `ONEGATE_DIRECTORY`: supervisors first, so references resolve; one bad entry stops the start. */
  async loadFile(file: string): Promise<number> {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(raw)) throw new Error(`ONEGATE_DIRECTORY ${file}: expected a JSON array of users`);
    const entries: { id: string; dto: PutUserDto }[] = [];
    for (const [i, item] of raw.entries()) {
      const { id, ...rest } = item as { id?: unknown };
      if (typeof id !== 'string' || !USER_ID_PATTERN.test(id)) throw new Error(`ONEGATE_DIRECTORY ${file}: entry ${i} has no valid id`);
      if (RESERVED_USER_IDS.includes(id)) throw new Error(`ONEGATE_DIRECTORY ${file}: entry ${i}: the id ${id} is reserved`);
      const dto = plainToInstance(PutUserDto, rest);
      const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length) {
        throw new Error(`ONEGATE_DIRECTORY ${file}: user ${id}: ${describeValidationErrors(errors).map((d) => `${d.field}: ${d.message}`).join('; ')}`);
      }
      if (isStatusChange(dto)) throw new Error(`ONEGATE_DIRECTORY ${file}: user ${id}: name, email and roles are required`);
      entries.push({ id, dto });
    }
    await this.db.transaction(async (em) => {
      const pending = [...entries];
      const ids = new Set(entries.map((e) => e.id));
      // Insert without supervisors, then set them, so order in the file does not matter.
      for (const e of pending) await this.upsert(em, e.id, { ...e.dto, supervisorId: undefined });
      for (const e of pending) {
        if (e.dto.supervisorId && !ids.has(e.dto.supervisorId) && !(await this.users.exists(em, e.dto.supervisorId))) {
          throw new Error(`ONEGATE_DIRECTORY ${file}: user ${e.id}: supervisorId ${e.dto.supervisorId} is not in the directory`);
        }
        await this.upsert(em, e.id, e.dto);
      }
    });
    this.logger.log(`loaded ${entries.length} users from ${file}`);
    return entries.length;
  }

  /** One demo user per role, for a newcomer's first start of the embedded default. */
  async createDemoUsers(): Promise<UserRow[]> {
    const chair = 'demo-tkksd-chair';
    const demo: { id: string; name: string; roles: Role[]; supervisorId?: string }[] = [
      { id: chair, name: 'Ir. H. Budi Santoso (Sekda, Ketua TKKSD)', roles: ['tkksd_chair', 'tkksd'] },
      { id: 'demo-secretariat', name: 'Rina Marlina (Bagian Kerja Sama)', roles: ['secretariat'], supervisorId: chair },
      { id: 'demo-proposer', name: 'Andi Pratama (Dinas Kesehatan)', roles: ['proposer'], supervisorId: 'demo-secretariat' },
      { id: 'demo-technical-reviewer', name: 'Dewi Lestari (Tim Teknis)', roles: ['technical_reviewer'], supervisorId: chair },
      { id: 'demo-tkksd', name: 'Hendra Wijaya (Anggota TKKSD)', roles: ['tkksd'], supervisorId: chair },
      { id: 'demo-legal', name: 'Fitri Handayani, S.H. (Bagian Hukum)', roles: ['legal'], supervisorId: chair },
      { id: 'demo-dprd', name: 'M. Yusuf (Sekretariat DPRD)', roles: ['dprd'], supervisorId: chair },
      { id: 'demo-mayor', name: 'Wali Kota Jambi', roles: ['mayor'] },
      { id: 'demo-auditor', name: 'Yanti Susanti (Inspektorat)', roles: ['auditor'] },
      { id: 'demo-admin', name: 'Administrator onegate', roles: ['admin'] },
    ];
    const rows: UserRow[] = [];
    await this.db.transaction(async (em) => {
      for (const u of demo) {
        rows.push(await this.upsert(em, u.id, { name: u.name, email: `${u.id}@onegate.localhost`, roles: u.roles, supervisorId: u.supervisorId }));
      }
    });
    return rows;
  }
}

/** A body's phone (normalised), channels and digest over what the user had; a number that is none, or WhatsApp without one, is refused naming `phone`. */
function contactOf(body: ContactSettingsDto, existing: UserRow | null): Pick<UserRow, 'phone' | 'channels' | 'digest'> {
  let phone = existing?.phone ?? null;
  if (body.phone === null || body.phone === '') phone = null;
  else if (body.phone !== undefined) {
    phone = normalisePhone(body.phone);
    if (!phone) throw invalid('phone', 'must be an Indonesian number such as 0812 3456 7890, +62 812 3456 7890 or 6281234567890');
  }
  const channels = body.channels !== undefined ? [...new Set(body.channels)] : (existing?.channels ?? null);
  if (channels?.includes('whatsapp') && !phone) throw invalid('phone', 'is needed for messages on WhatsApp');
  return { phone, channels, digest: body.digest ?? existing?.digest ?? 'none' };
}

function sameRoles(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((r) => b.includes(r));
}
