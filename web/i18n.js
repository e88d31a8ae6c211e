// @ts-check
/**
 * Every string the web app shows, in Bahasa Indonesia (default) and English. The chosen language is
 * kept in localStorage ('onegate.lang'). `t(key, params)` looks a key up and fills `{name}` params.
 * The domain's words (stages, roles, decisions, kinds, …) come from the server's one catalogue,
 * src/i18n/labels.ts, served as the module /labels.js.
 */

import { LABELS } from '/labels.js';

const LANG_KEY = 'onegate.lang';

/** @type {Record<'id'|'en', Record<string, string>>} */
const STRINGS = {
  id: {
    'app.name': 'onegate',
    'app.tagline': 'Kerja Sama Satu Pintu',
    'nav.inbox': 'Kotak masuk',
    'nav.cases': 'Berkas kerja sama',
    'nav.new': 'Usulan baru',
    'nav.dashboard': 'Dasbor',
    'nav.main': 'Menu utama',
    'lang.switch': 'English',
    'lang.label': 'Bahasa',
    'signout': 'Keluar',
    'loading': 'Memuat…',
    'none': '—',
    'back': 'Kembali',
    'refresh': 'Muat ulang',
    'close': 'Tutup',

    'signin.title': 'Masuk',
    'signin.intro': 'Pilih pengguna dari direktori untuk bekerja sesuai perannya.',
    'signin.as': 'Masuk sebagai {name}',
    'signin.bearer': 'Tempelkan token akses (bearer) dari penyedia identitas Anda.',
    'signin.token': 'Token akses',
    'signin.submit': 'Masuk',
    'signin.expired': 'Sesi Anda berakhir. Silakan masuk kembali.',
    'signin.empty': 'Direktori belum berisi pengguna.',
    'signin.oidc': 'Masuk dengan akun SSO',
    'signin.oidcIntro': 'Masuk melalui layanan identitas (SSO) pemerintah kota.',
    'signin.pasteToken': 'Atau tempelkan token akses',
    'signin.oidcFailed': 'Masuk melalui SSO gagal:',
    'signin.oidcState': 'Jawaban SSO tidak cocok dengan permintaan masuk dari tab ini. Silakan masuk kembali.',
    'signin.oidcUnreachable': 'Layanan identitas (SSO) tidak dapat dihubungi.',
    'signin.oidcNeedsHttps': 'Masuk melalui SSO memerlukan alamat HTTPS (atau localhost).',

    'inbox.title': 'Kotak masuk',
    'inbox.empty': 'Tidak ada tugas untuk Anda saat ini.',
    'inbox.col.number': 'Nomor',
    'inbox.col.case': 'Judul / mitra',
    'inbox.col.stage': 'Tahap',
    'inbox.col.due': 'Tenggat',
    'inbox.col.assignee': 'Penanggung jawab',
    'inbox.col.actions': 'Aksi',
    'inbox.filter.stage': 'Tahap',
    'inbox.filter.instrument': 'Instrumen',
    'inbox.filter.all': 'Semua',
    'inbox.unassigned': 'Belum diambil',
    'inbox.me': 'Saya',
    'inbox.open': 'Buka',
    'overdue': 'terlambat',
    'due.daysLeft': '{n} hari kerja lagi',
    'due.today': 'jatuh tempo hari ini',
    'due.daysLate': 'lewat {n} hari kerja',
    'task.claim': 'Ambil',
    'task.unclaim': 'Lepaskan',
    'task.claimed': 'Tugas diambil.',
    'task.unclaimed': 'Tugas dilepaskan.',
    'task.delegateTo': 'Alihkan kepada',
    'task.delegateChoose': 'Pilih rekan…',
    'task.delegate': 'Alihkan',
    'task.delegated': 'Tugas dialihkan kepada {who}.',

    'cases.title': 'Berkas kerja sama',
    'cases.search': 'Cari',
    'cases.searchPlaceholder': 'judul, nomor atau mitra',
    'cases.empty': 'Belum ada berkas.',
    'cases.total': '{n} berkas',
    'cases.audit': 'Audit',
    'cases.prev': 'Sebelumnya',
    'cases.next': 'Berikutnya',

    'case.details': 'Rincian',
    'case.number': 'Nomor',
    'case.instrument': 'Instrumen',
    'case.partner': 'Mitra',
    'case.category': 'Kategori mitra',
    'case.country': 'Negara',
    'case.stage': 'Tahap',
    'case.summary': 'Ringkasan',
    'case.dprd': 'Perlu persetujuan DPRD',
    'case.validity': 'Masa berlaku',
    'case.workflow': 'Alur kerja',
    'case.proposer': 'Pengusul',
    'case.yes': 'Ya',
    'case.no': 'Tidak',
    'case.documents': 'Dokumen',
    'case.noDocuments': 'Belum ada dokumen.',
    'case.download': 'Unduh',
    'case.upload': 'Unggah dokumen',
    'case.upload.kind': 'Jenis dokumen',
    'case.upload.file': 'Berkas (PDF)',
    'case.upload.submit': 'Unggah',
    'case.upload.done': 'Dokumen {kind} versi {version} diunggah.',
    'case.upload.pick': 'Pilih berkas terlebih dahulu.',
    'case.action': 'Tindakan Anda',
    'case.comment': 'Catatan',
    'case.commentRequired': 'Catatan wajib diisi untuk keputusan ini.',
    'case.reviewers': 'Tim Teknis yang ditugaskan',
    'case.reviewersHint': 'Saat menyetujui, pilih anggota Tim Teknis yang menelaah; masing-masing mendapat satu tugas. Tanpa pilihan, satu tugas untuk seluruh Tim Teknis.',
    'case.reviewersNone': 'Belum ada anggota Tim Teknis di direktori.',
    'case.signHint': 'Unggah salinan bertanda tangan (jenis "Salinan ditandatangani") sebelum menandatangani.',
    'case.decided': 'Keputusan tercatat: {decision}. Tahap sekarang: {stage}.',
    'case.claimedBy': 'Diambil oleh {who}',
    'case.proposerActions': 'Tindakan pengusul',
    'case.submit': 'Ajukan',
    'case.resubmit': 'Ajukan ulang',
    'case.withdraw': 'Tarik usulan',
    'case.withdrawConfirm': 'Tarik usulan ini? Tindakan ini tidak dapat dibatalkan.',
    'case.sent': 'Tercatat. Tahap sekarang: {stage}.',
    'case.missing': 'Dokumen yang masih kurang: {kinds}.',
    'case.required': 'Dokumen wajib sebelum diajukan: {kinds}.',
    'case.diagram': 'Alur dan posisi berkas',
    'case.timeline': 'Riwayat',
    'case.noHistory': 'Riwayat tidak tersedia untuk Anda.',
    'case.notifications': 'Surel terkirim',
    'case.noNotifications': 'Belum ada surel.',
    'case.auditLink': 'Tampilan auditor',
    'case.openTasks': 'Tugas terbuka',
    'case.noOpenTasks': 'Tidak ada tugas terbuka.',
    'case.waitingFor': '{stage} — menunggu {role}',
    // case page and dashboard (web-case)
    'case.sign.needsCopy': 'Unggah salinan bertanda tangan terlebih dahulu',
    'case.sign.needsCopyHint': 'Tombol Tandatangani dapat dipakai setelah salinan bertanda tangan diunggah.',
    'case.sign.ready': 'Salinan bertanda tangan sudah diunggah. Anda dapat menandatangani sekarang.',
    'case.upload.only': 'Jenis dokumen: {kind}',
    'case.upload.badType': 'Berkas harus berupa PDF, DOCX, ODT, PNG atau JPEG',
    'case.upload.tooBig': 'Berkas harus lebih kecil dari 20 MB',
    'case.upload.notNow': 'Dokumen jenis ini tidak dapat diunggah pada tahap {stage}',
    'case.upload.notYours': 'Anda tidak berwenang mengunggah dokumen jenis ini pada tahap ini',
    'case.refused.stage': 'Tindakan ini tidak dapat dilakukan selama berkas berada pada tahap {stage}',
    'case.refused': 'Tindakan ini tidak dapat dilakukan pada tahap ini',
    'case.arrived': 'Masuk',
    'case.waited.none': 'menunggu kurang dari 1 hari kerja',
    'case.waited.one': 'menunggu 1 hari kerja',
    'case.waited': 'menunggu {n} hari kerja',
    'case.taskFromLink': 'Tugas dari tautan yang Anda buka',
    'case.taskGone': 'Tugas dari tautan yang Anda buka sudah tidak terbuka untuk Anda. Mungkin sudah diselesaikan atau dialihkan.',
    'notif.kind': 'Jenis',
    'notif.level': '{kind} (tingkat {level})',
    'notif.late': 'dikirim setelah waktunya',
    'notif.state.pending': 'menunggu dikirim',
    'notif.state.sending': 'sedang dikirim',
    'notif.state.sent': 'terkirim',
    'notif.state.failed': 'gagal dikirim',
    'dash.signedByInstrument': 'Menurut instrumen',
    'dash.signedByCategory': 'Menurut kategori mitra',
    'dash.year': 'Tahun',
    'dash.sum': 'Jumlah',

    'tl.by': 'oleh {who}',
    'tl.decision': 'Keputusan',
    'tl.comment': 'Catatan',
    'tl.document': 'Dokumen',
    'tl.stage': '{from} → {to}',
    'tl.version': 'versi {v}',
    'notif.to': 'Kepada',
    'notif.subject': 'Perihal',
    'notif.status': 'Status',
    'notif.sentAt': 'Terkirim',

    'new.title': 'Usulan kerja sama baru',
    'new.caseTitle': 'Judul kerja sama',
    'new.partnerName': 'Nama mitra',
    'new.category': 'Kategori mitra',
    'new.instrument': 'Instrumen',
    'new.country': 'Negara mitra',
    'new.summary': 'Ringkasan / ruang lingkup',
    'new.dprd': 'Membebani masyarakat/daerah atau belum dianggarkan dalam APBD (perlu persetujuan DPRD)',
    'new.validFrom': 'Berlaku mulai',
    'new.validUntil': 'Berlaku sampai',
    'new.create': 'Buat usulan',
    'new.next': 'Setelah dibuat, unggah KAK dan draf naskah, lalu ajukan.',
    'new.required': 'Lengkapi: {fields}.',

    'audit.title': 'Tampilan auditor',
    'audit.replay': 'Putar ulang log peristiwa',
    'audit.seq': 'Peristiwa {seq} dari {max}',
    'audit.stageAt': 'Tahap pada titik ini',
    'audit.matches': 'Sesuai dengan data tersimpan',
    'audit.matchesYes': 'ya',
    'audit.matchesNo': 'TIDAK',
    'audit.verify': 'Verifikasi rantai hash',
    'audit.ok': 'OK — {events} peristiwa pada {cases} berkas diperiksa, tidak ada masalah.',
    'audit.problems': 'Ditemukan {n} masalah:',
    'audit.export': 'Ekspor log (JSONL, CSV, XES)',
    'audit.event': 'Peristiwa',

    'dash.title': 'Dasbor',
    'dash.openByStage': 'Berkas terbuka per tahap',
    'dash.overdueByRole': 'Tugas terlambat per peran',
    'dash.signedByYear': 'Kerja sama ditandatangani per tahun',
    'dash.expiring': 'Segera berakhir (90 hari)',
    'dash.noData': 'Belum ada data.',
    'dash.total': 'total {n}',

    'error.title': 'Terjadi masalah',
    'error.network': 'Server tidak dapat dihubungi. Periksa koneksi Anda.',
    'error.conflict': 'Konflik: tugas atau berkas ini sudah diubah oleh orang lain. Data telah dimuat ulang.',
    'error.forbidden': 'Anda tidak berwenang melakukan ini.',
    'error.notFound': 'Tidak ditemukan.',
    'error.generic': 'Permintaan gagal.',
    'error.dismiss': 'Tutup pesan',







  },
  en: {
    'app.name': 'onegate',
    'app.tagline': 'One-gate cooperation approvals',
    'nav.inbox': 'Inbox',
    'nav.cases': 'Cases',
    'nav.new': 'New proposal',
    'nav.dashboard': 'Dashboard',
    'nav.main': 'Main menu',
    'lang.switch': 'Bahasa Indonesia',
    'lang.label': 'Language',
    'signout': 'Sign out',
    'loading': 'Loading…',
    'none': '—',
    'back': 'Back',
    'refresh': 'Refresh',
    'close': 'Close',

    'signin.title': 'Sign in',
    'signin.intro': 'Pick a directory user to work in their role.',
    'signin.as': 'Sign in as {name}',
    'signin.bearer': 'Paste an access (bearer) token from your identity provider.',
    'signin.token': 'Access token',
    'signin.submit': 'Sign in',
    'signin.expired': 'Your session has ended. Please sign in again.',
    'signin.empty': 'The directory has no users yet.',
    'signin.oidc': 'Sign in with SSO',
    'signin.oidcIntro': 'Sign in through the city’s identity service (SSO).',
    'signin.pasteToken': 'Or paste an access token',
    'signin.oidcFailed': 'Signing in through SSO failed:',
    'signin.oidcState': 'The SSO answer does not match a sign-in started in this tab. Please sign in again.',
    'signin.oidcUnreachable': 'The identity service (SSO) cannot be reached.',
    'signin.oidcNeedsHttps': 'Signing in through SSO needs an HTTPS address (or localhost).',

    'inbox.title': 'Inbox',
    'inbox.empty': 'Nothing for you to do right now.',
    'inbox.col.number': 'Number',
    'inbox.col.case': 'Title / partner',
    'inbox.col.stage': 'Stage',
    'inbox.col.due': 'Due',
    'inbox.col.assignee': 'Assignee',
    'inbox.col.actions': 'Actions',
    'inbox.filter.stage': 'Stage',
    'inbox.filter.instrument': 'Instrument',
    'inbox.filter.all': 'All',
    'inbox.unassigned': 'Unclaimed',
    'inbox.me': 'Me',
    'inbox.open': 'Open',
    'overdue': 'overdue',
    'due.daysLeft': '{n} working days left',
    'due.today': 'due today',
    'due.daysLate': '{n} working days late',
    'task.claim': 'Claim',
    'task.unclaim': 'Unclaim',
    'task.claimed': 'Task claimed.',
    'task.unclaimed': 'Task released.',
    'task.delegateTo': 'Delegate to',
    'task.delegateChoose': 'Choose a colleague…',
    'task.delegate': 'Delegate',
    'task.delegated': 'Task delegated to {who}.',

    'cases.title': 'Cases',
    'cases.search': 'Search',
    'cases.searchPlaceholder': 'title, number or partner',
    'cases.empty': 'No cases yet.',
    'cases.total': '{n} cases',
    'cases.audit': 'Audit',
    'cases.prev': 'Previous',
    'cases.next': 'Next',

    'case.details': 'Details',
    'case.number': 'Number',
    'case.instrument': 'Instrument',
    'case.partner': 'Partner',
    'case.category': 'Partner category',
    'case.country': 'Country',
    'case.stage': 'Stage',
    'case.summary': 'Summary',
    'case.dprd': 'Requires DPRD approval',
    'case.validity': 'Valid',
    'case.workflow': 'Workflow',
    'case.proposer': 'Proposer',
    'case.yes': 'Yes',
    'case.no': 'No',
    'case.documents': 'Documents',
    'case.noDocuments': 'No documents yet.',
    'case.download': 'Download',
    'case.upload': 'Upload a document',
    'case.upload.kind': 'Document kind',
    'case.upload.file': 'File (PDF)',
    'case.upload.submit': 'Upload',
    'case.upload.done': 'Uploaded {kind}, version {version}.',
    'case.upload.pick': 'Choose a file first.',
    'case.action': 'Your action',
    'case.comment': 'Comment',
    'case.commentRequired': 'A comment is required for this decision.',
    'case.reviewers': 'Technical reviewers to assign',
    'case.reviewersHint': 'When approving, choose the Tim Teknis members who review it; each gets one task. With none chosen, one task goes to the whole Tim Teknis.',
    'case.reviewersNone': 'The directory has no technical reviewers yet.',
    'case.signHint': 'Upload the signed copy (kind "Signed copy") before signing.',
    'case.decided': 'Decision recorded: {decision}. The case is now at: {stage}.',
    'case.claimedBy': 'Claimed by {who}',
    'case.proposerActions': 'Proposer actions',
    'case.submit': 'Submit',
    'case.resubmit': 'Resubmit',
    'case.withdraw': 'Withdraw',
    'case.withdrawConfirm': 'Withdraw this proposal? This cannot be undone.',
    'case.sent': 'Recorded. The case is now at: {stage}.',
    'case.missing': 'Documents still missing: {kinds}.',
    'case.required': 'Required before submitting: {kinds}.',
    'case.diagram': 'Procedure and where the case stands',
    'case.timeline': 'Timeline',
    'case.noHistory': 'The history is not available to you.',
    'case.notifications': 'E-mails sent',
    'case.noNotifications': 'No e-mails yet.',
    'case.auditLink': 'Auditor view',
    'case.openTasks': 'Open tasks',
    'case.noOpenTasks': 'No open tasks.',
    'case.waitingFor': '{stage} — waiting for {role}',
    // case page and dashboard (web-case)
    'case.sign.needsCopy': 'Upload the signed copy first',
    'case.sign.needsCopyHint': 'You can use the Sign button once the signed copy is uploaded.',
    'case.sign.ready': 'The signed copy is uploaded. You can sign now.',
    'case.upload.only': 'Document kind: {kind}',
    'case.upload.badType': 'The file must be a PDF, DOCX, ODT, PNG or JPEG',
    'case.upload.tooBig': 'The file must be smaller than 20 MB',
    'case.upload.notNow': 'This kind of document cannot be uploaded at the stage: {stage}',
    'case.upload.notYours': 'You are not allowed to upload this kind of document at this stage',
    'case.refused.stage': 'This cannot be done while the case is at the stage: {stage}',
    'case.refused': 'This cannot be done at this stage',
    'case.arrived': 'Arrived',
    'case.waited.none': 'waiting less than 1 working day',
    'case.waited.one': 'waiting 1 working day',
    'case.waited': 'waiting {n} working days',
    'case.taskFromLink': 'The task from the link you opened',
    'case.taskGone': 'The task from the link you opened is no longer open to you. It may have been completed or delegated.',
    'notif.kind': 'Kind',
    'notif.level': '{kind} (level {level})',
    'notif.late': 'sent after it was due',
    'notif.state.pending': 'waiting to be sent',
    'notif.state.sending': 'being sent',
    'notif.state.sent': 'sent',
    'notif.state.failed': 'could not be sent',
    'dash.signedByInstrument': 'By instrument',
    'dash.signedByCategory': 'By partner category',
    'dash.year': 'Year',
    'dash.sum': 'Total',

    'tl.by': 'by {who}',
    'tl.decision': 'Decision',
    'tl.comment': 'Comment',
    'tl.document': 'Document',
    'tl.stage': '{from} → {to}',
    'tl.version': 'version {v}',
    'notif.to': 'To',
    'notif.subject': 'Subject',
    'notif.status': 'Status',
    'notif.sentAt': 'Sent',

    'new.title': 'New cooperation proposal',
    'new.caseTitle': 'Title',
    'new.partnerName': 'Partner name',
    'new.category': 'Partner category',
    'new.instrument': 'Instrument',
    'new.country': "Partner's country",
    'new.summary': 'Summary / scope',
    'new.dprd': 'Burdens the public or the region, or not in the current APBD (needs DPRD approval)',
    'new.validFrom': 'Valid from',
    'new.validUntil': 'Valid until',
    'new.create': 'Create proposal',
    'new.next': 'Once created, upload the KAK and the draft, then submit.',
    'new.required': 'Please fill in: {fields}.',

    'audit.title': 'Auditor view',
    'audit.replay': 'Replay the event log',
    'audit.seq': 'Event {seq} of {max}',
    'audit.stageAt': 'Stage at this point',
    'audit.matches': 'Matches the stored state',
    'audit.matchesYes': 'yes',
    'audit.matchesNo': 'NO',
    'audit.verify': 'Verify hash chain',
    'audit.ok': 'OK — {events} events in {cases} cases checked, no problems.',
    'audit.problems': '{n} problems found:',
    'audit.export': 'Export log (JSONL, CSV, XES)',
    'audit.event': 'Event',

    'dash.title': 'Dashboard',
    'dash.openByStage': 'Open cases by stage',
    'dash.overdueByRole': 'Overdue tasks by role',
    'dash.signedByYear': 'Agreements signed per year',
    'dash.expiring': 'Expiring soon (90 days)',
    'dash.noData': 'No data yet.',
    'dash.total': 'total {n}',

    'error.title': 'Something went wrong',
    'error.network': 'The server cannot be reached. Check your connection.',
    'error.conflict': 'Conflict: someone else has already changed this task or case. The data has been reloaded.',
    'error.forbidden': 'You are not allowed to do this.',
    'error.notFound': 'Not found.',
    'error.generic': 'The request failed.',
    'error.dismiss': 'Dismiss message',







  },
};

