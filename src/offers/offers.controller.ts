import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { OFFER_FORM_FILES, OfferFormDto, OfferReplyDto, OfferTrackingDto, PARTNER_UPLOAD_KINDS, TrackingCodeDto } from './offer.dto.js';
import { OffersService } from './offers.service.js';

/**
 * Partners' way in (contract §11): no token; rate-limited per address with the rest of `/public`
 * (auth/rate-limit.ts). The tracking code in a path is redacted from the request log (logging/http-logging.ts).
 */
@ApiTags('offers (public)')
@ApiExtraModels(OfferFormDto)
@Controller('public/offers')
@Public()
export class OffersController {
  constructor(@Inject(OffersService) private readonly offers: OffersService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: "A partner's offer: starts a case at intake and mails the contact its tracking link", description: 'Which files are required by partner category: ONEGATE_OFFER_ATTACHMENTS (default: third_party and foreign both).' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { allOf: [{ $ref: getSchemaPath(OfferFormDto) }, { type: 'object', properties: { ...OFFER_FORM_FILES } }] } })
  @ApiAcceptedResponse({ type: TrackingCodeDto })
  submit(@Req() req: FastifyRequest): Promise<{ trackingCode: string }> {
    return this.offers.submit(req);
  }

  @Get(':code')
  @ApiOperation({ summary: 'The tracking page: the offer\'s number, title, public stage, the requests to the partner and its own uploads; 404 for any other code' })
  @ApiOkResponse({ type: OfferTrackingDto })
  track(@Param('code') code: string): Promise<OfferTrackingDto> {
    return this.offers.track(code);
  }

  @Post(':code/documents')
  @HttpCode(201)
  @ApiOperation({ summary: 'The partner adds a paper while the offer is at intake or awaiting its answer' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'PDF, DOCX, ODT, XLSX, PNG or JPEG; at most 20 MiB' }, kind: { type: 'string', enum: [...PARTNER_UPLOAD_KINDS], default: 'partner_attachment' } },
    },
  })
  @ApiOkResponse({ type: OfferTrackingDto })
  upload(@Param('code') code: string, @Req() req: FastifyRequest): Promise<OfferTrackingDto> {
    return this.offers.upload(code, req);
  }

  @Post(':code/reply')
  @HttpCode(200)
  @ApiOperation({ summary: "The partner's answer to the intake's request: the offer goes back to intake" })
  @ApiOkResponse({ type: OfferTrackingDto })
  reply(@Param('code') code: string, @Body() body: OfferReplyDto): Promise<OfferTrackingDto> {
    return this.offers.reply(code, body);
  }
}
