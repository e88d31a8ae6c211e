import { label, type Locale } from '../i18n/labels.js';

export type { Locale } from '../i18n/labels.js';

/** The kinds of message people receive (contract §8). */
export const MESSAGE_KINDS = ['task_assigned', 'revision_requested', 'case_rejected', 'case_signed', 'reminder', 'escalation', 'expiry_reminder', 'evaluation_due', 'offer_received', 'offer_revision_requested', 'offer_rejected'] as const;

/** The messages to a partner's contact about its offer (contract §11): no user, the tracking page is its way in. */
export const OFFER_MESSAGE_KINDS: readonly MessageKind[] = ['offer_received', 'offer_revision_requested', 'offer_rejected'];
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface MessageData {
  caseNumber: string;
  caseTitle: string;
  /** The stage the message is about (the task's, or the stage that decided). */
  stage: string;
  /** When the reader's task is due; for an expiry reminder, when the agreement ends. */
  dueAt: Date | null;
  /** `PUBLIC_URL/tasks/<id>` when the reader has a task to open; otherwise the case's link is given. */
  taskUrl: string | null;
  caseUrl: string;
  /** Expiry reminders: `PUBLIC_URL/agreements/<id>?renew=1`, the agreement's page with its renewal form open. */
  renewUrl?: string | null;
  recipientName: string;
  /** Escalation: 0 = the supervisor, 1+ = TKKSD chair. Expiry reminder: calendar days left. */
  level: number;
  /** Who holds the task (a name), for escalations. */
  assignee: string | null;
  /** The decisions the reader may take (task_assigned, reminder). */
  decisions: readonly string[];
  /** The reviewer's comment (revision_requested, case_rejected), quoted. */
  comment: string | null;
  validFrom: string | null;
  validUntil: string | null;
  /** When it should have gone out, when it goes out late (after an outage, or for history loaded later). */
  lateSince: Date | null;
  timeZone: string;
  /**
   * A partner's messages (OFFER_MESSAGE_KINDS): `PUBLIC_URL/offers/<trackingCode>`, given only to the
   * acknowledgement sent as the offer arrives (the code is kept nowhere, so later messages point to it).
   */
  trackingUrl?: string | null;
  /** When what the message tells happened (a partner's offer received, a request made), shown as a local date and time. */
  at?: Date | null;
}

export interface RenderedMessage {
  subject: string;
  text: string;
}

interface Words {
  dear: string;
  footer: string;
  caseLine: (d: MessageData) => string;
  stageLine: (stage: string) => string;
  due: (when: string) => string;
  late: (when: string) => string;
  openTask: string;
  openCase: string;
  or: string;
  openTracking: string;
  /** A partner's message without its tracking link (after the acknowledgement). */
  trackingHint: string;
}

const WORDS: Record<Locale, Words> = {
  id: {
    dear: 'Yth.',
    footer: 'onegate — Kerja Sama Satu Pintu',
    caseLine: (d) => `Berkas: ${d.caseNumber} — ${d.caseTitle}`,
    stageLine: (stage) => `Tahap: ${stage}`,
    due: (when) => `Batas waktu: ${when}`,
    late: (when) => `Pesan ini terlambat: seharusnya terkirim ${when}.`,
    openTask: 'Buka tugas',
    openCase: 'Buka berkas',
    or: 'atau',
    openTracking: 'Halaman pelacakan penawaran Anda',
    trackingHint: 'Buka halaman pelacakan penawaran Anda melalui tautan pada surel tanda terima penawaran.',
  },
  en: {
    dear: 'Dear',
    footer: 'onegate — one-gate cooperation approvals',
    caseLine: (d) => `Case: ${d.caseNumber} — ${d.caseTitle}`,
    stageLine: (stage) => `Stage: ${stage}`,
    due: (when) => `Due: ${when}`,
    late: (when) => `This message is late: it should have gone out ${when}.`,
    openTask: 'Open the task',
    openCase: 'Open the case',
    or: 'or',
    openTracking: "Your offer's tracking page",
    trackingHint: "Open your offer's tracking page with the link in the acknowledgement of your offer.",
  },
};