/** @returns {'id'|'en'} */
function initialLang() {
  try {
    const v = localStorage.getItem(LANG_KEY);
    if (v === 'en' || v === 'id') return v;
  } catch {
    /* storage unavailable */
  }
  return 'id';
}

/** @type {'id'|'en'} */
let lang = initialLang();

export function getLang() {
  return lang;
}

/** @param {'id'|'en'} next */
export function setLang(next) {
  lang = next;
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    /* storage unavailable */
  }
  document.documentElement.lang = next;
}

/**
 * The string for `key` in the current language, with `{param}` placeholders filled; falls back to
 * `fallback` (or the key itself) when there is no such string.
 * @param {string} key
 * @param {Record<string, string|number>} [params]
 * @param {string} [fallback]
 */
export function t(key, params, fallback) {
  let s = STRINGS[lang][key] ?? LABELS[lang][key] ?? STRINGS.id[key] ?? LABELS.id[key] ?? fallback ?? key;
  if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** A label from a family of keys (`stage.`, `role.`, …), the raw value when unknown. */
export const label = (/** @type {string} */ family, /** @type {string|null|undefined} */ value) => (value ? t(`${family}.${value}`, undefined, value) : t('none'));

/** Dates in the user's language, in the city's time zone. */
export function formatDate(/** @type {string|null|undefined} */ iso, withTime = false) {
  if (!iso) return t('none');
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00+07:00` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', {
    timeZone: 'Asia/Jakarta',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  }).format(d);
}
