import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KNOWN } from '../../workflows/registry.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { DocumentsService, type DocumentDto } from './documents.service.js';

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api')
export class DocumentsController {
  constructor(@Inject(DocumentsService) private readonly documents: DocumentsService) {}

  /** A new upload of a kind becomes its next version; the upload is an event in the case's hash chain. */
  @Post('cases/:id/documents')
  @HttpCode(201)
  @Roles('proposer', 'secretariat', 'legal', 'mayor')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'kind'],
      properties: { file: { type: 'string', format: 'binary', description: 'PDF, DOCX, ODT, XLSX, PNG or JPEG; at most 20 MiB' }, kind: { type: 'string', enum: [...KNOWN.documentKinds] } },
    },
  })
  upload(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() req: FastifyRequest): Promise<DocumentDto> {
    return this.documents.upload(actor, id, req);
  }

  @Get('cases/:id/documents')
  @Roles('any')
  list(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<DocumentDto[]> {
    return this.documents.list(actor, id);
  }

  @Get('documents/:id/content')
  @Roles('any')
  @ApiProduces('application/octet-stream')
  async content(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const { doc, bytes } = await this.documents.content(actor, id);
    const ascii = doc.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    await reply
      .header('content-type', doc.mediaType)
      .header('content-length', String(bytes.length))
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${rfc8187(doc.name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('etag', `"${doc.sha256}"`)
      .header('cache-control', 'private, no-store')
      .send(bytes);
  }
}

/**
 * RFC 8187 ext-value: every byte outside attr-char percent-encoded. encodeURIComponent leaves `'`, `(`,
 * `)` and `*` as they are, which attr-char does not allow (the `'` ends the charset part early). Written
 * here rather than taken from the content-disposition package: one line, and that package is only a
 * transitive dependency.
 */
export function rfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
