import { renderMail, type MailData } from './templates.js';

const data: MailData = {
  caseNumber: 'KS-2026-0007',
  caseTitle: 'KB pengelolaan sampah',
  stage: 'technical_review',
  dueAt: new Date('2026-03-18T03:00:00Z'),
  taskUrl: 'http://onegate.test/tasks/t-1',
  caseUrl: 'http://onegate.test/cases/c-1',
  recipientName: 'Dewi',
  level: 0,
  assignee: null,
  validUntil: '2031-12-31',
  timeZone: 'Asia/Jakarta',
};

describe('mail templates', () => {
  it('says which case, which stage, when it was due (city time), and links to the task, in Bahasa Indonesia', () => {
    const m = renderMail('reminder', 'id', data);
    expect(m.subject).toContain('KS-2026-0007');
    expect(m.subject).toContain('Kajian Tim Teknis');
    expect(m.text).toContain('18 Maret 2026');
    expect(m.text).toMatch(/10[.:]00/);
    expect(m.text).toContain('http://onegate.test/tasks/t-1');
  });

  it('writes English on request and tells supervisors and the chair why they receive it', () => {
    expect(renderMail('escalation', 'en', data).text).toContain('as the supervisor');
    expect(renderMail('escalation', 'en', { ...data, level: 1 }).text).toContain('chair of TKKSD');
    expect(renderMail('escalation', 'id', { ...data, level: 1 }).text).toContain('Ketua TKKSD');
    expect(renderMail('expiry_reminder', 'en', { ...data, level: 30 }).subject).toContain('in 30 days');
    expect(renderMail('expiry_reminder', 'id', { ...data, level: 0 }).subject).toContain('hari ini');
  });
});
