import { Controller, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../../auth/auth.decorators.js';
import type { Actor } from '../../common/actor.js';
import { DomainError, invalid } from '../../common/errors.js';
import { readMultipart } from '../../common/multipart.js';
import { AgreementsService } from '../agreements.service.js';
import { runImport, type ImportReport, type RegisterImporter } from './run-import.js';

/** `dryRun`: absent, `false` or `0` imports; `true` or `1` only reports. Anything else is a 400 naming it. */
export function parseDryRun(value: unknown): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw invalid('dryRun', 'must be true or false');
}

/** The file's name as the IMPORTED event keeps it: no folder, no control characters, at most 200 characters. */
export function importFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  return base.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200) || 'impor';
}

@ApiTags('agreements')
@ApiBearerAuth()
@Controller('api/agreements')
export class AgreementsImportController {
  /** The register's side: only its importRows (the RegisterImporter port) is used. */
  constructor(@Inject(AgreementsService) private readonly register: RegisterImporter) {}

  /** Legacy agreements from a CSV or XLSX register (contract §9): any error is a 422 and nothing is created. */
  @Post('import')
  @HttpCode(200)
  @Roles('secretariat', 'admin')
  @ApiConsumes('multipart/form-data')
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean, description: 'report every row\'s errors and what would be created, without creating' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'CSV (UTF-8, header row, `,` or `;`) or XLSX (first sheet); at most 20 MiB and 50,000 rows' } },
    },
  })
  async import(@CurrentActor() actor: Actor, @Query('dryRun') dryRun: unknown, @Req() req: FastifyRequest): Promise<ImportReport> {
    const dry = parseDryRun(dryRun);
    if (!req.isMultipart()) throw new DomainError('UnsupportedMediaType', 'content-type: send multipart/form-data with the register as the file field');
    const body = await readMultipart(req);
    const stray = body.files.find((f) => f.field !== 'file') ?? body.fields[0];
    if (stray) throw invalid('field' in stray ? stray.field : stray.name, 'unknown field; send the register as "file" only');
    const file = body.files[0];
    if (!file) throw invalid('file', 'required: the CSV or XLSX register to import');
    return runImport(this.register, { name: importFileName(file.filename), bytes: file.bytes }, actor, { dryRun: dry });
  }
}
