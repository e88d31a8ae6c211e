import { INSTRUMENTS, PARTNER_CATEGORIES, type Instrument, type PartnerCategory } from '../../../workflows/domain.js';
import { LABELS } from '../../i18n/labels.js';

/**
 * What one spreadsheet cell can hold once read: text (CSV, or an XLSX string cell), a number or a date
 * (XLSX cells of those types), or a formula (XLSX) — refused by the import, see parse-import.ts.
 */
export type Cell = string | number | boolean | Date | { formula: string };

/** The outcome of reading one cell: its value, or the message (in Indonesian) that the row gets. */
export type Read<T> = { ok: T } | { error: string };

const ok = <T>(value: T): Read<T> => ({ ok: value });
/** A cell quoted in a message, cut to 60 characters: a message never carries a whole hostile cell. */
export const quote = (s: string) => `"${s.length > 60 ? `${s.slice(0, 57)}…` : s}"`;
const fail = (error: string): Read<never> => ({ error });

/** Indonesian month names and their short forms (as written in letters and registers), and the English short forms. */
const MONTHS: Record<string, number> = {
  januari: 1, jan: 1, january: 1,
  februari: 2, pebruari: 2, feb: 2, peb: 2, february: 2,
  maret: 3, mar: 3, march: 3,
  april: 4, apr: 4,
  mei: 5, may: 5,
  juni: 6, jun: 6, june: 6,
  juli: 7, jul: 7, july: 7,
  agustus: 8, agu: 8, agt: 8, ags: 8, aug: 8, august: 8,
  september: 9, sep: 9, sept: 9,
  oktober: 10, okt: 10, oct: 10, october: 10,
  november: 11, nov: 11, nopember: 11, nop: 11,
  desember: 12, des: 12, dec: 12, december: 12,
};

/** Years a register of local-government agreements can hold: regional autonomy is younger than this. */
const MIN_YEAR = 1945;
const MAX_YEAR = 2100;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function calendarDate(year: number, month: number, day: number, written: string): Read<string> {
  if (year < MIN_YEAR || year > MAX_YEAR) return fail(`tahun ${year} di luar rentang ${MIN_YEAR}–${MAX_YEAR} (${quote(written)})`);
  if (month < 1 || month > 12) return fail(`bulan ${month} tidak ada (${quote(written)})`);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || d.getUTCMonth() !== month - 1) return fail(`tanggal ${day} tidak ada pada bulan ${month} tahun ${year} (${quote(written)})`);
  return ok(`${year}-${pad(month)}-${pad(day)}`);
}

/** An Excel serial day (1900 date system, with its phantom 29 February 1900) as a calendar date. */
function excelSerial(serial: number): Read<string> {
  if (!Number.isInteger(serial) || serial < 1 || serial > 2_958_465) return fail(`angka ${serial} bukan tanggal`);
  const d = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
  return calendarDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), String(serial));
}

const DATE_FORMATS = 'tulis sebagai 2017-03-12, 12/03/2017, 12-03-2017 atau 12 Maret 2017';

/**
 * A calendar date `YYYY-MM-DD` from what legacy registers hold: ISO `2017-03-12`, day first
 * `12/03/2017` `12-03-2017` `12.03.2017` (Indonesia writes the day first, never the month), the month
 * in words `12 Maret 2017` `12 Mar 2017` `12-Agu-2017`, an XLSX date cell, or an XLSX number cell
 * holding an Excel serial day. An XLSX date cell is the date Excel shows: exceljs gives it as that date
 * at UTC midnight, so its UTC fields are read, never the server's time zone.
 */
export function readDate(cell: Cell): Read<string> {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return fail('bukan tanggal yang sah');
    return calendarDate(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate(), cell.toISOString().slice(0, 10));
  }
  if (typeof cell === 'number') return excelSerial(cell);
  if (typeof cell !== 'string') return fail(`bukan tanggal; ${DATE_FORMATS}`);
  const s = cell.trim().replace(/\s+/g, ' ');
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$/.exec(s);
  if (m) return calendarDate(Number(m[1]), Number(m[2]), Number(m[3]), s);
  m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(s);
  if (m) return calendarDate(Number(m[4]), Number(m[3]), Number(m[1]), s);
  m = /^(\d{1,2})[ .-]?([A-Za-z]+)\.?[ .-]?(\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    if (!month) return fail(`nama bulan ${quote(m[2]!)} tidak dikenal (${quote(s)})`);
    return calendarDate(Number(m[3]), month, Number(m[1]), s);
  }
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$/.test(s)) return fail(`tahun harus empat angka (${quote(s)})`);
  return fail(`${quote(s)} bukan tanggal; ${DATE_FORMATS}`);
}

/**
 * An amount of money as Indonesian registers write it: `1.500.000.000`, `Rp 1.500.000.000,00`,
 * `Rp1.500.000.000,-`, `1500000000`, or an XLSX number cell. The dot groups thousands and the comma
 * marks decimals (Indonesian usage), so `1.500` is fifteen hundred; `1,500,000` (several commas) can
 * only be thousands and is taken as such. A leading `Rp`/`IDR` or another ISO 4217 code names the currency.
 */
