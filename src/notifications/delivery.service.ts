import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { In, IsNull, LessThan, Not, type EntityManager } from 'typeorm';
import type { Role } from '../../workflows/domain.js';
import { workflowOf } from '../../workflows/registry.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { CASE, DELIVERY, OFFER, TASK } from '../database/entities.js';
import type { CaseRow, DeliveryRow, OfferRow, TaskRow, TimerRow, UserRow } from '../database/rows.js';
import { PARTNER_ACTOR_PREFIX } from '../common/actor.js';
import { UserRepository } from '../directory/user.repository.js';
import { Metrics } from '../metrics/metrics.js';
import type { Mailer } from './mailer.js';
import { renderMessage, renderWhatsApp, type MessageData, type MessageKind } from './templates.js';
import type { WhatsAppGateway } from './whatsapp-gateway.js';
import { channelsOf } from '../directory/user.dto.js';
import { toLocale } from '../i18n/labels.js';
import { REVISION_TASK } from '../tasks/revision-task.js';

export const MAILER = Symbol('MAILER');
export const WHATSAPP_GATEWAY = Symbol('WHATSAPP_GATEWAY');
/** After this many failed attempts a delivery is marked failed (and stays visible on the case). */
export const MAX_MAIL_ATTEMPTS = 8;
/** A message sent this long after its moment is marked late (a catch-up after an outage, or for loaded history). */
export const LATE_AFTER_MS = 15 * 60_000;
/** A step's news (assigned, returned, rejected, signed) older than this is history by the time it could go: not sent. */
export const NEWS_MAX_AGE_MS = 7 * 86_400_000;

/** A fired timer's message: what it says, to whom, about which task, and which task its link opens. */
interface Planned {
  timer: TimerRow;
  kind: MessageKind;
  recipients: UserRow[];
  /** The task the message is about (for its stage, due time, decisions and comment). */
  task: TaskRow | undefined;
  /** The open task the reader's link leads to; the case's page otherwise. */
  link: TaskRow | undefined;
  stage: string;
  comment: string | null;
}

/** The directory as the timers of one moment read it: read once, for every timer. */
interface People {
  byId: Map<string, UserRow>;
  withRole(role: Role): UserRow[];
  /** The contact of the partner whose offer the case still is (contract §11), as a recipient; null otherwise. */
  partner: UserRow | null;
}

/** Which message wins when several are due to one person for one case at once: the most pressing. */
const PRIORITY: Record<MessageKind, number> = { escalation: 7, reminder: 6, task_assigned: 5, evaluation_due: 5, revision_requested: 4, case_rejected: 3, case_signed: 2, expiry_reminder: 1, offer_received: 4, offer_revision_requested: 4, offer_rejected: 3 };

function rank(m: Planned): number {
  // Among expiry reminders the nearest to the end; among escalations the highest level.
  return PRIORITY[m.kind] * 1000 + (m.kind === 'expiry_reminder' ? 999 - Math.min(999, m.timer.idx) : m.timer.idx);
}

