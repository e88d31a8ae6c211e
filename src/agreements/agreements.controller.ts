import { Body, Controller, Get, Inject, Param, Patch, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { REGISTER_COLUMNS, toCsv, toXlsx } from './agreement-export.js';
import { ExportAgreementsQuery, ListAgreementsQuery, UpdateAgreementDto, type AgreementDto } from './agreement.dto.js';
import { AgreementsService } from './agreements.service.js';
import { AgreementAtQuery } from '../amendments/agreement-at.js';

export const EXPORT_MEDIA_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
} as const;

@ApiTags('agreements')
@ApiBearerAuth()
@Controller('api/agreements')
export class AgreementsController {
  constructor(@Inject(AgreementsService) private readonly agreements: AgreementsService) {}

  @Get()
  @Roles('any')
  @ApiOperation({
    summary: 'The register of agreements',
    description:
      'Any role; a proposer sees the agreements of their own cases only. Filters `status` (in_force, expiring = in force and ending within 90 days, expired, terminated), `instrument`, `category`, `year` (signed), `field`, `opd`, `q`; `incomplete=true` lists the entries lacking what a register needs, each with `missing`.',
  })
  list(@CurrentActor() actor: Actor, @Query() query: ListAgreementsQuery) {
    return this.agreements.list(actor, query);
  }

  @Get('export')
  @Roles('any')
  @ApiOperation({ summary: 'The register as CSV, XLSX or JSON, filtered as the list is', description: 'CSV and XLSX headers are the import columns (number, partner_number, …), so an export can be imported back.' })
  async export(@CurrentActor() actor: Actor, @Query() query: ExportAgreementsQuery, @Res() reply: FastifyReply): Promise<void> {
    const { format, ...filters } = query;
    const items = await this.agreements.all(actor, filters);
    const body = format === 'json' ? JSON.stringify({ items, total: items.length }) : format === 'csv' ? `\ufeff${toCsv(REGISTER_COLUMNS, items)}` : await toXlsx(REGISTER_COLUMNS, items);
    await reply
      .header('content-type', EXPORT_MEDIA_TYPES[format])
      .header('content-disposition', `attachment; filename="onegate-agreements-${this.agreements.today()}.${format}"`)
      .send(body);
  }

  @Get(':id')
  @Roles('any')
  @ApiOperation({
    summary: 'One agreement',
    description: "Any role. Another proposer's agreement is 404, as an unknown id. With its addenda and renewedBy (contract §10); `?at=YYYY-MM-DD`: as it stood at the end of that day (register updates and addenda after it undone), 404 before it was signed.",
  })
  get(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: AgreementAtQuery): Promise<AgreementDto> {
    return this.agreements.get(actor, id, query.at);
  }

  @Patch(':id')
  @Roles('secretariat')
  @ApiOperation({
    summary: 'Complete or correct the register entry',
    description: 'Secretariat. Any of number, partnerNumber, signedAt, signedPlace, signatories, fields, opds, value; recorded as a REGISTER_UPDATED event on the case’s chain. `expectedVersion` is the case’s version (409 when stale).',
  })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateAgreementDto): Promise<AgreementDto> {
    return this.agreements.update(actor, id, body);
  }
}
