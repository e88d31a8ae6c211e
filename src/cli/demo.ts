import type { INestApplicationContext } from '@nestjs/common';
import { AgreementsService } from '../agreements/agreements.service.js';
import type { Instrument, PartnerCategory } from '../../workflows/domain.js';
import { CasesService } from '../cases/cases.service.js';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import type { SettableClock } from '../common/clock.js';
import { zonedInstant } from '../common/time-zone.js';
import { DirectoryService } from '../directory/directory.service.js';
import { DocumentsService } from '../documents/documents.service.js';
import { DEFAULT_WORKFLOW, newestWorkflow } from '../../workflows/registry.js';
import { TasksService } from '../tasks/tasks.service.js';
import { AmendmentsService } from '../amendments/amendments.service.js';
import { Database } from '../database/database.js';
import { TIMER } from '../database/entities.js';
import type { TimerRow } from '../database/rows.js';
import { TimerHandler } from '../deadlines/timer-handler.js';
import { EvaluationsService } from '../evaluations/evaluations.service.js';
import type { Progress } from './progress.js';

interface Agreement {
  title: string;
  instrument: Instrument;
  partner: string;
  category: PartnerCategory;
  country?: string;
  dprd?: boolean;
  /** The register's entry (contract §9), completed by the secretariat after signing. */
  register?: Register;
}

/** What the secretariat records of a 2017 agreement: a missing part stays for the "to complete" list. */
interface Register {
  /** The partner's own number of the agreement; none: still to complete. */
  partnerNumber?: string;
  place: string;
  /** The partner's signatory (the city's is the mayor of 2017). */
  signatory: [name: string, position: string];
  fields: string[];
  opds: string[];
  /** Rupiah, with its source, where a PKS carries a value. */
  value?: [amount: number, source: string];
  /** Still in force now (a ten-year agreement, renewed terms): valid until the end of the year after next. */
  inForce?: boolean;
  /** Ended early, in 2019, with this comment. */
  terminated?: string;
}

