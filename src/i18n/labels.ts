/**
 * The one catalogue of the words a person reads for the domain's ids: stages, roles, decisions,
 * instruments, partner categories, document kinds, event types, message kinds and workflows, in
 * Bahasa Indonesia (default) and English. The server's mails and diagram read it here; the web app
 * gets the same object as the module `/labels.js` (src/web/web.ts), so both always say the same.
 * Keys are `<family>.<id>`; a raw id never reaches a person (labels.spec.ts checks every one).
 */

export const LOCALES = ['id', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export type LabelFamily = 'stage' | 'role' | 'decision' | 'instrument' | 'instrumentShort' | 'category' | 'kind' | 'event' | 'message' | 'workflow';

const ID: Record<string, string> = {
  'decision.approve': 'Setujui',
  'decision.revise': 'Kembalikan untuk revisi',
  'decision.reject': 'Tolak',
  'decision.sign': 'Tandatangani',
  'stage.proposal': 'Usulan',
  'stage.administrative_check': 'Pemeriksaan administrasi',
  'stage.technical_review': 'Kajian Tim Teknis',
  'stage.tkksd_coordination': 'Koordinasi TKKSD (kelayakan)',
  'stage.legal_review': 'Telaah hukum (Bagian Hukum)',
  'stage.dprd_approval': 'Persetujuan DPRD',
  'stage.ministry_approval': 'Persetujuan Menteri',
  'stage.mayor_signature': 'Penandatanganan Wali Kota',
  'stage.signed': 'Ditandatangani',
  'stage.expired': 'Berakhir',
  'stage.terminated': 'Diakhiri',
  'stage.revision': 'Revisi',
  'stage.rejected': 'Ditolak',
  'stage.withdrawn': 'Ditarik',
  'role.proposer': 'Pengusul (OPD)',
  'role.secretariat': 'Bagian Kerja Sama',
  'role.technical_reviewer': 'Tim Teknis',
  'role.tkksd': 'Anggota TKKSD',
  'role.tkksd_chair': 'Ketua TKKSD',
  'role.legal': 'Bagian Hukum',
  'role.dprd': 'DPRD',
  'role.mayor': 'Wali Kota',
  'role.auditor': 'Auditor',
  'role.admin': 'Admin',
  'instrument.kb': 'Kesepakatan Bersama (MoU)',
  'instrument.pks': 'Perjanjian Kerja Sama (PKS)',
  'instrument.nk': 'Nota Kesepakatan',
  'instrument.loi': 'Letter of Intent',
  'instrumentShort.kb': 'MoU',
  'instrumentShort.pks': 'PKS',
  'instrumentShort.nk': 'NK',
  'instrumentShort.loi': 'LoI',
  'category.region': 'Pemerintah daerah lain',
  'category.third_party': 'Pihak ketiga',
  'category.central_government': 'Pemerintah pusat',
  'category.foreign': 'Pihak luar negeri',
  'kind.kak': 'KAK',
  'kind.feasibility_study': 'Studi kelayakan',
  'kind.offer_letter': 'Surat penawaran',
  'kind.draft_kb': 'Draf KB',
  'kind.draft_pks': 'Draf PKS',
  'kind.draft_nk': 'Draf NK',
  'kind.dprd_decision': 'Keputusan DPRD',
  'kind.ministry_approval': 'Persetujuan Menteri',
  'kind.signed': 'Salinan ditandatangani',
  'kind.other': 'Lainnya',
  'event.CASE_CREATED': 'Berkas dibuat',
  'event.SUBMITTED': 'Diajukan',
  'event.SUBMIT': 'Diajukan',
  'event.RESUBMIT': 'Diajukan ulang',
  'event.RESUBMITTED': 'Diajukan ulang',
  'event.WITHDRAW': 'Ditarik',
  'event.WITHDRAWN': 'Ditarik',
  'event.TERMINATE': 'Diakhiri',
  'event.TERMINATED': 'Diakhiri',
  'event.EXPIRE': 'Masa berlaku habis',
  'event.EXPIRED': 'Masa berlaku habis',
  'event.DOCUMENT_UPLOADED': 'Dokumen diunggah',
  'event.DOCUMENT_ADDED': 'Dokumen ditambahkan',
  'event.TASK_CLAIMED': 'Tugas diambil',
  'event.TASK_UNCLAIMED': 'Tugas dilepaskan',
  'event.TASK_DELEGATED': 'Tugas didelegasikan',
  'event.TASK_COMPLETED': 'Keputusan',
  'event.TASK_DEEMED_APPROVED': 'Dianggap disetujui',
  'decision.resubmit': 'Ajukan ulang',
  'message.task_assigned': 'Penugasan',
  'message.revision_requested': 'Permintaan revisi',
  'message.case_rejected': 'Berkas ditolak',
  'message.case_signed': 'Kerja sama ditandatangani',
  'message.reminder': 'Pengingat tenggat',
  'message.escalation': 'Eskalasi keterlambatan',
  'message.expiry_reminder': 'Pengingat berakhirnya kerja sama',
  'message.evaluation_due': 'Evaluasi jatuh tempo',
  'workflow.cooperation': 'Prosedur kerja sama',
  'workflow.version': '{name}, versi {version}',
};

const EN: Record<string, string> = {
  'decision.approve': 'Approve',
  'decision.revise': 'Return for revision',
  'decision.reject': 'Reject',
  'decision.sign': 'Sign',
  'stage.proposal': 'Proposal',
  'stage.administrative_check': 'Administrative check',
  'stage.technical_review': 'Technical review (Tim Teknis)',
  'stage.tkksd_coordination': 'TKKSD coordination',
  'stage.legal_review': 'Legal review (Bagian Hukum)',
  'stage.dprd_approval': 'DPRD approval',
  'stage.ministry_approval': "Minister's approval",
  'stage.mayor_signature': "Mayor's signature",
  'stage.signed': 'Signed',
  'stage.expired': 'Expired',
  'stage.terminated': 'Terminated',
  'stage.revision': 'Revision',
  'stage.rejected': 'Rejected',
  'stage.withdrawn': 'Withdrawn',
  'role.proposer': 'Proposer (OPD)',
  'role.secretariat': 'Cooperation section',
  'role.technical_reviewer': 'Technical team',
  'role.tkksd': 'TKKSD member',
  'role.tkksd_chair': 'TKKSD chair',
  'role.legal': 'Legal section',
  'role.dprd': 'DPRD',
  'role.mayor': 'Mayor',
  'role.auditor': 'Auditor',
  'role.admin': 'Admin',
  'instrument.kb': 'Kesepakatan Bersama (MoU)',
  'instrument.pks': 'Cooperation agreement (PKS)',
  'instrument.nk': 'Nota Kesepakatan',
  'instrument.loi': 'Letter of intent',
  'instrumentShort.kb': 'MoU',
  'instrumentShort.pks': 'PKS',
  'instrumentShort.nk': 'NK',
  'instrumentShort.loi': 'LoI',
  'category.region': 'Another region',
  'category.third_party': 'Third party',
  'category.central_government': 'Central government',
  'category.foreign': 'Foreign partner',
  'kind.kak': 'KAK (terms of reference)',
  'kind.feasibility_study': 'Feasibility study',
  'kind.offer_letter': 'Offer letter',
  'kind.draft_kb': 'Draft KB',
  'kind.draft_pks': 'Draft PKS',
  'kind.draft_nk': 'Draft NK',
  'kind.dprd_decision': 'DPRD decision',
  'kind.ministry_approval': "Minister's approval",
  'kind.signed': 'Signed copy',
  'kind.other': 'Other',
  'event.CASE_CREATED': 'Case created',
  'event.SUBMITTED': 'Submitted',
  'event.SUBMIT': 'Submitted',
  'event.RESUBMIT': 'Resubmitted',
  'event.RESUBMITTED': 'Resubmitted',
  'event.WITHDRAW': 'Withdrawn',
  'event.WITHDRAWN': 'Withdrawn',
  'event.TERMINATE': 'Terminated',
  'event.TERMINATED': 'Terminated',
  'event.EXPIRE': 'Expired',
  'event.EXPIRED': 'Expired',
  'event.DOCUMENT_UPLOADED': 'Document uploaded',
  'event.DOCUMENT_ADDED': 'Document added',
  'event.TASK_CLAIMED': 'Task claimed',
  'event.TASK_UNCLAIMED': 'Task released',
  'event.TASK_DELEGATED': 'Task delegated',
  'event.TASK_COMPLETED': 'Decision',
  'event.TASK_DEEMED_APPROVED': 'Deemed approved',
  'decision.resubmit': 'Resubmit',
  'message.task_assigned': 'Assignment',
  'message.revision_requested': 'Revision requested',
  'message.case_rejected': 'Case rejected',
  'message.case_signed': 'Agreement signed',
  'message.reminder': 'Deadline reminder',
  'message.escalation': 'Overdue escalation',
  'message.expiry_reminder': 'Agreement expiry reminder',
  'message.evaluation_due': 'Evaluation due',
  'workflow.cooperation': 'Cooperation procedure',
  'workflow.version': '{name}, version {version}',
};

export const LABELS: Record<Locale, Readonly<Record<string, string>>> = { id: ID, en: EN };

/** `locale` as a supported locale: English only when asked for, Indonesian otherwise. */
export function toLocale(value: string | null | undefined): Locale {
  return value === 'en' ? 'en' : 'id';
}

/** The label of `value` in `family` (`label('id', 'stage', 'legal_review')` → "Telaah hukum (Bagian Hukum)"). */
export function label(locale: Locale, family: LabelFamily, value: string): string {
  const key = `${family}.${value}`;
  return LABELS[locale][key] ?? LABELS.id[key] ?? humanize(value);
}

/** A workflow version as a person names it: "Prosedur kerja sama, versi 2". */
export function workflowLabel(locale: Locale, name: string, version: number): string {
  return LABELS[locale]['workflow.version']!.replace('{name}', label(locale, 'workflow', name)).replace('{version}', String(version));
}

/** Last resort for an id with no label yet: words, not snake_case (a test keeps every known id labelled). */
function humanize(value: string): string {
  const words = value.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
