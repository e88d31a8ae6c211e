import { LOCALES } from '../i18n/labels.js';
import { MESSAGE_KINDS, OFFER_MESSAGE_KINDS, WHATSAPP_MAX_CHARS, formatDay, formatInstant, renderDigest, renderMessage, renderWhatsApp, type MessageData } from './templates.js';

const data: MessageData = {
  caseNumber: 'KS-2026-0007',
  caseTitle: 'KB pengelolaan sampah',
  stage: 'technical_review',
  // Monday 7 December 2026, 14:00 in Jakarta.
  dueAt: new Date('2026-12-07T07:00:00Z'),
  taskUrl: 'https://kerjasama.jambikota.go.id/tasks/5f0c2f4e-7d1a-4c55-9a51-0d6a3f1f2b11',
  caseUrl: 'https://kerjasama.jambikota.go.id/cases/0b7e8d59-3c0e-4a43-8f2c-59a0e8f1c2d4',
  recipientName: 'Dewi',
  level: 0,
  assignee: null,
  decisions: ['approve', 'revise'],
  comment: 'Lampirkan rencana kerja',
  validFrom: '2027-01-01',
  validUntil: '2031-12-31',
  lateSince: null,
  timeZone: 'Asia/Jakarta',
};

describe('message texts (contract §8)', () => {
  it('writes local dates as a clerk reads them, never ISO and never seconds', () => {
    expect(formatInstant(data.dueAt!, 'id', 'Asia/Jakarta')).toBe('Senin, 7 Desember 2026 pukul 14.00 WIB');
    expect(formatInstant(data.dueAt!, 'en', 'Asia/Jakarta')).toBe('Monday, 7 December 2026 at 14:00 WIB');
    expect(formatInstant(data.dueAt!, 'id', 'Asia/Makassar')).toBe('Senin, 7 Desember 2026 pukul 15.00 WITA');
    expect(formatInstant(data.dueAt!, 'id', 'Asia/Jayapura')).toBe('Senin, 7 Desember 2026 pukul 16.00 WIT');
    expect(formatDay('2031-12-31', 'id')).toBe('Rabu, 31 Desember 2031');
    expect(formatDay('2031-12-31', 'en')).toBe('Wednesday, 31 December 2031');
  });

  it.each(MESSAGE_KINDS.flatMap((kind) => LOCALES.map((locale) => [kind, locale] as const)))('%s in %s names the case, asks for something, links to it, and shows no raw id', (kind, locale) => {
    const offer = OFFER_MESSAGE_KINDS.includes(kind);
    const m = renderMessage(kind, locale, offer ? { ...data, trackingUrl: 'https://kerjasama.jambikota.go.id/offers/zXj5uQ9mE2aB7cD4fG1hJ8kL3nP6qR0sT5vW2yA9bC1' } : data);
    expect(m.subject.startsWith('[onegate] ')).toBe(true);
    expect(m.subject).toContain('KS-2026-0007');
    expect(m.text).toContain('KS-2026-0007 — KB pengelolaan sampah');
    expect(m.text).toContain(locale === 'id' ? 'Yth. Dewi,' : 'Dear Dewi,');
    // What the reader is asked to do.
    expect(m.text).toMatch(locale === 'id' ? /Yang perlu Anda lakukan|Tidak ada tindakan/ : /What to do|Nothing more happens/);
    // A partner is no user: its messages lead to its offer's tracking page, never to a case or task.
    expect(m.text).toMatch(offer ? /https:\/\/kerjasama\.jambikota\.go\.id\/offers\// : /https:\/\/kerjasama\.jambikota\.go\.id\/(tasks|cases)\//);
    if (offer) expect(m.text).not.toMatch(/\/(tasks|cases)\//);
    for (const text of [m.subject, m.text.replace(/https?:\/\/\S+/g, '')]) {
      expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/); // no snake_case id
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/); // no ISO date
      expect(text).not.toMatch(/\d{1,2}[.:]\d{2}[.:]\d{2}/); // no seconds
    }
  });

  it('says by when, in the stage and decisions the reader knows', () => {
    const m = renderMessage('reminder', 'id', data);
    expect(m.subject).toBe('[onegate] Pengingat: KS-2026-0007 Kajian Tim Teknis jatuh tempo Senin, 7 Desember 2026 pukul 14.00 WIB');
    expect(m.text).toContain('Batas waktu: Senin, 7 Desember 2026 pukul 14.00 WIB');
    expect(m.text).toContain('putuskan “Setujui” atau “Kembalikan untuk revisi” paling lambat Senin, 7 Desember 2026 pukul 14.00 WIB');
    expect(m.text).toContain(`Buka tugas: ${data.taskUrl}`);
    const en = renderMessage('task_assigned', 'en', data);
    expect(en.subject).toBe('[onegate] A task for you: KS-2026-0007 Technical review (Tim Teknis)');
    expect(en.text).toContain('decide “Approve” or “Return for revision” by Monday, 7 December 2026 at 14:00 WIB');
  });

  it('quotes the comment to the proposer, and links to the case when there is no task to open', () => {
    expect(renderMessage('revision_requested', 'id', data).text).toContain('Catatan: “Lampirkan rencana kerja”');
    const rejected = renderMessage('case_rejected', 'id', { ...data, taskUrl: null, comment: 'Mitra tidak memenuhi syarat' });
    expect(rejected.text).toContain('Alasan: “Mitra tidak memenuhi syarat”');
    expect(rejected.text).toContain(`Buka berkas: ${data.caseUrl}`);
    const signed = renderMessage('case_signed', 'id', { ...data, taskUrl: null });
    expect(signed.text).toContain('Berlaku Jumat, 1 Januari 2027 sampai Rabu, 31 Desember 2031.');
  });

  it("points a partner without its tracking link to the acknowledgement's, and quotes the request and the reason", () => {
    const asked = renderMessage('offer_revision_requested', 'id', data);
    expect(asked.text).toContain('Permintaan: “Lampirkan rencana kerja”');
    expect(asked.text).toContain('melalui tautan pada surel tanda terima penawaran');
    expect(asked.text).not.toContain('https://');
    expect(renderMessage('offer_received', 'id', { ...data, at: data.dueAt }).text).toContain('telah kami terima pada Senin, 7 Desember 2026 pukul 14.00 WIB dengan nomor KS-2026-0007');
    expect(renderMessage('offer_rejected', 'en', { ...data, comment: 'Out of scope' }).text).toContain('Reason: “Out of scope”');
  });

  it('tells supervisors and the chair why they receive an escalation, and counts days to an expiry', () => {
    expect(renderMessage('escalation', 'en', data).text).toContain('as the supervisor');
    expect(renderMessage('escalation', 'en', { ...data, level: 1 }).text).toContain('chair of TKKSD');
    expect(renderMessage('escalation', 'id', { ...data, level: 1, assignee: 'Tim Teknis A' }).text).toContain('ditangani oleh Tim Teknis A');
    expect(renderMessage('expiry_reminder', 'en', { ...data, level: 30 }).subject).toBe('[onegate] KS-2026-0007 expires in 30 days (Wednesday, 31 December 2031)');
    expect(renderMessage('expiry_reminder', 'id', { ...data, level: 0 }).subject).toContain('berakhir hari ini');
  });

  it('marks a catch-up as late and says when it was due', () => {
    const m = renderMessage('reminder', 'id', { ...data, lateSince: new Date('2026-12-04T02:30:00Z') });
    expect(m.subject.endsWith(' (terlambat)')).toBe(true);
    expect(m.text).toContain('Pesan ini terlambat: seharusnya terkirim Jumat, 4 Desember 2026 pukul 09.30 WIB.');
    expect(renderMessage('reminder', 'en', { ...data, lateSince: new Date('2026-12-04T02:30:00Z') }).subject.endsWith(' (late)')).toBe(true);
    expect(renderMessage('reminder', 'id', data).text).not.toContain('terlambat');
  });
});