export interface NotificationDto {
  kind: string;
  /** `email` or `whatsapp` (contract §12): each message goes once per channel and recipient. */
  channel: string;
  /** Escalations: 0 = the supervisor, 1+ = the TKKSD chair; null otherwise. */
  level: number | null;
  /** Sent as a catch-up after its moment had passed. */
  late: boolean;
  /** The e-mail address, or the WhatsApp number (`62…`). */
  to: string;
  recipientId: string;
  subject: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** Who gets which message (e-mail, and WhatsApp beside it) for a fired timer, and the sending of each one exactly per delivery key. */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('Mail');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(UserRepository) private readonly userRows: UserRepository,
    @Inject(WHATSAPP_GATEWAY) private readonly whatsapp: WhatsAppGateway,
  ) {}

  /**
   * Inside the timers' transaction: the messages of the timers this worker just fired for one case,
   * all due at this moment (contract §8, "No storms"): one delivery per recipient address, the most
   * pressing message when several are due to one person at once, marked late when its moment passed
   * long ago. Timers whose message no longer applies (the task closed, the agreement already ended,
   * news older than a week) are returned as stale and send nothing. Rows are created already
   * claimed (`sending`, leased): the caller sends them once the transaction commits; a caller that
   * dies first leaves the lease to run out, and reconciliation hands them to the mail queue.
   */
  async createForTimers(em: EntityManager, timers: TimerRow[], now: Date): Promise<{ deliveries: DeliveryRow[]; stale: TimerRow[] }> {
    const caseId = timers[0]!.caseId;
    const c = await em.findOneOrFail<CaseRow>(CASE, {
      where: { id: caseId },
      select: { id: true, number: true, title: true, stage: true, validFrom: true, validUntil: true, proposerId: true, workflowName: true, workflowVersion: true },
    });
    const users = await this.userRows.all(em);
    const offer = c.proposerId.startsWith(PARTNER_ACTOR_PREFIX) ? await em.findOneBy<OfferRow>(OFFER, { caseId }) : null;
    const people: People = { byId: new Map(users.map((u) => [u.id, u])), withRole: (role) => users.filter((u) => u.roles.includes(role)), partner: offer ? partnerRecipient(offer) : null };
    const tasks = await em.find<TaskRow>(TASK, { where: [{ id: In(timers.map((t) => t.taskId).filter((id): id is string => !!id)) }, { caseId, status: 'open' }] });
    const messages: Planned[] = [];
    const stale: TimerRow[] = [];
    // Expiry reminders stop once a renewal is signed (contract §10); its step cancels them, this is the second guard.
    const renewed = timers.some((t) => t.kind === 'expiry_reminder') && (await em.existsBy<CaseRow>(CASE, { parentCaseId: caseId, kind: 'renewal', signedAt: Not(IsNull()) }));
    for (const timer of timers) {
      const planned = renewed && timer.kind === 'expiry_reminder' ? null : this.plan(timer, c, people, tasks, now);
      if (planned) messages.push(planned);
      else stale.push(timer);
    }
    // One message per recipient: the most pressing of those due to them now.
    const chosen = new Map<string, { message: Planned; user: UserRow }>();
    for (const message of messages) {
      for (const user of message.recipients) {
        // A deactivated user receives nothing (contract §3); a provider's user without an address neither.
        if (!user.active || !user.email) continue;
        // A user of the morning digest has their reminders in it (contract §12); escalations still go at once.
        if (message.kind === 'reminder' && user.digest === 'daily') continue;
        const held = chosen.get(user.id);
        if (!held || rank(message) > rank(held.message)) chosen.set(user.id, { message, user });
      }
    }
    const leaseUntil = this.leaseFrom(now);
    const addressed = new Set<string>(); // two users may share an address (or a number): one message to it
    const rows: DeliveryRow[] = [];
    for (const { message, user } of chosen.values()) {
      const channels = channelsOf(user);
      const byWhatsApp = !!this.config.whatsapp && channels.includes('whatsapp') && !!user.phone && !addressed.has(`wa:${user.phone}`);
      // E-mail is the channel of last resort: a user who chose WhatsApp alone, where no gateway is set, still hears.
      const byEmail = (channels.includes('email') || !byWhatsApp) && !addressed.has(user.email);
      if (!byEmail && !byWhatsApp) continue;
      const locale = toLocale(user.locale);
      const task = message.task;
      const rule = task ? workflowOf(c).taskStageRules[task.stage] : undefined;
      const assignee = task?.assigneeId ? (people.byId.get(task.assigneeId)?.name ?? task.assigneeId) : null;
      const late = now.getTime() - message.timer.fireAt.getTime() > LATE_AFTER_MS;
      const data = {
        caseNumber: c.number,
        caseTitle: c.title,
        stage: message.stage,
        dueAt: message.kind === 'expiry_reminder' ? null : (task?.dueAt ?? message.timer.dueAt),
        taskUrl: message.link ? `${this.config.publicUrl}/tasks/${message.link.id}` : null,
        caseUrl: `${this.config.publicUrl}/cases/${c.id}`,
        // The web app's agreement page opens its renewal form with ?renew=1 (contract §8: "with a link to renew").
        renewUrl: message.kind === 'expiry_reminder' ? `${this.config.publicUrl}/agreements/${c.id}?renew=1` : null,
        recipientName: user.name,
        level: message.timer.idx,
        assignee,
        decisions: task?.stage === REVISION_TASK.stage ? REVISION_TASK.decisions : (rule?.decisions ?? []),
        comment: message.comment,
        validFrom: c.validFrom,
        validUntil: c.validUntil,
        lateSince: late ? message.timer.fireAt : null,
        timeZone: this.config.timezone,
        at: message.timer.fireAt,
      };
      const mail = renderMessage(message.kind, locale, data);
      const row = {
        caseId: c.id,
        timerId: message.timer.id,
        kind: message.kind,
        level: message.kind === 'escalation' ? message.timer.idx : null,
        late,
        recipientId: user.id,
        recipientEmail: user.email,
        locale,
        subject: mail.subject,
        attempts: 0,
        lastError: null,
        createdAt: now,
        sentAt: null,
      };
      if (byWhatsApp) {
        addressed.add(`wa:${user.phone}`);
        // Not claimed: its job sends it, so a slow or failing gateway never holds back the e-mail sent here.
        rows.push({ ...row, id: randomUUID(), channel: 'whatsapp', recipientPhone: user.phone, body: renderWhatsApp(message.kind, locale, data), status: 'pending', leaseUntil: null });
      }
      if (!byEmail) continue;
      addressed.add(user.email);
      rows.push({ ...row, id: randomUUID(), channel: 'email', recipientPhone: null, body: mail.text, status: 'sending', leaseUntil });
    }
    if (rows.length) await em.insert(DELIVERY, rows);
    return { deliveries: rows, stale };
  }

  /**
   * What one fired timer says and to whom, or null when it no longer applies. Reminders go to the
   * assignee, or every holder of the task's role; the first escalation to the assignee's (or
   * candidates') supervisors, later ones to every tkksd_chair (the chair too when nobody supervises);
   * expiry reminders, rejections and signatures to the proposer and the secretariat.
   */
  private plan(timer: TimerRow, c: CaseRow, { byId, withRole, partner }: People, tasks: TaskRow[], now: Date): Planned | null {
    const proposer = byId.get(c.proposerId);
    const proposerAndSecretariat = [...(proposer ? [proposer] : []), ...withRole('secretariat')];
    const task = timer.taskId ? tasks.find((t) => t.id === timer.taskId) : undefined;
    const openTask = task?.status === 'open' ? task : undefined;
    const planned = (kind: MessageKind, recipients: UserRow[], extra: Partial<Planned> = {}): Planned => ({ timer, kind, recipients, task, link: openTask, stage: task?.stage ?? c.stage, comment: null, ...extra });
    if (timer.kind === 'remind' || timer.kind === 'escalate') {
      if (!openTask) return null;
      const candidates = openTask.assigneeId ? [byId.get(openTask.assigneeId)].filter((u): u is UserRow => !!u) : withRole(openTask.role as Role);
      if (timer.kind === 'remind') return planned('reminder', candidates);
      if (timer.idx > 0) return planned('escalation', withRole('tkksd_chair'));
      const supervisors = [...new Set(candidates.map((u) => u.supervisorId).filter((id): id is string => !!id))].map((id) => byId.get(id)).filter((u): u is UserRow => !!u && u.active);
      return planned('escalation', supervisors.length ? supervisors : withRole('tkksd_chair'));
    }
    if (timer.kind === 'expiry_reminder') {
      // An agreement already ended is expired, not reminded of (its expiry timer does that).
      if (c.stage !== workflowOf(c).inForceStage || (timer.dueAt && timer.dueAt.getTime() <= now.getTime())) return null;
      return planned('expiry_reminder', proposerAndSecretariat, { stage: c.stage, link: undefined });
    }
    // A step's news (notify): old news is history, not a message (the case page shows it).
    if (now.getTime() - timer.fireAt.getTime() > NEWS_MAX_AGE_MS) return null;
    const kind = timer.offset as MessageKind;
    const comment = task?.comment ?? null;
    switch (kind) {
      case 'task_assigned':
      case 'evaluation_due': {
        const holder = openTask?.assigneeId ? byId.get(openTask.assigneeId) : undefined;
        return holder ? planned(kind, [holder]) : null;
      }
      case 'revision_requested': {
        if (c.stage !== REVISION_TASK.stage) return null;
        const revision = tasks.find((t) => t.stage === REVISION_TASK.stage && t.status === 'open');
        return planned(kind, proposer ? [proposer] : [], { comment, link: revision, task: revision ?? task, stage: task?.stage ?? c.stage });
      }
      case 'case_rejected':
        return planned(kind, proposerAndSecretariat, { comment, link: undefined });
      case 'offer_revision_requested':
        return partner && c.stage === 'awaiting_partner' ? planned(kind, [partner], { comment, link: undefined }) : null;
      case 'offer_rejected':
        return partner ? planned(kind, [partner], { comment, link: undefined }) : null;
      case 'case_signed':
        // The stage whose news this is: an agreement's in-force stage, or an addendum's final `signed`.
        return workflowOf(c).stageMessages[c.stage] === 'case_signed' ? planned(kind, proposerAndSecretariat, { link: undefined, stage: 'mayor_signature' }) : null;
      default:
        return null;
    }
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
      if (d.channel === 'whatsapp') await this.whatsapp.send({ target: d.recipientPhone!, message: d.body });
      else await this.mailer.send({ to: d.recipientEmail, subject: d.subject, text: d.body, messageId: `<${d.id}@onegate>` });
    } catch (err) {
      const attempts = d.attempts + 1;
      const failed = attempts >= MAX_MAIL_ATTEMPTS;
      await this.db.write((em) =>
        em.update(DELIVERY, { id: d.id, status: 'sending' }, { attempts, lastError: String((err as Error).message ?? err).slice(0, 2000), status: failed ? 'failed' : 'pending', leaseUntil: null }),
      );
      if (d.channel === 'email') this.metrics.mailAttempt(d.kind, failed ? 'gave_up' : 'failed');
      this.logger.warn(`delivery ${d.id} (${d.channel}) to ${d.channel === 'whatsapp' ? d.recipientPhone : d.recipientEmail} failed (attempt ${attempts}${failed ? ', giving up' : ''}): ${(err as Error).message}`);
      throw err;
    }
    if (d.channel === 'email') this.metrics.mailAttempt(d.kind, 'sent');
    await this.db.write((em) =>
      em.update(DELIVERY, { id: d.id, status: 'sending' }, { status: 'sent', sentAt: this.clock.now(), attempts: d.attempts + 1, lastError: null, leaseUntil: null }),
    );
    this.logger.log(`delivery ${d.id} (${d.kind} by ${d.channel}, case ${d.caseId}) sent`);
  }

  /**
   * A partner's acknowledgement (contract §11), sent once, now, with its tracking link, which is a secret
   * kept nowhere: the delivery row records the message with the link masked, and is never resent (a resend
   * could only carry the masked link; the partner has the code from the 202 answer too). A refused send is
   * recorded `failed` and logged without the link.
   */
  async sendWithSecretLink(kind: MessageKind, c: Pick<CaseRow, 'id' | 'number' | 'title' | 'stage'>, to: Pick<UserRow, 'id' | 'name' | 'email'>, keyId: string, link: { secret: string; masked: string }): Promise<'sent' | 'failed'> {
    const now = this.clock.now();
    const data: MessageData = {
      caseNumber: c.number,
      caseTitle: c.title,
      stage: c.stage,
      dueAt: null,
      taskUrl: null,
      caseUrl: `${this.config.publicUrl}/cases/${c.id}`,
      recipientName: to.name,
      level: 0,
      assignee: null,
      decisions: [],
      comment: null,
      validFrom: null,
      validUntil: null,
      lateSince: null,
      timeZone: this.config.timezone,
      at: now,
    };
    const recorded = renderMessage(kind, 'id', { ...data, trackingUrl: link.masked });
    const row: DeliveryRow = {
      id: randomUUID(),
      caseId: c.id,
      timerId: keyId,
      kind,
      level: null,
      late: false,
      recipientId: to.id,
      recipientEmail: to.email,
      channel: 'email',
      recipientPhone: null,
      locale: 'id',
      subject: recorded.subject,
      body: recorded.text,
      status: 'sending',
      attempts: 0,
      lastError: null,
      createdAt: now,
      sentAt: null,
      leaseUntil: null,
    };
    await this.db.write((em) => em.insert(DELIVERY, row));
    const mail = renderMessage(kind, 'id', { ...data, trackingUrl: link.secret });
    try {
      await this.mailer.send({ to: to.email, subject: mail.subject, text: mail.text, messageId: `<${row.id}@onegate>` });
    } catch (err) {
      const message = String((err as Error).message ?? err).split(link.secret).join(link.masked).slice(0, 2000);
      await this.db.write((em) => em.update(DELIVERY, { id: row.id }, { attempts: 1, lastError: message, status: 'failed' }));
      this.metrics.mailAttempt(kind, 'gave_up');
      this.logger.warn(`delivery ${row.id} (${kind}, case ${c.id}) to ${to.email} failed, not retried: ${message}`);
      return 'failed';
    }
    this.metrics.mailAttempt(kind, 'sent');
    await this.db.write((em) => em.update(DELIVERY, { id: row.id }, { status: 'sent', sentAt: this.clock.now(), attempts: 1 }));
    this.logger.log(`delivery ${row.id} (${kind}, case ${c.id}) sent`);
    return 'sent';
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
      channel: d.channel,
      level: d.level,
      late: d.late,
      to: d.channel === 'whatsapp' ? (d.recipientPhone ?? '') : d.recipientEmail,
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
}

/** A partner's contact as a recipient of messages: no user, no roles; mailed in Bahasa Indonesia. */
function partnerRecipient(offer: OfferRow): UserRow {
  return { id: `${PARTNER_ACTOR_PREFIX}${offer.id}`, name: offer.contactName, email: offer.contactEmail, roles: [], supervisorId: null, locale: 'id', active: true, phone: null, channels: null, digest: 'none', createdAt: offer.createdAt, updatedAt: offer.createdAt };
}
