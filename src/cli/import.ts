import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { AgreementsService } from '../agreements/agreements.service.js';
import { runImport, type RegisterImporter } from '../agreements/import/run-import.js';
import { DomainError } from '../common/errors.js';
import { MAX_FILE_BYTES } from '../common/multipart.js';
import { UsageError } from './arguments.js';
import type { CliIo } from './auditor.js';

/** Who the IMPORTED events name when the command line imports: the cooperation section, by its tool. */
export const CLI_IMPORT_ACTOR = { id: 'cli-import', roles: ['secretariat' as const] };

/**
 * `import FILE [--dry-run]`: the API's import (contract §9) from the command line, with a progress bar
 * while the rows are read. Exit 0 when imported (or, in a dry run, when the file has no error); 1 when
 * the file has errors or is refused (every error printed, nothing created); 2 for a file that cannot be read.
 */
export async function importCommand(app: INestApplicationContext, file: string, options: { dryRun?: boolean }, io: CliIo): Promise<number> {
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) {
      io.err(`${file}: lebih besar dari 20 MiB; bagi menjadi beberapa berkas`);
      return 1;
    }
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // Rows of a CSV are about its lines; an XLSX does not say before it is read, so its bar grows with it.
  const lines = bytes[0] === 0x50 ? 0 : bytes.reduce((n, b) => (b === 0x0a ? n + 1 : n), 0);
  const register = app.get<AgreementsService, RegisterImporter>(AgreementsService);
  try {
    const report = await runImport(register, { name: basename(file), bytes }, CLI_IMPORT_ACTOR, {
      dryRun: Boolean(options.dryRun),
      limits: { onProgress: (done) => io.progress('membaca baris', done, Math.max(done, lines - 1)) },
    });
    for (const e of report.errors) io.err(`baris ${e.row}, kolom ${e.column}: ${e.message}`);
    if (report.errorsOmitted) io.err(`… dan ${report.errorsOmitted} kesalahan lagi`);
    const what = options.dryRun ? `uji coba (tidak ada yang disimpan): ${report.rows} baris, ${report.created} akan dibuat, ${report.skipped} sudah ada di register` : `${report.rows} baris: ${report.created} perjanjian dibuat, ${report.skipped} dilewati karena nomornya sudah ada di register`;
    io.out(report.errors.length ? `${what}; ${report.errors.length + report.errorsOmitted} kesalahan` : what);
    return report.errors.length ? 1 : 0;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const errors = (err.details.errors as { row: number; column: string; message: string }[] | undefined) ?? [];
    for (const e of errors) io.err(`baris ${e.row}, kolom ${e.column}: ${e.message}`);
    io.err(err.message.replace(/^file: /, `${file}: `));
    return 1;
  }
}