export function readAmount(cell: Cell): Read<{ amount: number; currency: string }> {
  if (typeof cell === 'number') return Number.isFinite(cell) && cell >= 0 ? ok({ amount: cell, currency: 'IDR' }) : fail(`nilai ${cell} tidak boleh negatif`);
  if (typeof cell !== 'string') return fail('bukan angka');
  let s = cell.trim().replace(/\s+/g, ' ');
  let currency = 'IDR';
  const prefix = /^(rp\.?|idr|[A-Z]{3}|us\$|\$)\s?/i.exec(s);
  if (prefix) {
    const p = prefix[1]!.toUpperCase();
    currency = p.startsWith('RP') || p === 'IDR' ? 'IDR' : p === 'US$' || p === '$' ? 'USD' : p;
    s = s.slice(prefix[0].length);
  }
  s = s.replace(/,-$/, '').replace(/\s/g, '');
  let normalised: string | null = null;
  if (/^\d+$/.test(s)) normalised = s;
  else if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) normalised = s.replace(/\./g, '').replace(',', '.');
  else if (/^\d+,\d+$/.test(s)) normalised = s.replace(',', '.');
  else if (/^\d{1,3}(,\d{3}){2,}(\.\d+)?$/.test(s)) normalised = s.replace(/,/g, '');
  if (normalised === null) return fail(`${quote(cell.trim())} bukan nilai uang; tulis sebagai 1.500.000.000 atau Rp 1.500.000.000,00`);
  const amount = Number(normalised);
  if (!Number.isFinite(amount) || amount > Number.MAX_SAFE_INTEGER) return fail(`nilai ${quote(cell.trim())} terlalu besar`);
  return ok({ amount, currency });
}

/** Lowercase words without punctuation and accents: how a label is matched whatever its case or spacing. */
export function normaliseWords(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Every way a register writes an id of `ids`: the id, and its labels in both locales in `families`, with and without the part in brackets. */
function namesOf<T extends string>(ids: readonly T[], families: string[], extra: Record<string, T>): Map<string, T> {
  const names = new Map<string, T>();
  const add = (name: string, id: T) => {
    const key = normaliseWords(name);
    if (key && !names.has(key)) names.set(key, id);
  };
  for (const id of ids) {
    add(id, id);
    for (const family of families) {
      for (const locale of Object.values(LABELS)) {
        const label = locale[`${family}.${id}`];
        if (!label) continue;
        add(label, id);
        add(label.replace(/\s*\(.*\)\s*/g, ' '), id);
        const inBrackets = /\(([^)]+)\)/.exec(label)?.[1];
        if (inBrackets) add(inBrackets, id);
      }
    }
  }
  for (const [name, id] of Object.entries(extra)) add(name, id);
  return names;
}

/** Names legacy registers use that the label catalogue does not hold (it names each id once). */
const INSTRUMENT_NAMES = namesOf<Instrument>(INSTRUMENTS, ['instrument', 'instrumentShort'], {
  'nota kesepahaman': 'kb',
  'memorandum of understanding': 'kb',
  'perjanjian kerjasama': 'pks',
  'kesepakatan bersama': 'kb',
});
const CATEGORY_NAMES = namesOf<PartnerCategory>(PARTNER_CATEGORIES, ['category'], {
  'pemerintah daerah': 'region',
  daerah: 'region',
  'pihak ketiga swasta': 'third_party',
  swasta: 'third_party',
  'kementerian lembaga': 'central_government',
  'luar negeri': 'foreign',
});

export const AGREEMENT_STATUSES = ['in_force', 'expired', 'terminated'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];
const STATUS_NAMES = new Map<string, AgreementStatus>(
  Object.entries({
    'in force': 'in_force',
    berlaku: 'in_force',
    'masih berlaku': 'in_force',
    aktif: 'in_force',
    expired: 'expired',
    berakhir: 'expired',
    'tidak berlaku': 'expired',
    'habis masa berlaku': 'expired',
    kedaluwarsa: 'expired',
    terminated: 'terminated',
    diakhiri: 'terminated',
    dihentikan: 'terminated',
    'diakhiri lebih awal': 'terminated',
  } satisfies Record<string, AgreementStatus>).map(([k, v]) => [normaliseWords(k), v]),
);

function oneOf<T extends string>(names: Map<string, T>, ids: readonly T[], what: string): (text: string) => Read<T> {
  return (text) => {
    const id = names.get(normaliseWords(text));
    return id ? ok(id) : fail(`${what} ${quote(text)} tidak dikenal; pilih salah satu: ${ids.join(', ')}`);
  };
}

/** `pks`, `PKS`, `Perjanjian Kerja Sama`, `MoU`, `Kesepakatan Bersama (MoU)`… → an id of INSTRUMENTS. */
export const readInstrument = oneOf(INSTRUMENT_NAMES, INSTRUMENTS, 'jenis naskah');
/** `third_party`, `Pihak ketiga`, `Pemerintah daerah lain`, `Foreign partner`… → an id of PARTNER_CATEGORIES. */
export const readCategory = oneOf(CATEGORY_NAMES, PARTNER_CATEGORIES, 'kategori mitra');
/** `in_force`, `berlaku`, `berakhir`, `diakhiri`… → a register status. */
export const readStatus = oneOf(STATUS_NAMES, AGREEMENT_STATUSES, 'status');

/** A list inside one cell, separated by `;`, `,`, `|` or line breaks; empty items dropped, duplicates kept once. */
export function readList(text: string): string[] {
  return [...new Set(text.split(/[;,|\r\n]+/).map((s) => s.trim().replace(/\s+/g, ' ')).filter(Boolean))];
}

/**
 * A government affair (*urusan*) as the register's id: `Pekerjaan Umum` → `pekerjaan_umum`,
 * `Kesehatan` → `kesehatan` (lowercase words joined by `_`, as contract §9's examples).
 */
export function fieldId(text: string): string {
  return normaliseWords(text).replace(/ /g, '_');
}
