/** Document rules of the evaluation, version 1: the proposer may attach a report file at the report stage (optional). */
import type { UploadRule as BaseUploadRule } from '../../definition.js';
import type { Stage } from './rules.js';

export const DOCUMENT_KINDS = ['evaluation_report', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const UPLOAD_RULES: Partial<Record<Stage, readonly BaseUploadRule<DocumentKind>[]>> = {
  evaluation_report: [{ roles: ['proposer'], kinds: ['evaluation_report', 'other'], proposerOnly: true }],
};

export function uploadKindsAt(stage: Stage): DocumentKind[] {
  return [...new Set((UPLOAD_RULES[stage] ?? []).flatMap((r) => r.kinds))];
}
