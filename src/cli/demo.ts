import type { INestApplicationContext } from '@nestjs/common';
import type { Instrument, PartnerCategory } from '../../workflows/domain.js';
import { CasesService } from '../cases/cases.service.js';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import type { SettableClock } from '../common/clock.js';
import { zonedInstant } from '../common/time-zone.js';
import { DirectoryService } from '../directory/directory.service.js';
import { DocumentsService } from '../documents/documents.service.js';
import { DEFAULT_WORKFLOW, newestWorkflow } from '../../workflows/registry.js';
import { TasksService } from '../tasks/tasks.service.js';
import type { Progress } from './progress.js';

interface Agreement {
  title: string;
  instrument: Instrument;
  partner: string;
  category: PartnerCategory;
  country?: string;
  dprd?: boolean;
}

/** Kota Jambi's 2017: 9 MoUs and 14 PKS (domain.md §7), with partners of the kinds the city named. */
const YEAR_2017: Agreement[] = [
  { title: 'KB pengelolaan sampah regional', instrument: 'kb', partner: 'Kabupaten Muaro Jambi', category: 'region' },
  { title: 'KB pengembangan kawasan perbatasan', instrument: 'kb', partner: 'Kabupaten Batanghari', category: 'region' },
  { title: 'KB pendidikan vokasi', instrument: 'kb', partner: 'Politeknik Negeri Sriwijaya', category: 'third_party' },
  { title: 'KB penelitian dan pengabdian masyarakat', instrument: 'kb', partner: 'Universitas Jambi', category: 'third_party' },
  { title: 'KB jaminan kesehatan nasional', instrument: 'kb', partner: 'BPJS Kesehatan', category: 'third_party' },
  { title: 'KB transaksi non-tunai', instrument: 'kb', partner: 'Bank Jambi', category: 'third_party' },
  { title: 'KB keamanan dan ketertiban masyarakat', instrument: 'kb', partner: 'Polresta Jambi', category: 'third_party' },
  { title: 'KB kota pintar', instrument: 'kb', partner: 'Kabupaten Tanjung Jabung Timur', category: 'region' },
  { title: 'KB pariwisata sungai Batanghari', instrument: 'kb', partner: 'Kabupaten Kerinci', category: 'region' },
  { title: 'PKS pelayanan kesehatan peserta JKN', instrument: 'pks', partner: 'BPJS Kesehatan', category: 'third_party', dprd: true },
  { title: 'PKS jaminan sosial tenaga kerja non-ASN', instrument: 'pks', partner: 'BPJS Ketenagakerjaan', category: 'third_party' },
  { title: 'PKS magang mahasiswa', instrument: 'pks', partner: 'Politeknik Negeri Sriwijaya', category: 'third_party' },
  { title: 'PKS penerimaan PBB melalui bank', instrument: 'pks', partner: 'Bank Jambi', category: 'third_party' },
  { title: 'PKS penyaluran kredit usaha mikro', instrument: 'pks', partner: 'Bank Rakyat Indonesia', category: 'third_party' },
  { title: 'PKS payroll ASN', instrument: 'pks', partner: 'Bank Negara Indonesia', category: 'third_party' },
  { title: 'PKS patroli gabungan', instrument: 'pks', partner: 'Polresta Jambi', category: 'third_party' },
  { title: 'PKS penanganan banjir drainase kota', instrument: 'pks', partner: 'Kementerian PUPR', category: 'central_government', dprd: true },
  { title: 'PKS jaringan internet kelurahan', instrument: 'pks', partner: 'Kementerian Komunikasi dan Informatika', category: 'central_government' },
  { title: 'PKS pengangkutan sampah', instrument: 'pks', partner: 'Kabupaten Muaro Jambi', category: 'region', dprd: true },
  { title: 'PKS air bersih kawasan perbatasan', instrument: 'pks', partner: 'Kabupaten Batanghari', category: 'region' },
  { title: 'PKS penelitian tata ruang', instrument: 'pks', partner: 'Universitas Jambi', category: 'third_party' },
  { title: 'PKS penerangan jalan umum', instrument: 'pks', partner: 'PT PLN (Persero) UIW S2JB', category: 'third_party' },
  { title: 'PKS promosi wisata', instrument: 'pks', partner: 'Kabupaten Kerinci', category: 'region' },
];

const DAY = 86_400_000;

/** Fills an empty installation: Kota Jambi's 2017 signed, then this year's cases open at every stage. */
export async function runDemo(app: INestApplicationContext, clock: SettableClock, timezone: string, log: (line: string) => void, progress: Progress = () => {}): Promise<void> {
  const cases = app.get(CasesService);
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
  const create = async (a: Agreement, validFrom?: string) => {
    const c = await cases.create(proposer, {
      title: `${a.title} — ${a.partner}`,
      instrument: a.instrument,
      partner: { name: a.partner, category: a.category, country: a.country },
      requiresDprdApproval: a.dprd ?? false,
      validFrom,
      validUntil: validFrom ? `${Number(validFrom.slice(0, 4)) + 5}${validFrom.slice(4)}` : undefined,
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

  // 2017: every agreement signed, spread over the year.
  for (const [i, a] of YEAR_2017.entries()) {
    clock.set(new Date(zonedInstant(2017, 1 + Math.floor((i * 11) / YEAR_2017.length), 3 + (i % 20), timezone, 9)));
    const c = await create(a, `2017-${String(2 + Math.floor((i * 10) / YEAR_2017.length)).padStart(2, '0')}-01`);
    await throughTo(c.id, 'signed', a);
    progress("signing Kota Jambi's 2017", i + 1, YEAR_2017.length);
  }
  log(`signed Kota Jambi's 2017: ${YEAR_2017.filter((a) => a.instrument === 'kb').length} KB (MoU) and ${YEAR_2017.filter((a) => a.instrument === 'pks').length} PKS`);

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
