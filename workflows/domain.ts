/**
 * The domain's words that no workflow version owns: who takes part (roles), the instruments of a
 * cooperation and the categories of partner. Every version uses them; a version's own rules (stages,
 * decisions, SLAs, documents) live sealed in its folder. Pure data, no logic.
 */

export const ROLES = [
  'proposer',
  'secretariat',
  'technical_reviewer',
  'tkksd',
  'tkksd_chair',
  'legal',
  'dprd',
  'mayor',
  'auditor',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export const INSTRUMENTS = ['kb', 'pks', 'nk', 'loi'] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

export const PARTNER_CATEGORIES = ['region', 'third_party', 'central_government', 'foreign'] as const;
export type PartnerCategory = (typeof PARTNER_CATEGORIES)[number];

/**
 * Which instruments each partner category may use. PP 28/2018 Art. 46 puts central-government
 * partners on a Nota Kesepakatan (Sinergi); a LoI is the foreign opening (Perda DIY 1/2023 Art. 12(2)).
 * domain.md §2 warns the classification is disputed, hence data. A case copies its category's list
 * into its input when it begins, so a change here never changes a running case.
 */
export const INSTRUMENT_RULES: Record<PartnerCategory, readonly Instrument[]> = {
  region: ['kb', 'pks'],
  third_party: ['kb', 'pks'],
  central_government: ['nk', 'pks'],
  foreign: ['loi', 'kb', 'pks'],
};

export const INSTRUMENT_NAMES: Record<Instrument, string> = {
  kb: 'Kesepakatan Bersama (MoU)',
  pks: 'Perjanjian Kerja Sama',
  nk: 'Nota Kesepakatan',
  loi: 'Letter of Intent',
};
