import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { CASE, DIGEST, TASK } from '../database/entities.js';
import type { CaseRow, DigestRow, TaskRow, UserRow } from '../database/rows.js';
import { WorkingCalendar } from '../deadlines/working-calendar.js';
import { UserRepository } from '../directory/user.repository.js';
import { toLocale } from '../i18n/labels.js';
import { MAILER, MAX_MAIL_ATTEMPTS } from './delivery.service.js';
import { digestSlot } from './digest-slot.js';
import type { Mailer } from './mailer.js';
import { renderDigest, type DigestItem } from './templates.js';

/** How long one attempt holds a digest before another worker may take it (an SMTP attempt and a margin). */
const LEASE_MS = 90_000;

/**
 * The morning digest (contract §12): at 07:30 in the city's zone on a working day, each active user
 * with `digest: "daily"` gets one e-mail listing their open tasks, overdue first; their reminders are
 * not sent on their own (DeliveryService), their escalations are. Run by reconciliation (every
 * `ONEGATE_RECONCILE_SECONDS`, and `runDue` in tests, which move the clock). A row per user and day is
 * written before the e-mail goes, so two workers, or a restart, never send one twice; a refused one is
 * retried on the next round until MAX_MAIL_ATTEMPTS.
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger('Digest');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(WorkingCalendar) private readonly calendar: WorkingCalendar,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(MAILER) private readonly mailer: Mailer,
  ) {}

  /** Writes and sends the digests due by the clock now; a no-op before 07:30, on a day off, or once today's went. */
  async sendDue(): Promise<number> {
    const now = this.clock.now();
    const slot = digestSlot(now, this.calendar);
    if (!slot) return 0;
    // A user whose setting changed after this morning's 07:30 starts the next working day: a digest is a morning's, not a reply to a click.
    const readers = (await this.db.read((em) => this.users.dailyDigestReaders(em, slot.at))).filter((u) => !!u.email);
    if (!readers.length) return 0;
    const done = new Set(
      (await this.db.read((em) => em.find<DigestRow>(DIGEST, { where: { localDate: slot.date, userId: In(readers.map((u) => u.id)) }, select: { userId: true } }))).map((r) => r.userId),
    );
    for (const user of readers) {
      if (!done.has(user.id)) await this.write(user, slot.date, now);
    }
    let sent = 0;
    for (const id of await this.claimable(slot.date, now)) if (await this.send(id)) sent++;
    return sent;
  }

  /** Today's digest of one user, written `pending` (or `empty`, nothing to list); a racing worker's row wins, and this one is dropped. */
  private async write(user: UserRow, date: string, now: Date): Promise<void> {
    const items = await this.itemsOf(user, now);
    const locale = toLocale(user.locale);
    const mail = renderDigest(locale, { recipientName: user.name, at: now, timeZone: this.config.timezone, items });
    const row: DigestRow = {
      id: randomUUID(),
      userId: user.id,
      localDate: date,
      recipientEmail: user.email,
      subject: mail.subject,
      body: mail.text,
      taskCount: items.length,
      overdueCount: items.filter((i) => i.overdue).length,
      status: items.length ? 'pending' : 'empty',
      attempts: 0,
      lastError: null,
      createdAt: now,
      sentAt: null,
      leaseUntil: null,
    };
    try {
      await this.db.transaction((em) => em.insert(DIGEST, row));
    } catch (err) {
      // The unique (user, day) key: another worker wrote today's first.
      const exists = await this.db.read((em) => em.existsBy<DigestRow>(DIGEST, { userId: user.id, localDate: date }));
      if (!exists) throw err;
    }
  }

  /**
   * The user's open tasks, as their inbox holds them: assigned to them, or unassigned in one of their roles
   * (a proposer's only on their own cases). Overdue first, the longest overdue at the top; then by due time.
   */
  private async itemsOf(user: UserRow, now: Date): Promise<DigestItem[]> {
    const { tasks, cases } = await this.db.read(async (em) => {
      const qb = em.createQueryBuilder<TaskRow>(TASK, 't').where(`t.status = 'open'`);
      if (user.roles.length) qb.andWhere('(t.assignee_id = :me OR (t.assignee_id IS NULL AND t.role IN (:...roles)))', { me: user.id, roles: user.roles });
      else qb.andWhere('t.assignee_id = :me', { me: user.id });
      const tasks = await qb.getMany();
      const cases = tasks.length ? await em.find<CaseRow>(CASE, { where: { id: In([...new Set(tasks.map((t) => t.caseId))]) }, select: { id: true, number: true, title: true, proposerId: true } }) : [];
      return { tasks, cases: new Map(cases.map((c) => [c.id, c])) };
    });
    const mine = tasks.filter((t) => {
      const c = cases.get(t.caseId);
      return !!c && (t.assigneeId === user.id || t.role !== 'proposer' || c.proposerId === user.id);
    });
    const due = (t: TaskRow) => t.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
    mine.sort((a, b) => due(a) - due(b) || a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
    return mine.map((t) => {
      const c = cases.get(t.caseId)!;
      return { caseNumber: c.number, caseTitle: c.title, stage: t.stage, dueAt: t.dueAt, overdue: !!t.dueAt && t.dueAt.getTime() < now.getTime(), url: `${this.config.publicUrl}/tasks/${t.id}` };
    });
  }

  /** Today's digests not yet sent: pending, or held by a worker whose lease ran out. */
  private async claimable(date: string, now: Date): Promise<string[]> {
    const rows = await this.db.read((em) =>
      em
        .createQueryBuilder<DigestRow>(DIGEST, 'd')
        .select(['d.id'])
        .where('d.local_date = :date', { date })
        .andWhere(`(d.status = 'pending' OR (d.status = 'sending' AND d.lease_until < :now))`, { now })
        .getMany(),
    );
    return rows.map((r) => r.id);
  }

  /** Claims one digest (leased) and sends it; a refusal puts it back to `pending`, or `failed` at the last attempt. */
  private async send(id: string): Promise<boolean> {
    const now = this.clock.now();
    const d = await this.db.transaction(async (em) => {
      const res = await em
        .createQueryBuilder()
        .update(DIGEST)
        .set({ status: 'sending', leaseUntil: new Date(now.getTime() + LEASE_MS) })
        .where(`id = :id AND (status = 'pending' OR (status = 'sending' AND lease_until < :now))`, { id, now })
        .execute();
      return res.affected === 1 ? em.findOneBy<DigestRow>(DIGEST, { id }) : null;
    });
    if (!d) return false;
    try {
      await this.mailer.send({ to: d.recipientEmail, subject: d.subject, text: d.body, messageId: `<digest-${d.id}@onegate>` });
    } catch (err) {
      const attempts = d.attempts + 1;
      const failed = attempts >= MAX_MAIL_ATTEMPTS;
      await this.db.write((em) => em.update(DIGEST, { id, status: 'sending' }, { attempts, status: failed ? 'failed' : 'pending', lastError: String((err as Error).message ?? err).slice(0, 2000), leaseUntil: null }));
      this.logger.warn(`digest ${id} to ${d.recipientEmail} failed (attempt ${attempts}${failed ? ', giving up' : ''}): ${(err as Error).message}`);
      return false;
    }
    await this.db.write((em) => em.update(DIGEST, { id, status: 'sending' }, { status: 'sent', attempts: d.attempts + 1, sentAt: this.clock.now(), lastError: null, leaseUntil: null }));
    this.logger.log(`digest ${id} (${d.taskCount} task(s), ${d.overdueCount} overdue) sent to ${d.userId}`);
    return true;
  }
}
