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

/**
 * Why an agreement in force is ended early (contract §10, Termination): the grounds the secretariat
 * records with `TERMINATE`. The register's rule for life after signing, not a cooperation version's:
 * agreements signed on sealed versions and those imported from before onegate are ended on the same grounds.
 * `evaluation`: a concluded evaluation of the agreement recommended `terminate`.
 */
export const TERMINATION_GROUNDS = ['mutual_agreement', 'breach', 'force_majeure', 'law_change', 'national_interest', 'evaluation'] as const;
export type TerminationGround = (typeof TERMINATION_GROUNDS)[number];

/**
 * The document kinds of life after signing (contract §10: "Document kinds add …"): the letter that ends
 * an agreement, an addendum's text, an evaluation's report, the partner's reply. Every agreement takes
 * them whatever version it was signed on, so no version owns them.
 */
export const AFTER_SIGNING_DOCUMENT_KINDS = ['termination_letter', 'addendum', 'evaluation_report', 'partner_reply'] as const;
export type AfterSigningDocumentKind = (typeof AFTER_SIGNING_DOCUMENT_KINDS)[number];

/**
 * What the secretariat attaches to an agreement in force (contract §10), recorded on its chain without
 * moving its machine: the termination letter, and other papers. An agreement imported from before
 * onegate takes its scanned signed copy too (documents.service.ts).
 */
export const IN_FORCE_UPLOAD_KINDS = ['termination_letter', 'other'] as const;
