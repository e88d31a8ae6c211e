import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { In, LessThan, type EntityManager } from 'typeorm';
import type { Role } from '../../workflows/cooperation/v1.rules.js';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../core/tokens.js';
import { Database } from '../database/database.js';
import { CASE, DELIVERY, USER } from '../database/entities.js';
import type { CaseRow, DeliveryRow, TaskRow, TimerRow, UserRow } from '../database/rows.js';
import { Metrics } from '../metrics/metrics.js';
import type { Mailer } from './mailer.js';
import { renderMail, type Locale, type MailKind } from './templates.js';

export const MAILER = Symbol('MAILER');
/** After this many failed attempts a delivery is marked failed (and stays visible on the case). */
export const MAX_MAIL_ATTEMPTS = 8;

export interface NotificationDto {
  kind: string;
  to: string;
  recipientId: string;
  subject: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** Who gets which e-mail for a fired timer, and the sending of each one exactly per delivery key. */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('Mail');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  /**
   * Inside the timer's transaction: one delivery row per recipient address,
   * created already claimed (`sending`, leased) by the caller, which sends them as soon as the
   * transaction commits. A caller that dies first leaves the lease to run out; reconciliation then
   * hands them to the mail queue like any unsent mail.
   */
  async createForTimer(em: EntityManager, timer: TimerRow, task: TaskRow | null, now: Date): Promise<DeliveryRow[]> {
    // The snapshot is not needed for a mail: the columns the templates use only.
    const c = await em.findOneOrFail<CaseRow>(CASE, { where: { id: timer.caseId }, select: { id: true, number: true, title: true, stage: true, validUntil: true, proposerId: true } });
    const kind: MailKind = timer.kind === 'remind' ? 'reminder' : timer.kind === 'escalate' ? 'escalation' : 'expiry_reminder';
    const users = await em.find<UserRow>(USER, { order: { id: 'ASC' } });
    const recipients = this.recipients(users, timer, c, task);
    // No delivery of this timer can exist yet: they are only made here, in the one transaction whose
    // pending→fired update won; the unique key (timer, recipient) stays the last guard. Two users may
    // share an address: one mail to it.
    const addressed = new Set<string>();
    const assignee = task?.assigneeId ? (users.find((u) => u.id === task.assigneeId)?.name ?? task.assigneeId) : null;
    const leaseUntil = this.leaseFrom(now);
    const rows: DeliveryRow[] = [];
    for (const user of recipients) {
      if (addressed.has(user.email)) continue;
      addressed.add(user.email);
      const locale: Locale = user.locale === 'en' ? 'en' : 'id';
      const mail = renderMail(kind, locale, {
        caseNumber: c.number,
        caseTitle: c.title,
        stage: task?.stage ?? c.stage,
        dueAt: timer.dueAt,
        taskUrl: task ? `${this.publicUrl()}/tasks/${task.id}` : null,
        caseUrl: `${this.publicUrl()}/cases/${c.id}`,
        recipientName: user.name,
        level: timer.kind === 'expiry_reminder' ? timer.idx : timer.idx,
        assignee,
        validUntil: c.validUntil,
        timeZone: this.config.timezone,
      });
      rows.push({
        id: randomUUID(),
        caseId: c.id,
        timerId: timer.id,
        kind: timer.kind === 'escalate' ? `escalation_${timer.idx + 1}` : kind,
        recipientId: user.id,
        recipientEmail: user.email,
        locale,
        subject: mail.subject,
        body: mail.text,
        status: 'sending',
        attempts: 0,
        lastError: null,
        createdAt: now,
        sentAt: null,
        leaseUntil,
      });
    }
    if (rows.length) await em.insert(DELIVERY, rows);
    return rows;
  }

  /**
   * Reminders go to the assignee, or every holder of the task's role; the first escalation to the
   * assignee's (or candidates') supervisors, later ones to every tkksd_chair; expiry reminders to the
   * proposer and the secretariat. With nobody to escalate to, the chair is told rather than no one.
   */
  private recipients(users: UserRow[], timer: TimerRow, c: Pick<CaseRow, 'proposerId'>, task: TaskRow | null): UserRow[] {
    const withRole = (role: Role) => users.filter((u) => u.roles.includes(role));
    const byId = new Map(users.map((u) => [u.id, u]));
    const candidates = task ? (task.assigneeId ? [byId.get(task.assigneeId)].filter((u): u is UserRow => !!u) : withRole(task.role as Role)) : [];
    if (timer.kind === 'remind') return candidates;
    if (timer.kind === 'escalate') {
      if (timer.idx > 0) return withRole('tkksd_chair');
      const supervisors = [...new Set(candidates.map((u) => u.supervisorId).filter((id): id is string => !!id))]
        .map((id) => byId.get(id))
        .filter((u): u is UserRow => !!u);
      return supervisors.length ? supervisors : withRole('tkksd_chair');
    }
    const proposer = byId.get(c.proposerId);
    return [...(proposer ? [proposer] : []), ...withRole('secretariat')];
  }

