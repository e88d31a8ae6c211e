/**
 * The half-yearly report as people file it: an XLSX workbook (exceljs) and a PDF (pdfkit), in Bahasa
 * Indonesia under the city's letterhead (ONEGATE_LETTERHEAD). Text cells are neutralised against
 * formula injection (contract §7).
 */
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { neutraliseFormula } from '../common/spreadsheet-cell.js';
import { dateIn } from '../common/time-zone.js';
import { label } from '../i18n/labels.js';
import { FIELD_NONE, MEASURES, type Breakdown, type Measure, type SemesterReport } from './semester-report.js';

const MEASURE_HEAD: Record<Measure, string> = {
  signed: 'Ditandatangani',
  inForceAtEnd: 'Berlaku di akhir semester',
  ended: 'Berakhir',
  evaluationsDone: 'Evaluasi selesai',
};

const ROMAN = { 1: 'I', 2: 'II' } as const;

export function reportTitle(r: Pick<SemesterReport, 'year' | 'half'>): string {
  return `Laporan Semester ${ROMAN[r.half]} Tahun ${r.year} — Kerja Sama Daerah`;
}

/** "31 Desember 2026". */
export function formatDayId(date: string | null): string {
  if (!date) return '—';
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('id-ID', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

const fieldLabel = (f: string) => (f === FIELD_NONE ? 'Bidang belum dicatat' : f.replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase()));

/** Rows of the summary: each dimension's keys with their counts per measure. */
export function summaryRows(r: SemesterReport): { group: string; rows: { label: string; counts: number[] }[] }[] {
  const keysOf = (pick: (b: Breakdown) => Record<string, number>) => [...new Set(MEASURES.flatMap((m) => Object.keys(pick(r[m]))))];
  const group = (title: string, pick: (b: Breakdown) => Record<string, number>, name: (k: string) => string, keys = keysOf(pick)) => ({
    group: title,
    rows: keys.map((k) => ({ label: name(k), counts: MEASURES.map((m) => pick(r[m])[k] ?? 0) })),
  });
  return [
    group('Menurut instrumen', (b) => b.byInstrument, (k) => label('id', 'instrument', k)),
    group('Menurut kategori mitra', (b) => b.byCategory, (k) => label('id', 'category', k)),
    group('Menurut bidang urusan', (b) => b.byField, fieldLabel, keysOf((b) => b.byField).sort((a, b) => (a === FIELD_NONE ? 1 : b === FIELD_NONE ? -1 : a.localeCompare(b)))),
  ];
}

const text = (v: string) => neutraliseFormula(v);
const yes = (b: boolean) => (b ? 'Ya' : '—');

export async function semesterXlsx(r: SemesterReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'onegate';
  wb.created = new Date(r.generatedAt);
  const sum = wb.addWorksheet('Ringkasan');
  sum.columns = [{ width: 42 }, { width: 16 }, { width: 26 }, { width: 14 }, { width: 18 }];
  for (const line of r.letterhead) {
    const row = sum.addRow([text(line)]);
    row.font = { bold: true, size: 13 };
    sum.mergeCells(row.number, 1, row.number, 5);
    row.alignment = { horizontal: 'center' };
  }
  sum.addRow([]);
  sum.addRow([text(reportTitle(r))]).font = { bold: true, size: 12 };
  sum.addRow([`Periode: ${formatDayId(r.period.from)} – ${formatDayId(r.period.to)}`]);
  sum.addRow([]);
  const head = sum.addRow(['Rincian', ...MEASURES.map((m) => MEASURE_HEAD[m])]);
  head.font = { bold: true };
  const total = sum.addRow(['Jumlah', ...MEASURES.map((m) => r[m].total)]);
  total.font = { bold: true };
  for (const g of summaryRows(r)) {
    sum.addRow([g.group]).font = { italic: true, bold: true };
    for (const row of g.rows) sum.addRow([text(row.label), ...row.counts]);
  }
  const list = wb.addWorksheet('Daftar kerja sama');
  list.columns = [
    { header: 'Nomor', width: 18 },
    { header: 'Judul', width: 44 },
    { header: 'Instrumen', width: 26 },
    { header: 'Kategori mitra', width: 22 },
    { header: 'Mitra', width: 30 },
    { header: 'Bidang urusan', width: 24 },
    { header: 'Tanggal tanda tangan', width: 18 },
    { header: 'Berlaku sejak', width: 16 },
    { header: 'Berlaku sampai', width: 16 },
    { header: 'Ditandatangani semester ini', width: 14 },
    { header: 'Berlaku di akhir semester', width: 14 },
    { header: 'Berakhir semester ini', width: 14 },
    { header: 'Evaluasi selesai', width: 12 },
  ];
  list.getRow(1).font = { bold: true };
  for (const a of r.agreements) {
    list.addRow([
      text(a.number),
      text(a.title),
      label('id', 'instrument', a.instrument),
      label('id', 'category', a.category),
      text(a.partnerName),
      text(a.fields.map(fieldLabel).join(', ')),
      formatDayId(a.signedAt),
      formatDayId(a.validFrom),
      formatDayId(a.validUntil),
      yes(a.signedInHalf),
      yes(a.inForceAtEnd),
      yes(a.endedInHalf),
      a.evaluationsInHalf,
    ]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function semesterPdf(r: SemesterReport): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: reportTitle(r), Author: r.letterhead.join(' '), Creator: 'onegate' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 100;
  doc.font('Helvetica-Bold').fontSize(13);
  for (const line of r.letterhead) doc.text(line, { align: 'center', width });
  const y = doc.y + 4;
  doc.moveTo(50, y).lineTo(50 + width, y).lineWidth(1.5).stroke();
  doc.moveDown(1.2);
  doc.font('Helvetica-Bold').fontSize(12).text(reportTitle(r), { align: 'center', width });
  doc.font('Helvetica').fontSize(10).text(`Periode ${formatDayId(r.period.from)} – ${formatDayId(r.period.to)}`, { align: 'center', width });
  doc.moveDown();

  const cols = [175, 85, 95, 55, 85];
  const row = (cells: (string | number)[], bold = false) => {
    const top = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    let x = 50;
    let bottom = top;
    cells.forEach((c, i) => {
      doc.text(String(c), x, top, { width: cols[i]! - 6, align: i === 0 ? 'left' : 'right' });
      bottom = Math.max(bottom, doc.y);
      x += cols[i]!;
    });
    doc.x = 50;
    doc.y = bottom + 3;
    if (doc.y > doc.page.height - 80) doc.addPage();
  };
  row(['Rincian', ...MEASURES.map((m) => MEASURE_HEAD[m])], true);
  row(['Jumlah', ...MEASURES.map((m) => r[m].total)], true);
  for (const g of summaryRows(r)) {
    doc.moveDown(0.3);
    row([g.group], true);
    for (const x of g.rows) row([x.label, ...x.counts]);
  }
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(11).text('Daftar kerja sama', 50, doc.y, { width });
  doc.moveDown(0.3);
  if (r.agreements.length === 0) doc.font('Helvetica').fontSize(9).text('Tidak ada kerja sama dalam semester ini.', { width });
  for (const a of r.agreements) {
    const flags = [a.signedInHalf && 'ditandatangani', a.inForceAtEnd && 'berlaku di akhir semester', a.endedInHalf && 'berakhir', a.evaluationsInHalf && `${a.evaluationsInHalf} evaluasi`].filter(Boolean).join(', ');
    doc.font('Helvetica-Bold').fontSize(9).text(`${a.number} — ${a.title}`, { width });
    doc
      .font('Helvetica')
      .text(`${label('id', 'instrument', a.instrument)} · ${a.partnerName} (${label('id', 'category', a.category)}) · ditandatangani ${formatDayId(a.signedAt)} · berlaku sampai ${formatDayId(a.validUntil)} · ${flags}`, { width });
    doc.moveDown(0.4);
  }
  doc.moveDown();
  doc.font('Helvetica-Oblique').fontSize(8).text(`Dibuat oleh onegate pada ${formatDayId(dateIn(new Date(r.generatedAt), r.timezone))}; sumber: register kerja sama.`, { width });
  doc.end();
  return done;
}