/** Kota Jambi's 2017: 9 MoUs and 14 PKS (domain.md §7), with partners of the kinds the city named. */
const YEAR_2017: Agreement[] = [
  { title: 'KB pengelolaan sampah regional', instrument: 'kb', partner: 'Kabupaten Muaro Jambi', category: 'region',
    register: { partnerNumber: '180/07/KB/MJ/2017', place: 'Jambi', signatory: ['H. Burhanuddin Mahir', 'Bupati Muaro Jambi'], fields: ['lingkungan_hidup'], opds: ['Dinas Lingkungan Hidup'], inForce: true } },
  { title: 'KB pengembangan kawasan perbatasan', instrument: 'kb', partner: 'Kabupaten Batanghari', category: 'region',
    register: { place: 'Muara Bulian', signatory: ['Ir. Syahirsah', 'Bupati Batanghari'], fields: ['pekerjaan_umum', 'perhubungan'], opds: ['Bappeda', 'Dinas Pekerjaan Umum dan Penataan Ruang'] } },
  { title: 'KB pendidikan vokasi', instrument: 'kb', partner: 'Politeknik Negeri Sriwijaya', category: 'third_party',
    register: { partnerNumber: '0412/PL6/KS/2017', place: 'Palembang', signatory: ['Dr. Ing. Ahmad Taqwa', 'Direktur Politeknik Negeri Sriwijaya'], fields: ['pendidikan'], opds: ['Dinas Pendidikan'], inForce: true } },
  { title: 'KB penelitian dan pengabdian masyarakat', instrument: 'kb', partner: 'Universitas Jambi', category: 'third_party',
    register: { partnerNumber: '2231/UN21/KS/2017', place: 'Jambi', signatory: ['Prof. Dr. H. Johni Najwan', 'Rektor Universitas Jambi'], fields: ['penelitian', 'pendidikan'], opds: ['Bappeda'], inForce: true } },
  { title: 'KB jaminan kesehatan nasional', instrument: 'kb', partner: 'BPJS Kesehatan', category: 'third_party',
    register: { partnerNumber: '18/KTR/VI-03/0317', place: 'Jambi', signatory: ['dr. Rizza Yuliani', 'Kepala BPJS Kesehatan Cabang Jambi'], fields: ['kesehatan'], opds: ['Dinas Kesehatan'] } },
  { title: 'KB transaksi non-tunai', instrument: 'kb', partner: 'Bank Jambi', category: 'third_party',
    register: { partnerNumber: '027/DIR/BPD-JBI/2017', place: 'Jambi', signatory: ['Yunsak El Halcon', 'Direktur Utama Bank Jambi'], fields: ['keuangan'], opds: ['Badan Pengelola Keuangan dan Aset Daerah'] } },
  { title: 'KB keamanan dan ketertiban masyarakat', instrument: 'kb', partner: 'Polresta Jambi', category: 'third_party',
    register: { partnerNumber: 'B/14/IV/2017/Polresta', place: 'Jambi', signatory: ['Kombes Pol. Fauzi Dalimunthe', 'Kapolresta Jambi'], fields: ['ketenteraman'], opds: ['Satuan Polisi Pamong Praja'] } },
  { title: 'KB kota pintar', instrument: 'kb', partner: 'Kabupaten Tanjung Jabung Timur', category: 'region',
    register: { place: 'Muara Sabak', signatory: ['H. Romi Hariyanto', 'Bupati Tanjung Jabung Timur'], fields: ['komunikasi_informatika'], opds: ['Dinas Komunikasi dan Informatika'] } },
  { title: 'KB pariwisata sungai Batanghari', instrument: 'kb', partner: 'Kabupaten Kerinci', category: 'region',
    register: { partnerNumber: '556/41/KB/KRC/2017', place: 'Jambi', signatory: ['H. Adirozal', 'Bupati Kerinci'], fields: ['pariwisata', 'kebudayaan'], opds: ['Dinas Pariwisata'] } },
  { title: 'PKS pelayanan kesehatan peserta JKN', instrument: 'pks', partner: 'BPJS Kesehatan', category: 'third_party', dprd: true,
    register: { partnerNumber: '44/KTR/VI-03/0517', place: 'Jambi', signatory: ['dr. Rizza Yuliani', 'Kepala BPJS Kesehatan Cabang Jambi'], fields: ['kesehatan'], opds: ['Dinas Kesehatan', 'RSUD H. Abdul Manap'], value: [18_600_000_000, 'APBD Kota Jambi 2017'], inForce: true } },
  { title: 'PKS jaminan sosial tenaga kerja non-ASN', instrument: 'pks', partner: 'BPJS Ketenagakerjaan', category: 'third_party',
    register: { partnerNumber: 'PKS/71/052017', place: 'Jambi', signatory: ['Hendra Nopriansyah', 'Kepala BPJS Ketenagakerjaan Cabang Jambi'], fields: ['tenaga_kerja'], opds: ['Dinas Tenaga Kerja'], value: [2_150_000_000, 'APBD Kota Jambi 2017'] } },
  { title: 'PKS magang mahasiswa', instrument: 'pks', partner: 'Politeknik Negeri Sriwijaya', category: 'third_party',
    register: { partnerNumber: '0733/PL6/KS/2017', place: 'Palembang', signatory: ['Dr. Ing. Ahmad Taqwa', 'Direktur Politeknik Negeri Sriwijaya'], fields: ['pendidikan'], opds: ['Badan Kepegawaian dan Pengembangan Sumber Daya Manusia'] } },
  { title: 'PKS penerimaan PBB melalui bank', instrument: 'pks', partner: 'Bank Jambi', category: 'third_party',
    register: { partnerNumber: '061/DIR/BPD-JBI/2017', place: 'Jambi', signatory: ['Yunsak El Halcon', 'Direktur Utama Bank Jambi'], fields: ['keuangan'], opds: ['Badan Pengelola Pajak dan Retribusi Daerah'], inForce: true } },
  { title: 'PKS penyaluran kredit usaha mikro', instrument: 'pks', partner: 'Bank Rakyat Indonesia', category: 'third_party',
    register: { partnerNumber: 'B.118/KC-JBI/07/2017', place: 'Jambi', signatory: ['Ahmad Solichin', 'Pemimpin Cabang BRI Jambi'], fields: ['koperasi_umkm'], opds: ['Dinas Koperasi dan UMKM'], value: [5_000_000_000, 'APBD Kota Jambi 2017 (penjaminan)'], terminated: 'Diakhiri atas kesepakatan bersama: program dialihkan ke KUR nasional' } },
  { title: 'PKS payroll ASN', instrument: 'pks', partner: 'Bank Negara Indonesia', category: 'third_party',
    register: { partnerNumber: 'JBI/2/1407/2017', place: 'Jambi', signatory: ['Dedy Kurniawan', 'Pemimpin Cabang BNI Jambi'], fields: ['keuangan'], opds: ['Badan Pengelola Keuangan dan Aset Daerah'] } },
  { title: 'PKS patroli gabungan', instrument: 'pks', partner: 'Polresta Jambi', category: 'third_party',
    register: { partnerNumber: 'B/37/VII/2017/Polresta', place: 'Jambi', signatory: ['Kombes Pol. Fauzi Dalimunthe', 'Kapolresta Jambi'], fields: ['ketenteraman'], opds: ['Satuan Polisi Pamong Praja'], value: [750_000_000, 'APBD Kota Jambi 2017'] } },
  { title: 'PKS penanganan banjir drainase kota', instrument: 'pks', partner: 'Kementerian PUPR', category: 'central_government', dprd: true,
    register: { partnerNumber: 'HK.02.03-SDA/412/2017', place: 'Jakarta', signatory: ['Ir. Hari Suprayogi', 'Direktur Jenderal Sumber Daya Air'], fields: ['pekerjaan_umum'], opds: ['Dinas Pekerjaan Umum dan Penataan Ruang'], value: [42_300_000_000, 'APBN dan APBD Kota Jambi (dana pendamping)'], inForce: true } },
  { title: 'PKS jaringan internet kelurahan', instrument: 'pks', partner: 'Kementerian Komunikasi dan Informatika', category: 'central_government',
    register: { partnerNumber: '512/BAKTI/KS/2017', place: 'Jakarta', signatory: ['Anang Latif', 'Direktur Utama BAKTI'], fields: ['komunikasi_informatika'], opds: ['Dinas Komunikasi dan Informatika'], value: [3_400_000_000, 'APBN'] } },
  { title: 'PKS pengangkutan sampah', instrument: 'pks', partner: 'Kabupaten Muaro Jambi', category: 'region', dprd: true,
    register: { partnerNumber: '180/22/PKS/MJ/2017', place: 'Sengeti', signatory: ['H. Burhanuddin Mahir', 'Bupati Muaro Jambi'], fields: ['lingkungan_hidup'], opds: ['Dinas Lingkungan Hidup'], value: [6_800_000_000, 'APBD Kota Jambi 2017'] } },
  { title: 'PKS air bersih kawasan perbatasan', instrument: 'pks', partner: 'Kabupaten Batanghari', category: 'region',
    register: { partnerNumber: '690/31/PKS/BH/2017', place: 'Muara Bulian', signatory: ['Ir. Syahirsah', 'Bupati Batanghari'], fields: ['pekerjaan_umum', 'perumahan'], opds: ['Dinas Perumahan dan Kawasan Permukiman'], value: [9_250_000_000, 'APBD Kota Jambi dan APBD Kabupaten Batanghari'], inForce: true } },
  { title: 'PKS penelitian tata ruang', instrument: 'pks', partner: 'Universitas Jambi', category: 'third_party',
    register: { partnerNumber: '3108/UN21/KS/2017', place: 'Jambi', signatory: ['Prof. Dr. H. Johni Najwan', 'Rektor Universitas Jambi'], fields: ['pekerjaan_umum', 'penelitian'], opds: ['Bappeda'], value: [480_000_000, 'APBD Kota Jambi 2017'] } },
  { title: 'PKS penerangan jalan umum', instrument: 'pks', partner: 'PT PLN (Persero) UIW S2JB', category: 'third_party',
    register: { partnerNumber: '0097.PJ/AGA.01.01/2017', place: 'Jambi', signatory: ['Daryono', 'General Manager PLN UIW S2JB'], fields: ['perhubungan'], opds: ['Dinas Perhubungan'], value: [12_500_000_000, 'APBD Kota Jambi 2017 (pajak penerangan jalan)'] } },
  { title: 'PKS promosi wisata', instrument: 'pks', partner: 'Kabupaten Kerinci', category: 'region' },
];

