import { INSTRUMENTS, PARTNER_CATEGORIES, ROLES } from '../../workflows/domain.js';
import { KNOWN, WORKFLOWS } from '../../workflows/registry.js';
import { MESSAGE_KINDS } from '../notifications/templates.js';
import { SIGNING_REASONS } from '../signing/signing.port.js';
import { LABELS, LOCALES, label, workflowLabel, type LabelFamily } from './labels.js';

/** Every id a person may meet, by family: each needs its own words in both languages. */
const IDS: [LabelFamily, readonly string[]][] = [
  ['stage', KNOWN.stages],
  ['role', ROLES],
  ['decision', [...KNOWN.decisions, 'resubmit']],
  ['instrument', INSTRUMENTS],
  ['instrumentShort', INSTRUMENTS],
  ['category', PARTNER_CATEGORIES],
  ['kind', KNOWN.documentKinds],
  ['message', MESSAGE_KINDS],
  ['event', ['CASE_CREATED', 'IMPORTED', 'MIGRATED', 'SUBMIT', 'RESUBMIT', 'WITHDRAW', 'TERMINATE', 'EXPIRE', 'DOCUMENT_UPLOADED', 'TASK_CLAIMED', 'TASK_UNCLAIMED', 'TASK_DELEGATED', 'TASK_COMPLETED', 'TASK_DEEMED_APPROVED', 'PARTNER_REPLY']],
  ['workflow', [...new Set(WORKFLOWS.map((w) => w.name))]],
  ['initiative', [...new Set(WORKFLOWS.flatMap((w) => w.initiatives ?? []))]],
  ['signing', SIGNING_REASONS],
];

describe('the one catalogue of labels', () => {
  it.each(LOCALES)('labels every stage, role, decision, instrument, category, document kind, message kind, event and workflow in %s', (locale) => {
    const missing = IDS.flatMap(([family, ids]) => ids.filter((id) => LABELS[locale][`${family}.${id}`] === undefined).map((id) => `${family}.${id}`));
    expect(missing).toEqual([]);
  });

  it('has the same keys in both languages, and no label that is itself an id', () => {
    expect(Object.keys(LABELS.en).sort()).toEqual(Object.keys(LABELS.id).sort());
    for (const locale of LOCALES) for (const text of Object.values(LABELS[locale])) expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  });

  it('names a workflow version as a person does', () => {
    expect(workflowLabel('id', 'cooperation', 2)).toBe('Prosedur kerja sama, versi 2');
    expect(workflowLabel('en', 'cooperation', 2)).toBe('Cooperation procedure, version 2');
    expect(label('id', 'stage', 'legal_review')).toBe('Telaah hukum (Bagian Hukum)');
    // An id without a label yet still reads as words, never snake_case.
    expect(label('en', 'stage', 'some_future_stage')).toBe('Some future stage');
  });
});
