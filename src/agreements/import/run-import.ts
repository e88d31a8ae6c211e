import { createHash } from 'node:crypto';
import type { Actor } from '../../common/actor.js';
import { DomainError } from '../../common/errors.js';
import type { ImportResult, RowSource } from '../import-row.js';
import { parseImportFile, type ImportError, type ImportLimits } from './parse-import.js';
import { SheetRefused } from './read-sheet.js';

/** The register's side of an import (AgreementsService.importFrom): creates the rows not yet in the register, in one transaction. */
export interface RegisterImporter {
  importFrom(source: RowSource, file: { name: string; sha256: string }, actor: Actor, options: { dryRun: boolean }): Promise<ImportResult>;
}

/** What an import answers: contract §9's `{rows, created, skipped, errors}`, plus how many errors were left out of `errors`. */
export interface ImportReport extends ImportResult {
  dryRun: boolean;
  errorsOmitted: number;
}

/** Room the errors of a 422 may take: the error body is at most 16 KiB (contract §7), the filter drops a detail larger than half. */
const MAX_ERRORS_JSON_BYTES = 7 * 1024;

/**
 * Imports a legacy register file (contract §9): parsed and checked whole first, then handed to the
 * register, which creates what is not there yet in one transaction. A file with any error creates
 * nothing: 422 with the errors (as many as fit the 16 KiB error body; a dry run lists them all, up to
 * the parser's maxErrors). A dry run reports without creating. A file that cannot be read as a
 * register at all is 413 (too large, too many rows, a zip bomb), 415 (another file type) or 422.
 */
export async function runImport(
  register: RegisterImporter,
  file: { name: string; bytes: Buffer },
  actor: Actor,
  options: { dryRun: boolean; limits?: ImportLimits },
): Promise<ImportReport> {
  let parsed;
  // The first reading checks the file and counts; its rows are let go chunk by chunk (memory stays flat).
  const ignore = async () => undefined;
  try {
    parsed = await parseImportFile(file.bytes, { ...options.limits, onRows: ignore });
  } catch (err) {
    if (err instanceof SheetRefused) {
      const code = err.status === 413 ? 'PayloadTooLarge' : err.status === 415 ? 'UnsupportedMediaType' : 'ImportInvalid';
      throw new DomainError(code, `file: ${err.message}`, { field: 'file', ...(err.row !== undefined ? { row: err.row } : {}) });
    }
    throw err;
  }
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  // Also with errors in the file, the register is asked (without writing) which numbers it holds and what it refuses, so a dry run reports both.
  const dryRun = options.dryRun || parsed.errors.length > 0;
  // The register reads the same bytes again, as often as it needs; the file was read whole once, so it reads the same.
  const source: RowSource = async (onRows) => void (await parseImportFile(file.bytes, { ...options.limits, onProgress: undefined, onRows }));
  const result = await register.importFrom(source, { name: file.name, sha256 }, actor, { dryRun });
  const found = [...parsed.errors, ...result.errors].sort((a, b) => a.row - b.row);
  if (found.length && !options.dryRun) {
    const errors = fitting(found);
    const total = found.length + parsed.errorsOmitted;
    throw new DomainError('ImportInvalid', `file: ${total} kesalahan pada berkas; tidak ada perjanjian yang dibuat${errors.length < total ? ` (${errors.length} pertama ditampilkan; kirim dengan dryRun=true untuk daftar lengkap)` : ''}`, {
      field: 'file',
      rows: parsed.count,
      created: 0,
      skipped: 0,
      errors,
      errorsOmitted: total - errors.length,
    });
  }
  return {
    rows: parsed.count,
    created: found.length ? 0 : result.created,
    skipped: result.skipped,
    errors: found,
    errorsOmitted: parsed.errorsOmitted,
    dryRun: options.dryRun,
  };
}

/** The first errors whose JSON fits MAX_ERRORS_JSON_BYTES. */
function fitting(errors: ImportError[]): ImportError[] {
  const kept: ImportError[] = [];
  let size = 2;
  for (const e of errors) {
    size += Buffer.byteLength(JSON.stringify(e)) + 1;
    if (size > MAX_ERRORS_JSON_BYTES) break;
    kept.push(e);
  }
  return kept;
}
