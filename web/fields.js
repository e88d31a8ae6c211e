// @ts-check
/**
 * The government affairs (urusan pemerintahan, UU 23/2014) an agreement's `fields` name by id, for the
 * staff register (agreements.js) and the public registry (registry.js); i18n.js has a label for each.
 * An id the list does not know is shown without its underscores, never as the raw id.
 */
import { t } from './i18n.js';

export const FIELDS = [
  'pendidikan',
  'kesehatan',
  'pekerjaan_umum',
  'perumahan',
  'ketenteraman',
  'sosial',
  'tenaga_kerja',
  'lingkungan_hidup',
  'kependudukan',
  'perhubungan',
  'komunikasi_informatika',
  'koperasi_umkm',
  'penanaman_modal',
  'kebudayaan',
  'pariwisata',
  'pertanian',
  'perdagangan',
  'keuangan',
  'penelitian',
];

/** A field (urusan) in words: its label, or the id without underscores when the catalogue has none. */
export const fieldLabel = (/** @type {string} */ f) => t(`field.${f}`, undefined, f.replace(/_/g, ' '));