/**
 * Every message onegate sends, in Bahasa Indonesia by default and English by the user's setting: it
 * names the case by number and title, says what the reader is asked to do and by when (a local date
 * and time, never ISO), and links to the task or case.
 */
export function renderMessage(kind: MessageKind, locale: Locale, d: MessageData): RenderedMessage {
  const w = WORDS[locale];
  const stage = label(locale, 'stage', d.stage);
  const due = d.dueAt ? formatInstant(d.dueAt, locale, d.timeZone) : null;
  const choices = d.decisions.map((x) => `“${label(locale, 'decision', x)}”`);
  const decisions = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} ${w.or} ${choices[choices.length - 1]}` : (choices[0] ?? '');
  const at = d.at ? formatInstant(d.at, locale, d.timeZone) : null;
  const body = BODIES[locale][kind]({ ...d, stage }, { due, decisions, until: d.validUntil ? formatDay(d.validUntil, locale) : null, from: d.validFrom ? formatDay(d.validFrom, locale) : null, at });
  const link = OFFER_MESSAGE_KINDS.includes(kind)
    ? d.trackingUrl
      ? `${w.openTracking}: ${d.trackingUrl}`
      : w.trackingHint
    : d.taskUrl
      ? `${w.openTask}: ${d.taskUrl}`
      : `${w.openCase}: ${d.caseUrl}`;
  const late = d.lateSince ? w.late(formatInstant(d.lateSince, locale, d.timeZone)) : null;
  const lines = [
    `${w.dear} ${d.recipientName},`,
    '',
    ...body.lead,
    '',
    w.caseLine(d),
    w.stageLine(stage),
    ...(body.due ? [w.due(body.due)] : []),
    '',
    ...body.ask,
    ...(late ? ['', late] : []),
    '',
    link,
    '',
    w.footer,
  ];
  const lateMark = d.lateSince ? (locale === 'id' ? ' (terlambat)' : ' (late)') : '';
  return { subject: `[onegate] ${body.subject}${lateMark}`, text: lines.join('\n') };
}

interface Body {
  subject: string;
  lead: string[];
  /** What the reader is asked to do. */
  ask: string[];
  /** The "by when" line, when there is one. */
  due: string | null;
}

type BodyOf = (d: MessageData, f: { due: string | null; decisions: string; until: string | null; from: string | null; at: string | null }) => Body;

const BODIES: Record<Locale, Record<MessageKind, BodyOf>> = {
  id: {
    task_assigned: (d, f) => ({
      subject: `Tugas untuk Anda: ${d.caseNumber} ${d.stage}`,
      lead: [`Anda ditugaskan menangani berkas ${d.caseNumber} “${d.caseTitle}” pada tahap ${d.stage}.`],
      ask: [`Yang perlu Anda lakukan: periksa berkas dan putuskan ${f.decisions}${f.due ? ` paling lambat ${f.due}` : ''}.`],
      due: f.due,
    }),
    revision_requested: (d) => ({
      subject: `Perlu revisi: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`Berkas ${d.caseNumber} “${d.caseTitle}” dikembalikan kepada Anda untuk revisi pada tahap ${d.stage}.`, ...(d.comment ? [`Catatan: “${d.comment}”`] : [])],
      ask: ['Yang perlu Anda lakukan: perbaiki berkas sesuai catatan, unggah dokumen yang diminta, lalu ajukan ulang. Berkas tidak bergerak sampai Anda mengajukannya ulang.'],
      due: null,
    }),
    case_rejected: (d) => ({
      subject: `Ditolak: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`Berkas ${d.caseNumber} “${d.caseTitle}” ditolak pada tahap ${d.stage}.`, ...(d.comment ? [`Alasan: “${d.comment}”`] : [])],
      ask: ['Tidak ada tindakan lanjutan pada berkas ini. Bila kerja sama masih diperlukan, ajukan usulan baru yang menjawab alasan penolakan.'],
      due: null,
    }),
    case_signed: (d, f) => ({
      subject: `Ditandatangani: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`Kerja sama ${d.caseNumber} “${d.caseTitle}” telah ditandatangani Wali Kota.`, ...(f.until ? [`Berlaku${f.from ? ` ${f.from}` : ''} sampai ${f.until}.`] : [])],
      ask: ['Yang perlu Anda lakukan: tidak ada. Salinan bertanda tangan tersimpan pada berkas; onegate mengingatkan sebelum masa berlakunya berakhir.'],
      due: null,
    }),
    reminder: (d, f) => ({
      subject: `Pengingat: ${d.caseNumber} ${d.stage} jatuh tempo ${f.due ?? ''}`.trim(),
      lead: [`Berkas ${d.caseNumber} “${d.caseTitle}” menunggu keputusan pada tahap ${d.stage}.`],
      ask: [`Yang perlu Anda lakukan: putuskan ${f.decisions}${f.due ? ` paling lambat ${f.due}` : ''}.`],
      due: f.due,
    }),
    escalation: (d, f) => ({
      subject: `Terlambat: ${d.caseNumber} ${d.stage} jatuh tempo ${f.due ?? ''}`.trim(),
      lead: [
        `Berkas ${d.caseNumber} “${d.caseTitle}” telah melewati batas waktu pada tahap ${d.stage}${d.assignee ? `; ditangani oleh ${d.assignee}` : '; belum diambil oleh siapa pun'}.`,
        d.level === 0 ? 'Anda menerima ini sebagai atasan langsung.' : 'Anda menerima ini sebagai Ketua TKKSD.',
      ],
      ask: ['Yang perlu Anda lakukan: pastikan berkas diputuskan hari ini, atau alihkan tugasnya kepada pegawai lain.'],
      due: f.due,
    }),
    expiry_reminder: (d, f) => ({
      subject: `${d.caseNumber} berakhir ${d.level === 0 ? 'hari ini' : `dalam ${d.level} hari`} (${f.until ?? ''})`,
      lead: [`Kerja sama ${d.caseNumber} “${d.caseTitle}” berlaku sampai ${f.until ?? '—'}.`],
      ask: [
        'Yang perlu Anda lakukan: bila kerja sama akan dilanjutkan, mulailah perpanjangan dari halaman berkas sekarang. Perpanjangan menempuh seluruh prosedur.',
        ...(d.renewUrl ? [`Mulai perpanjangan: ${d.renewUrl}`] : []),
      ],
      due: f.until,
    }),
    offer_received: (d, f) => ({
      subject: `Penawaran diterima: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`Terima kasih. Penawaran kerja sama Anda “${d.caseTitle}” telah kami terima${f.at ? ` pada ${f.at}` : ''} dengan nomor ${d.caseNumber}.`],
      ask: [
        'Yang perlu Anda lakukan: simpan surel ini. Bagian Kerja Sama memeriksa penawaran Anda; bila ada yang perlu dilengkapi, kami mengirim surel dan permintaannya tampil pada halaman pelacakan.',
        'Tautan di bawah adalah satu-satunya jalan ke halaman pelacakan: jangan bagikan kepada orang lain.',
      ],
      due: null,
    }),
    offer_revision_requested: (d, f) => ({
      subject: `Mohon dilengkapi: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`${f.at ? `Pada ${f.at}, ` : ''}Bagian Kerja Sama meminta Anda melengkapi penawaran ${d.caseNumber} “${d.caseTitle}”.`, ...(d.comment ? [`Permintaan: “${d.comment}”`] : [])],
      ask: ['Yang perlu Anda lakukan: buka halaman pelacakan, unggah dokumen yang diminta dan kirim jawaban Anda. Penawaran tidak diperiksa lagi sampai Anda menjawab.'],
      due: null,
    }),
    offer_rejected: (d) => ({
      subject: `Penawaran tidak dilanjutkan: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`Mohon maaf, penawaran ${d.caseNumber} “${d.caseTitle}” tidak dapat dilanjutkan.`, ...(d.comment ? [`Alasan: “${d.comment}”`] : [])],
      ask: ['Tidak ada tindakan lanjutan pada penawaran ini. Anda dapat mengajukan penawaran baru yang menjawab alasan tersebut.'],
      due: null,
    }),
    evaluation_due: (d, f) => ({
      subject: `Evaluasi kerja sama: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`Kerja sama Anda perlu dievaluasi (monitoring dan evaluasi): ${d.caseNumber} “${d.caseTitle}”.`],
      ask: [`Yang perlu Anda lakukan: isi laporan pelaksanaan — kemajuan (persen), keluaran yang dicapai dan kendala — dan kirimkan${f.due ? ` paling lambat ${f.due}` : ''}. Laporan kemudian dikaji Tim Teknis dan disimpulkan Bagian Kerja Sama.`],
      due: f.due,
    }),
  },
  en: {
    task_assigned: (d, f) => ({
      subject: `A task for you: ${d.caseNumber} ${d.stage}`,
      lead: [`You have been assigned case ${d.caseNumber} “${d.caseTitle}” at the stage ${d.stage}.`],
      ask: [`What to do: review the case and decide ${f.decisions}${f.due ? ` by ${f.due}` : ''}.`],
      due: f.due,
    }),
    revision_requested: (d) => ({
      subject: `Revision needed: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`Case ${d.caseNumber} “${d.caseTitle}” was returned to you for revision at the stage ${d.stage}.`, ...(d.comment ? [`Comment: “${d.comment}”`] : [])],
      ask: ['What to do: revise the case as the comment asks, upload the documents requested, then resubmit it. The case does not move until you resubmit it.'],
      due: null,
    }),
    case_rejected: (d) => ({
      subject: `Rejected: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`Case ${d.caseNumber} “${d.caseTitle}” was rejected at the stage ${d.stage}.`, ...(d.comment ? [`Reason: “${d.comment}”`] : [])],
      ask: ['Nothing more happens on this case. If the cooperation is still needed, make a new proposal that answers the reason.'],
      due: null,
    }),
    case_signed: (d, f) => ({
      subject: `Signed: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`The agreement ${d.caseNumber} “${d.caseTitle}” has been signed by the mayor.`, ...(f.until ? [`In force${f.from ? ` from ${f.from}` : ''} until ${f.until}.`] : [])],
      ask: ['What to do: nothing. The signed copy is kept on the case; onegate reminds you before the agreement ends.'],
      due: null,
    }),
    reminder: (d, f) => ({
      subject: `Reminder: ${d.caseNumber} ${d.stage} is due ${f.due ?? ''}`.trim(),
      lead: [`Case ${d.caseNumber} “${d.caseTitle}” is waiting for a decision at the stage ${d.stage}.`],
      ask: [`What to do: decide ${f.decisions}${f.due ? ` by ${f.due}` : ''}.`],
      due: f.due,
    }),
    escalation: (d, f) => ({
      subject: `Overdue: ${d.caseNumber} ${d.stage} was due ${f.due ?? ''}`.trim(),
      lead: [
        `Case ${d.caseNumber} “${d.caseTitle}” has passed its deadline at the stage ${d.stage}${d.assignee ? `; it is held by ${d.assignee}` : '; nobody has claimed it'}.`,
        d.level === 0 ? 'You receive this as the supervisor.' : 'You receive this as chair of TKKSD.',
      ],
      ask: ['What to do: make sure the case is decided today, or delegate the task to someone else.'],
      due: f.due,
    }),
    expiry_reminder: (d, f) => ({
      subject: `${d.caseNumber} expires ${d.level === 0 ? 'today' : `in ${d.level} days`} (${f.until ?? ''})`,
      lead: [`The agreement ${d.caseNumber} “${d.caseTitle}” is in force until ${f.until ?? '—'}.`],
      ask: [
        'What to do: if the cooperation should go on, start its renewal from the case page now. A renewal passes the whole procedure.',
        ...(d.renewUrl ? [`Start the renewal: ${d.renewUrl}`] : []),
      ],
      due: f.until,
    }),
    offer_received: (d, f) => ({
      subject: `Offer received: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`Thank you. We received your cooperation offer “${d.caseTitle}”${f.at ? ` on ${f.at}` : ''} as number ${d.caseNumber}.`],
      ask: [
        'What to do: keep this mail. The cooperation section reviews your offer; if anything is missing we mail you and the request shows on the tracking page.',
        'The link below is the only way to the tracking page: do not share it.',
      ],
      due: null,
    }),
    offer_revision_requested: (d, f) => ({
      subject: `Please complete: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`${f.at ? `On ${f.at}, the` : 'The'} cooperation section asks you to complete the offer ${d.caseNumber} “${d.caseTitle}”.`, ...(d.comment ? [`Request: “${d.comment}”`] : [])],
      ask: ['What to do: open the tracking page, upload the documents asked for and send your reply. The offer is not reviewed again until you reply.'],
      due: null,
    }),
    offer_rejected: (d) => ({
      subject: `Offer not taken further: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`We are sorry: the offer ${d.caseNumber} “${d.caseTitle}” cannot be taken further.`, ...(d.comment ? [`Reason: “${d.comment}”`] : [])],
      ask: ['Nothing more happens on this offer. You may make a new offer that answers the reason.'],
      due: null,
    }),
    evaluation_due: (d, f) => ({
      subject: `Evaluation of an agreement: ${d.caseNumber} ${d.caseTitle}`,
      lead: [`An agreement of yours is due for its monitoring and evaluation: ${d.caseNumber} “${d.caseTitle}”.`],
      ask: [`What to do: fill in the implementation report — progress (per cent), outputs achieved and problems — and submit it${f.due ? ` by ${f.due}` : ''}. Tim Teknis then reviews it and the cooperation section concludes.`],
      due: f.due,
    }),
  },
};

const instantFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let format = instantFormats.get(key);
  if (!format) instantFormats.set(key, (format = make()));
  return format;
}

/**
 * An instant as a clerk reads it, in the city's zone: "Senin, 7 Desember 2026 pukul 14.00 WIB"
 * ("Monday, 7 December 2026 at 14:00 WIB"); never ISO, never seconds. The zone's Indonesian
 * abbreviation (WIB, WITA, WIT) serves both languages.
 */
export function formatInstant(at: Date, locale: Locale, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  const text = formatter(`${locale} ${timeZone}`, () => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', options)).format(at);
  return `${text} ${zoneName(at, timeZone)}`;
}

/** A calendar date (`2031-12-31`) as "Rabu, 31 Desember 2031". */
export function formatDay(date: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const options: Intl.DateTimeFormatOptions = { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };
  return formatter(`day ${locale}`, () => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', options)).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

function zoneName(at: Date, timeZone: string): string {
  const parts = formatter(`zone ${timeZone}`, () => new Intl.DateTimeFormat('id-ID', { timeZone, timeZoneName: 'short' })).formatToParts(at);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** A WhatsApp message's longest text: a chat line, not a letter. */
export const WHATSAPP_MAX_CHARS = 600;

/**
 * The same message on WhatsApp (contract §12): short — what it is, the case, what is asked and by
 * when, and the link — in the reader's language (Bahasa Indonesia unless they chose English).
 */
export function renderWhatsApp(kind: MessageKind, locale: Locale, d: MessageData): string {
  const w = WORDS[locale];
  const stage = label(locale, 'stage', d.stage);
  const due = d.dueAt ? formatInstant(d.dueAt, locale, d.timeZone) : null;
  const choices = d.decisions.map((x) => `“${label(locale, 'decision', x)}”`);
  const decisions = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} ${w.or} ${choices[choices.length - 1]}` : (choices[0] ?? '');
  const body = BODIES[locale][kind]({ ...d, stage }, { due, decisions, until: d.validUntil ? formatDay(d.validUntil, locale) : null, from: d.validFrom ? formatDay(d.validFrom, locale) : null, at: d.at ? formatInstant(d.at, locale, d.timeZone) : null });
  const lateMark = d.lateSince ? (locale === 'id' ? ' (terlambat)' : ' (late)') : '';
  const lines = [`*onegate* — ${body.subject}${lateMark}`, w.caseLine(d), ...(body.due ? [w.due(body.due)] : []), d.taskUrl ?? d.renewUrl ?? d.caseUrl];
  const text = lines.join('\n');
  // The link is the point of the message: a long title gives way, never the link.
  if (text.length <= WHATSAPP_MAX_CHARS) return text;
  const link = lines[lines.length - 1]!;
  return `${text.slice(0, WHATSAPP_MAX_CHARS - link.length - 2)}…\n${link}`;
}

/** One open task as the morning digest lists it. */
export interface DigestItem {
  caseNumber: string;
  caseTitle: string;
  stage: string;
  dueAt: Date | null;
  overdue: boolean;
  url: string;
}

/**
 * The morning digest (contract §12): a user's open tasks, the overdue first (the longest overdue at
 * the top), then by due time; each with its case, stage, due time and link. `items` come ordered.
 */
export function renderDigest(locale: Locale, d: { recipientName: string; at: Date; timeZone: string; items: DigestItem[] }): RenderedMessage {
  const w = WORDS[locale];
  const id = locale === 'id';
  const overdue = d.items.filter((i) => i.overdue);
  const rest = d.items.filter((i) => !i.overdue);
  const line = (i: DigestItem, n: number) => [
    `${n}. ${i.caseNumber} — ${i.caseTitle}`,
    `   ${w.stageLine(label(locale, 'stage', i.stage))}${i.dueAt ? ` · ${w.due(formatInstant(i.dueAt, locale, d.timeZone))}` : ''}`,
    `   ${w.openTask}: ${i.url}`,
  ];
  const section = (title: string, items: DigestItem[], from: number) => (items.length ? ['', title, ...items.flatMap((i, k) => line(i, from + k))] : []);
  const count = id
    ? `${d.items.length} tugas${overdue.length ? `, ${overdue.length} terlambat` : ''}`
    : `${d.items.length} task${d.items.length === 1 ? '' : 's'}${overdue.length ? `, ${overdue.length} overdue` : ''}`;
  const lines = [
    `${w.dear} ${d.recipientName},`,
    '',
    id ? `Berikut tugas Anda yang masih terbuka per ${formatInstant(d.at, locale, d.timeZone)}.` : `Here are your open tasks as of ${formatInstant(d.at, locale, d.timeZone)}.`,
    ...section(id ? 'TERLAMBAT — mohon segera diselesaikan:' : 'OVERDUE — please act on these first:', overdue, 1),
    ...section(id ? 'Belum jatuh tempo:' : 'Not yet due:', rest, overdue.length + 1),
    '',
    id
      ? 'Anda menerima ringkasan ini setiap pagi hari kerja sebagai pengganti pengingat terpisah; eskalasi tetap dikirim saat itu juga. Ubah di halaman Profil.'
      : 'You get this digest every working morning instead of separate reminders; escalations still go at once. Change it on your Profile page.',
    '',
    w.footer,
  ];
  const day = formatDay(dateOfInstant(d.at, d.timeZone), locale);
  return { subject: `[onegate] ${id ? 'Ringkasan tugas' : 'Your tasks'} ${day}: ${count}`, text: lines.join('\n') };
}

function dateOfInstant(at: Date, timeZone: string): string {
  return formatter(`date ${timeZone}`, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })).format(at);
}
