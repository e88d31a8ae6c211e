import { Controller, Get, Header, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { notFound } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { PUBLIC_COLUMNS, toCsv } from './agreement-export.js';
import { PublicAgreementsQuery, toPublicAgreementDto } from './agreement.dto.js';
import { AgreementsService } from './agreements.service.js';

/**
 * The public registry (contract §9): no token, public fields only, rate-limited per address with the
 * sign-in routes (auth/rate-limit.ts covers `/public`). `ONEGATE_PUBLIC_REGISTRY=off` answers 404 here.
 */
@ApiTags('public registry')
@Controller('public')
@Public()
export class PublicRegistryController {
  constructor(
    @Inject(AgreementsService) private readonly agreements: AgreementsService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  private assertOn(path: string): void {
    if (this.config.publicRegistry === false) throw notFound('route', path);
  }

  @Get('agreements')
  @ApiOperation({ summary: 'Agreements in force, expired or terminated: public fields only', description: 'Filters as the staff register (status, instrument, category, year, field, opd, q), paginated `{items, total}`.' })
  async list(@Query() query: PublicAgreementsQuery) {
    this.assertOn('/public/agreements');
    const page = await this.agreements.list(null, query);
    return { items: page.items.map(toPublicAgreementDto), total: page.total, limit: page.limit, offset: page.offset };
  }

  @Get('agreements.csv')
  @ApiOperation({ summary: 'The public registry as CSV (UTF-8), filtered as the JSON list is' })
  async csv(@Query() query: PublicAgreementsQuery, @Res() reply: FastifyReply): Promise<void> {
    this.assertOn('/public/agreements.csv');
    const { limit: _limit, offset: _offset, ...filters } = query;
    const items = (await this.agreements.all(null, filters)).map(toPublicAgreementDto);
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'inline; filename="agreements.csv"')
      .send(toCsv(PUBLIC_COLUMNS, items));
  }

  @Get('catalog.json')
  @Header('content-type', 'application/ld+json; charset=utf-8')
  @ApiOperation({ summary: 'DCAT catalogue (JSON-LD) of the public registry and its two distributions' })
  async catalog() {
    this.assertOn('/public/catalog.json');
    return dcatCatalog(this.config.publicUrl, await this.agreements.lastModified());
  }
}

/** DCAT 3 as JSON-LD (the vocabulary open-data portals such as CKAN and data.go.id harvest). */
export function dcatCatalog(publicUrl: string, modified: string): Record<string, unknown> {
  const base = publicUrl.replace(/\/+$/, '');
  const distribution = (path: string, mediaType: string, format: string, title: string) => ({
    '@id': `${base}${path}#distribution`,
    '@type': 'dcat:Distribution',
    'dct:title': title,
    'dcat:accessURL': { '@id': `${base}${path}` },
    'dcat:downloadURL': { '@id': `${base}${path}` },
    'dcat:mediaType': { '@id': `http://www.iana.org/assignments/media-types/${mediaType}` },
    'dct:format': format,
  });
  return {
    '@context': { dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/', foaf: 'http://xmlns.com/foaf/0.1/', xsd: 'http://www.w3.org/2001/XMLSchema#' },
    '@id': `${base}/public/catalog.json`,
    '@type': 'dcat:Catalog',
    'dct:title': 'Katalog data kerja sama daerah',
    'dct:language': 'id',
    'foaf:homepage': { '@id': `${base}/registry` },
    'dcat:dataset': [
      {
        '@id': `${base}/public/agreements`,
        '@type': 'dcat:Dataset',
        'dct:title': 'Daftar perjanjian kerja sama daerah',
        'dct:description':
          'Kesepakatan bersama, perjanjian kerja sama, nota kesepakatan dan letter of intent pemerintah kota: nomor, judul, jenis, mitra, tanggal penandatanganan, masa berlaku, urusan, perangkat daerah pelaksana dan status (berlaku, berakhir, diakhiri).',
        'dct:publisher': { '@type': 'foaf:Organization', 'foaf:name': 'Bagian Kerja Sama', 'foaf:homepage': { '@id': base } },
        'dct:modified': { '@value': modified, '@type': 'xsd:date' },
        'dcat:keyword': ['kerja sama daerah', 'perjanjian kerja sama', 'kesepakatan bersama', 'penatausahaan'],
        'dcat:landingPage': { '@id': `${base}/registry` },
        'dcat:distribution': [
          distribution('/public/agreements', 'application/json', 'JSON', 'Daftar perjanjian (JSON)'),
          distribution('/public/agreements.csv', 'text/csv', 'CSV', 'Daftar perjanjian (CSV)'),
        ],
      },
    ],
  };
}
