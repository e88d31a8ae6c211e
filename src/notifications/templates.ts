import { TASK_STAGE_RULES, type TaskStage } from '../../workflows/cooperation/v1.rules.js';

export type MailKind = 'reminder' | 'escalation' | 'expiry_reminder';
export type Locale = 'id' | 'en';

export interface MailData {
  caseNumber: string;
  caseTitle: string;
  stage: string;
  dueAt: Date | null;
  taskUrl: string | null;
  caseUrl: string;
  recipientName: string;
  /** Escalation level (0 = supervisor, 1+ = TKKSD chair); days left for expiry reminders. */
  level: number;
  assignee: string | null;
  validUntil?: string | null;
  timeZone: string;
}

/** The e-mails onegate sends: Bahasa Indonesia by default, English by the user's setting. */
export function renderMail(kind: MailKind, locale: Locale, d: MailData): { subject: string; text: string } {
  const stageName = TASK_STAGE_RULES[d.stage as TaskStage]?.title[locale] ?? d.stage;
  const due = d.dueAt ? formatInstant(d.dueAt, locale, d.timeZone) : '—';
  const lines = (...xs: (string | null | false)[]) => xs.filter((x): x is string => typeof x === 'string').join('\n');
  if (locale === 'en') {
    switch (kind) {
      case 'reminder':
        return {
          subject: `[onegate] Reminder: ${d.caseNumber} ${stageName} is due ${due}`,
          text: lines(`Dear ${d.recipientName},`, '', `Case ${d.caseNumber} "${d.caseTitle}" is waiting at the stage ${stageName}.`, `It is due ${due}.`, d.taskUrl && `Open the task: ${d.taskUrl}`, '', 'onegate — one-gate cooperation approvals'),
        };
      case 'escalation':
        return {
          subject: `[onegate] Overdue: ${d.caseNumber} ${stageName} was due ${due}`,
          text: lines(`Dear ${d.recipientName},`, '', `Case ${d.caseNumber} "${d.caseTitle}" has passed its deadline at the stage ${stageName}.`, `It was due ${due}${d.assignee ? ` and is held by ${d.assignee}` : ' and nobody has claimed it'}.`, d.level === 0 ? 'You receive this as the supervisor.' : 'You receive this as chair of TKKSD.', d.taskUrl && `Open the task: ${d.taskUrl}`, '', 'onegate — one-gate cooperation approvals'),
        };
      case 'expiry_reminder':
        return {
          subject: `[onegate] ${d.caseNumber} expires ${d.level === 0 ? 'today' : `in ${d.level} days`} (${d.validUntil})`,
          text: lines(`Dear ${d.recipientName},`, '', `The agreement ${d.caseNumber} "${d.caseTitle}" is in force until ${d.validUntil}.`, 'An extension repeats the full procedure: start it in time.', `Case: ${d.caseUrl}`, '', 'onegate — one-gate cooperation approvals'),
        };
    }
  }
  switch (kind) {
    case 'reminder':
      return {
        subject: `[onegate] Pengingat: ${d.caseNumber} ${stageName} jatuh tempo ${due}`,
        text: lines(`Yth. ${d.recipientName},`, '', `Berkas ${d.caseNumber} "${d.caseTitle}" menunggu pada tahap ${stageName}.`, `Batas waktu: ${due}.`, d.taskUrl && `Buka tugas: ${d.taskUrl}`, '', 'onegate — Kerja Sama Satu Pintu'),
      };
    case 'escalation':
      return {
        subject: `[onegate] Terlambat: ${d.caseNumber} ${stageName} jatuh tempo ${due}`,
        text: lines(`Yth. ${d.recipientName},`, '', `Berkas ${d.caseNumber} "${d.caseTitle}" telah melewati batas waktu pada tahap ${stageName}.`, `Batas waktu ${due}${d.assignee ? `; ditangani oleh ${d.assignee}` : '; belum diambil oleh siapa pun'}.`, d.level === 0 ? 'Anda menerima ini sebagai atasan langsung.' : 'Anda menerima ini sebagai Ketua TKKSD.', d.taskUrl && `Buka tugas: ${d.taskUrl}`, '', 'onegate — Kerja Sama Satu Pintu'),
      };
    case 'expiry_reminder':
      return {
        subject: `[onegate] ${d.caseNumber} berakhir ${d.level === 0 ? 'hari ini' : `dalam ${d.level} hari`} (${d.validUntil})`,
        text: lines(`Yth. ${d.recipientName},`, '', `Kerja sama ${d.caseNumber} "${d.caseTitle}" berlaku sampai ${d.validUntil}.`, 'Perpanjangan mengulang seluruh prosedur: mulailah tepat waktu.', `Berkas: ${d.caseUrl}`, '', 'onegate — Kerja Sama Satu Pintu'),
      };
  }
}

const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per locale and zone: building one costs more than the mail it goes into. */
function formatInstant(at: Date, locale: Locale, timeZone: string): string {
  const key = `${locale} ${timeZone}`;
  let format = instantFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', { timeZone, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
    instantFormats.set(key, format);
  }
  return format.format(at);
}