const DAY = 86_400_000;

/** Fills an empty installation: Kota Jambi's 2017 signed, then this year's cases open at every stage. */
export async function runDemo(app: INestApplicationContext, clock: SettableClock, timezone: string, log: (line: string) => void, progress: Progress = () => {}): Promise<void> {
  const cases = app.get(CasesService);
  const agreements = app.get(AgreementsService);
  const tasks = app.get(TasksService);
  const directory = app.get(DirectoryService);
  const documents = app.get(DocumentsService);
  const pdf = (title: string) => Buffer.from(`%PDF-1.4\n% onegate demo: ${title}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
  const attach = (caseId: string, who: Actor, kind: string, title: string) => documents.add(who, caseId, kind, { name: `${kind} ${title}.pdf`, bytes: pdf(`${kind} ${title}`) });
  if ((await cases.list(SYSTEM_ACTOR, { limit: 1 })).total > 0) throw new Error('onegate demo fills an empty installation; this one already has cases');
  if ((await directory.count()) === 0) await directory.createDemoUsers();
  const users = await directory.list();
  const actor = (role: string): Actor => {
    const u = users.find((x) => x.roles.includes(role));
    if (!u) throw new Error(`the directory has no user with the role ${role}; run on a fresh installation or add one`);
    return { id: u.id, roles: u.roles as Actor['roles'], name: u.name };
  };
  const proposer = actor('proposer');
  const stepper = {
    async complete(caseId: string, role: string, decision: string, comment?: string, reviewers?: string[]) {
      clock.advance(DAY * (1 + Math.floor(Math.random() * 4)));
      const c = await cases.get(SYSTEM_ACTOR, caseId);
      const task = c.openTasks[0];
      if (!task) throw new Error(`case ${c.number} has no open task at ${c.stage}`);
      await tasks.complete(actor(role), task.id, { decision: decision as never, comment, reviewers });
    },
  };
  const create = async (a: Agreement, validFrom?: string, validUntil?: string) => {
    const c = await cases.create(proposer, {
      title: `${a.title} — ${a.partner}`,
      instrument: a.instrument,
      partner: { name: a.partner, category: a.category, country: a.country },
      requiresDprdApproval: a.dprd ?? false,
      validFrom,
      validUntil: validUntil ?? (validFrom ? `${Number(validFrom.slice(0, 4)) + 5}${validFrom.slice(4)}` : undefined),
    });
    for (const kind of newestWorkflow(DEFAULT_WORKFLOW)!.documents!.requiredForSubmit(a.instrument, a.category)) await attach(c.id, proposer, kind, a.title);
    return c;
  };
  const throughTo = async (caseId: string, stage: string, a: Agreement) => {
    const order: [string, string, string][] = [
      ['administrative_check', 'secretariat', 'approve'],
      ['technical_review', 'technical_reviewer', 'approve'],
      ['tkksd_coordination', 'tkksd_chair', 'approve'],
      ['legal_review', 'legal', 'approve'],
      ['dprd_approval', 'dprd', 'approve'],
      ['ministry_approval', 'secretariat', 'approve'],
      ['mayor_signature', 'mayor', 'sign'],
    ];
    clock.advance(DAY);
    await cases.sendEvent(proposer, caseId, { type: 'SUBMIT' });
    for (const [at, role, decision] of order) {
      if (at === stage) return;
      if (at === 'dprd_approval' && !a.dprd) continue;
      if (at === 'ministry_approval' && a.category !== 'foreign') continue;
      if (decision === 'sign') await attach(caseId, actor('mayor'), 'signed', a.title);
      await stepper.complete(caseId, role, decision, decision === 'approve' && at === 'dprd_approval' ? 'Keputusan DPRD diterima' : undefined);
    }
  };

  // 2017: every agreement signed, spread over the year; most ran five years, a few ten (in force still, to the
  // end of the year after next, so none is near its end when the demo runs); the secretariat records each
  // one's register entry a few days after signing, and ends one early in 2019.
  const secretariat = actor('secretariat');
  const mayorOf2017: [string, string] = ['Dr. H. Syarif Fasha, M.E.', 'Wali Kota Jambi'];
  const inForceUntil = `${new Date().getUTCFullYear() + 2}-12-31`;
  const signed2017: [string, Agreement][] = [];
  for (const [i, a] of YEAR_2017.entries()) {
    clock.set(new Date(zonedInstant(2017, 1 + Math.floor((i * 11) / YEAR_2017.length), 3 + (i % 20), timezone, 9)));
    const c = await create(a, `2017-${String(2 + Math.floor((i * 10) / YEAR_2017.length)).padStart(2, '0')}-01`, a.register?.inForce ? inForceUntil : undefined);
    await throughTo(c.id, 'signed', a);
    signed2017.push([c.id, a]);
    const r = a.register;
    if (r) {
      clock.advance(DAY * 3);
      await agreements.update(secretariat, c.id, {
        ...(r.partnerNumber ? { partnerNumber: r.partnerNumber } : {}),
        signedPlace: r.place,
        signatories: [
          { party: 'city', name: mayorOf2017[0], position: mayorOf2017[1] },
          { party: 'partner', name: r.signatory[0], position: r.signatory[1] },
        ],
        fields: r.fields,
        opds: r.opds,
        ...(r.value ? { value: { amount: r.value[0], currency: 'IDR', source: r.value[1] } } : {}),
      });
    }
    progress("signing Kota Jambi's 2017", i + 1, YEAR_2017.length);
  }
  /** Takes a case through every open task to its end: approve, or sign with the signed copy, by the task's role. */
  const drive = async (caseId: string, title: string) => {
    for (;;) {
      const c = await cases.get(SYSTEM_ACTOR, caseId);
      const task = c.openTasks[0];
      if (!task) return c;
      clock.advance(DAY * (1 + Math.floor(Math.random() * 3)));
      const decision = task.decisions.includes('sign') ? 'sign' : 'approve';
      if (decision === 'sign') await attach(caseId, actor('mayor'), 'signed', title);
      await tasks.complete(actor(task.role), task.id, { decision } as never);
    }
  };
  const agreementNamed = (title: string) => signed2017.find(([, a]) => a.title === title)![0];
  /**
   * An agreement at each point of contract §10: an addendum signed and applied, a renewal signed (its
   * predecessor's reminders stop), an evaluation concluded with a rating, and one whose report is overdue now.
   */
  const lifeAfterSigning = async () => {
    const amendments = app.get(AmendmentsService, { strict: false });
    const evaluations = app.get(EvaluationsService, { strict: false });
    const timers = app.get(TimerHandler, { strict: false });
    const db = app.get(Database, { strict: false });
    // 2022: BPJS Kesehatan's KB ends in February; its renewal runs the whole procedure beforehand.
    clock.set(new Date(zonedInstant(2021, 11, 8, timezone, 9)));
    const jkn = YEAR_2017.find((a) => a.title === 'KB jaminan kesehatan nasional')!;
    const renewal = await amendments.renew(proposer, agreementNamed(jkn.title), { validFrom: '2022-03-02', validUntil: '2032-03-01' } as never);
    for (const kind of newestWorkflow(DEFAULT_WORKFLOW)!.documents!.requiredForSubmit(jkn.instrument, jkn.category)) await attach(renewal.id, proposer, kind, jkn.title);
    clock.advance(DAY);
    await cases.sendEvent(proposer, renewal.id, { type: 'SUBMIT' });
    await drive(renewal.id, jkn.title);
    clock.advance(DAY * 3);
    await agreements.update(secretariat, renewal.id, {
      partnerNumber: '33/KTR/VI-03/1221',
      signedPlace: 'Jambi',
      signatories: [
        { party: 'city', name: 'Dr. H. Syarif Fasha, M.E.', position: 'Wali Kota Jambi' },
        { party: 'partner', name: 'dr. Yessi Kumalasari', position: 'Kepala BPJS Kesehatan Cabang Jambi' },
      ],
    });
    // 2024: an addendum raises the PKS with BPJS Kesehatan's value for the new PBI participants.
    clock.set(new Date(zonedInstant(2024, 3, 4, timezone, 9)));
    const pbi = agreementNamed('PKS pelayanan kesehatan peserta JKN');
    const addendum = await amendments.open(proposer, {
      amends: pbi,
      title: 'Adendum I PKS pelayanan kesehatan peserta JKN — penambahan peserta PBI daerah',
      changes: { value: { amount: 21_400_000_000, currency: 'IDR', source: 'APBD Kota Jambi 2024' }, summary: 'Penambahan 4.200 peserta PBI yang dibiayai APBD' },
    } as never);
    await attach(addendum.id, proposer, 'addendum', 'Adendum I PKS JKN');
    clock.advance(DAY);
    await cases.sendEvent(proposer, addendum.id, { type: 'SUBMIT' });
    await drive(addendum.id, 'Adendum I PKS JKN');
    // Applied to the agreement as the server's worker would (an `amend` timer), here at once, in 2024.
    for (const timer of await db.read((em) => em.findBy<TimerRow>(TIMER, { caseId: pbi, kind: 'amend', status: 'pending' }))) await timers.fire(timer.id);
    // 2025: the waste agreement with Muaro Jambi evaluated: reported, reviewed, concluded with a rating.
    clock.set(new Date(zonedInstant(2025, 7, 3, timezone, 9)));
    const waste = await evaluations.openNow(secretariat, agreementNamed('KB pengelolaan sampah regional'));
    const taskOf = async (caseId: string) => (await cases.get(SYSTEM_ACTOR, caseId)).openTasks[0]!.id;
    clock.advance(DAY * 5);
    await tasks.complete(proposer, await taskOf(waste.id), {
      decision: 'submit',
      report: { progress: 80, outputs: 'Bank sampah di 62 kelurahan; TPA Talang Gulo menerima sampah dari Muaro Jambi', problems: 'Armada angkut kurang dua unit' },
    } as never);
    clock.advance(DAY * 3);
    await tasks.complete(actor('technical_reviewer'), await taskOf(waste.id), { decision: 'approve' } as never);
    clock.advance(DAY * 2);
    await tasks.complete(secretariat, await taskOf(waste.id), { decision: 'approve', rating: 4, recommendation: 'continue', comment: 'Dilanjutkan; tambah dua armada pada APBD 2026' } as never);
    // Now: the PBB collection with Bank Jambi evaluated a month ago, its report not in yet: overdue.
    clock.set(new Date(Date.now() - 30 * DAY));
    await evaluations.openNow(secretariat, agreementNamed('PKS penerimaan PBB melalui bank'));
  };
  for (const [id, a] of signed2017) {
    if (!a.register?.terminated) continue;
    clock.set(new Date(zonedInstant(2019, 9, 16, timezone, 10)));
    // Contract §10: the letter that ends it on the case first, then TERMINATE with its grounds.
    await attach(id, secretariat, 'termination_letter', a.title);
    await cases.sendEvent(secretariat, id, { type: 'TERMINATE', grounds: 'mutual_agreement', comment: a.register.terminated });
  }
  await lifeAfterSigning();
  log(`signed Kota Jambi's 2017: ${YEAR_2017.filter((a) => a.instrument === 'kb').length} KB (MoU) and ${YEAR_2017.filter((a) => a.instrument === 'pks').length} PKS`);
  const regs = YEAR_2017.map((a) => a.register);
  const ended = regs.filter((r) => r?.terminated).length;
  const inForce = regs.filter((r) => r?.inForce).length;
  const toComplete = regs.filter((r) => !r || !r.partnerNumber).length;
  log(`registered them: ${inForce} in force, ${YEAR_2017.length - inForce - ended} expired, ${ended} terminated; ${toComplete} entries still to complete`);
  log('after signing: a renewal signed in 2021, an addendum in 2024, an evaluation concluded in 2025 and one overdue now; the rest in force open an evaluation at the first start');

  // Now: one case open at every stage, one in revision, one rejected, one withdrawn.
  const openNow: [string, Agreement][] = [
    ['proposal', { title: 'KB pengembangan UMKM digital', instrument: 'kb', partner: 'Kabupaten Sarolangun', category: 'region' }],
    ['administrative_check', { title: 'PKS layanan ambulans', instrument: 'pks', partner: 'RS Siloam Jambi', category: 'third_party' }],
    ['technical_review', { title: 'KB pengelolaan DAS Batanghari', instrument: 'kb', partner: 'Kabupaten Muaro Jambi', category: 'region' }],
    ['tkksd_coordination', { title: 'PKS beasiswa ASN', instrument: 'pks', partner: 'Universitas Jambi', category: 'third_party' }],
    ['legal_review', { title: 'Nota Kesepakatan sinergi pengendalian inflasi', instrument: 'nk', partner: 'Bank Indonesia Perwakilan Jambi', category: 'central_government' }],
    ['dprd_approval', { title: 'PKS pembangunan pasar', instrument: 'pks', partner: 'PT Jambi Mandiri', category: 'third_party', dprd: true }],
    ['ministry_approval', { title: 'Sister city', instrument: 'kb', partner: 'Guangzhou', category: 'foreign', country: 'China' }],
    ['mayor_signature', { title: 'PKS pengelolaan parkir', instrument: 'pks', partner: 'Polresta Jambi', category: 'third_party' }],
  ];
  const start = Date.now() - 30 * DAY;
  for (const [i, [stage, a]] of openNow.entries()) {
    clock.set(new Date(start + i * DAY));
    const c = await create(a);
    if (stage !== 'proposal') await throughTo(c.id, stage, a);
    progress('opening this year’s cases', i + 1, openNow.length + 3);
  }
  clock.set(new Date(start + 10 * DAY));
  const revised = await create({ title: 'KB pertukaran pelajar', instrument: 'kb', partner: 'Kota Palembang', category: 'region' });
  await throughTo(revised.id, 'technical_review', { title: '', instrument: 'kb', partner: '', category: 'region' });
  await stepper.complete(revised.id, 'technical_reviewer', 'revise', 'Lampirkan KAK dan rencana kerja');
  progress('opening this year’s cases', openNow.length + 1, openNow.length + 3);
  const rejected = await create({ title: 'PKS reklame', instrument: 'pks', partner: 'CV Reklame Jaya', category: 'third_party' });
  await throughTo(rejected.id, 'administrative_check', { title: '', instrument: 'pks', partner: '', category: 'third_party' });
  await stepper.complete(rejected.id, 'secretariat', 'reject', 'Mitra tidak memenuhi syarat administrasi');
  progress('opening this year’s cases', openNow.length + 2, openNow.length + 3);
  const withdrawn = await create({ title: 'KB festival budaya', instrument: 'kb', partner: 'Kabupaten Bungo', category: 'region' });
  await cases.sendEvent(proposer, withdrawn.id, { type: 'WITHDRAW', comment: 'Ditunda tahun depan' });
  progress('opening this year’s cases', openNow.length + 3, openNow.length + 3);
  clock.set(null);
  log(`opened ${openNow.length} cases, one at each stage, plus one in revision, one rejected, one withdrawn`);
}