describe('WhatsApp texts and the morning digest (contract §12)', () => {
  it('says every kind short, in Indonesian first, with the case, due time and link', () => {
    for (const kind of MESSAGE_KINDS) {
      const text = renderWhatsApp(kind, 'id', data);
      expect(text).toContain('KS-2026-0007');
      expect(text).toMatch(/https:\/\/kerjasama\.jambikota\.go\.id\/(tasks|cases)\//);
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
      expect(text.length).toBeLessThanOrEqual(WHATSAPP_MAX_CHARS);
    }
    expect(renderWhatsApp('task_assigned', 'id', data)).toBe(
      ['*onegate* — Tugas untuk Anda: KS-2026-0007 Kajian Tim Teknis', 'Berkas: KS-2026-0007 — KB pengelolaan sampah', 'Batas waktu: Senin, 7 Desember 2026 pukul 14.00 WIB', data.taskUrl].join('\n'),
    );
    expect(renderWhatsApp('reminder', 'en', data)).toContain('Due: Monday, 7 December 2026 at 14:00 WIB');
  });

  it('gives way on a long title, never on the link', () => {
    const text = renderWhatsApp('task_assigned', 'id', { ...data, caseTitle: 'Kerja sama '.repeat(100) });
    expect(text.length).toBeLessThanOrEqual(WHATSAPP_MAX_CHARS);
    expect(text.endsWith(`\n${data.taskUrl}`)).toBe(true);
  });

  it('lists the overdue first in the digest, and counts them in the subject', () => {
    const at = new Date('2026-12-08T00:30:00Z'); // Tuesday 07:30 WIB
    const items = [
      { caseNumber: 'KS-2026-0001', caseTitle: 'Lama', stage: 'legal_review', dueAt: new Date('2026-12-04T07:00:00Z'), overdue: true, url: 'https://x/tasks/1' },
      { caseNumber: 'KS-2026-0002', caseTitle: 'Baru', stage: 'technical_review', dueAt: new Date('2026-12-09T07:00:00Z'), overdue: false, url: 'https://x/tasks/2' },
    ];
    const mail = renderDigest('id', { recipientName: 'Dewi', at, timeZone: 'Asia/Jakarta', items });
    expect(mail.subject).toBe('[onegate] Ringkasan tugas Selasa, 8 Desember 2026: 2 tugas, 1 terlambat');
    expect(mail.text.indexOf('TERLAMBAT')).toBeLessThan(mail.text.indexOf('KS-2026-0001'));
    expect(mail.text.indexOf('KS-2026-0001')).toBeLessThan(mail.text.indexOf('Belum jatuh tempo'));
    expect(mail.text.indexOf('Belum jatuh tempo')).toBeLessThan(mail.text.indexOf('KS-2026-0002'));
    expect(mail.text).toContain('Batas waktu: Jumat, 4 Desember 2026 pukul 14.00 WIB');
    expect(renderDigest('en', { recipientName: 'Dewi', at, timeZone: 'Asia/Jakarta', items }).subject).toBe('[onegate] Your tasks Tuesday, 8 December 2026: 2 tasks, 1 overdue');
  });
});