  /**
   * Sends one delivery unless it was sent already. The delivery is first claimed (status `sending`
   * with a lease) in the database, so two workers or processes never both send it; a worker that dies
   * mid-send leaves the lease to expire and the delivery to be retried. Every failure is recorded.
   */
  async send(deliveryId: string): Promise<'sent' | 'skipped'> {
    const now = this.clock.now();
    const leaseUntil = this.leaseFrom(now);
    const claimed = await this.db.transaction(async (em) => {
      const res = await em
        .createQueryBuilder()
        .update(DELIVERY)
        .set({ status: 'sending', leaseUntil })
        .where("id = :id AND (status = 'pending' OR (status = 'sending' AND lease_until < :now))", { id: deliveryId, now })
        .execute();
      return res.affected === 1 ? em.findOneBy<DeliveryRow>(DELIVERY, { id: deliveryId }) : null;
    });
    if (!claimed) return 'skipped';
    await this.deliver(claimed);
    return 'sent';
  }

  /**
   * Sends a delivery this worker holds (claimed: `sending` under its lease) and records the outcome;
   * throws when the server refuses, after putting it back to `pending` (or `failed` at the last attempt).
   */
  async deliver(d: DeliveryRow): Promise<void> {
    try {
      await this.mailer.send({ to: d.recipientEmail, subject: d.subject, text: d.body, messageId: `<${d.id}@onegate>` });
    } catch (err) {
      const attempts = d.attempts + 1;
      const failed = attempts >= MAX_MAIL_ATTEMPTS;
      await this.db.write((em) =>
        em.update(DELIVERY, { id: d.id, status: 'sending' }, { attempts, lastError: String((err as Error).message ?? err).slice(0, 2000), status: failed ? 'failed' : 'pending', leaseUntil: null }),
      );
      this.metrics.mailAttempt(d.kind, failed ? 'gave_up' : 'failed');
      this.logger.warn(`delivery ${d.id} to ${d.recipientEmail} failed (attempt ${attempts}${failed ? ', giving up' : ''}): ${(err as Error).message}`);
      throw err;
    }
    this.metrics.mailAttempt(d.kind, 'sent');
    await this.db.write((em) =>
      em.update(DELIVERY, { id: d.id, status: 'sending' }, { status: 'sent', sentAt: this.clock.now(), attempts: d.attempts + 1, lastError: null, leaseUntil: null }),
    );
    this.logger.log(`delivery ${d.id} (${d.kind}, case ${d.caseId}) sent`);
  }

  /** How long one attempt may hold a delivery: the SMTP timeout on each of its phases, and a margin. */
  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.config.smtpTimeoutMs * 3 + 5000);
  }

  /** Unsent mail: pending, or claimed by a worker whose lease ran out. */
  async pendingIds(limit = 1000): Promise<string[]> {
    const now = this.clock.now();
    const rows = await this.db.read((em) =>
      em.find<DeliveryRow>(DELIVERY, {
        where: [{ status: 'pending' }, { status: 'sending', leaseUntil: LessThan(now) }],
        select: { id: true },
        take: limit,
        order: { createdAt: 'ASC' },
      }),
    );
    return rows.map((r) => r.id);
  }

  async listForCase(caseId: string): Promise<NotificationDto[]> {
    const rows = await this.db.read((em) => em.find<DeliveryRow>(DELIVERY, { where: { caseId }, order: { createdAt: 'ASC', recipientEmail: 'ASC' } }));
    return rows.map((d) => ({
      kind: d.kind,
      to: d.recipientEmail,
      recipientId: d.recipientId,
      subject: d.subject,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      sentAt: d.sentAt?.toISOString() ?? null,
    }));
  }

  byIds(ids: string[]) {
    return this.db.read((em) => em.findBy<DeliveryRow>(DELIVERY, { id: In(ids) }));
  }

  private publicUrl(): string {
    return this.config.publicUrl;
  }
}
