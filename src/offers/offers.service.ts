import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { INSTRUMENT_RULES } from '../../workflows/domain.js';
import { workflowOf } from '../../workflows/registry.js';
import { CasesService } from '../cases/cases.service.js';
import { partnerActor, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, invalid } from '../common/errors.js';
import { readMultipart, type MultipartBody, type MultipartLimits } from '../common/multipart.js';
import { StrictValidationPipe } from '../common/validation.js';
import { AppConfig, DEFAULT_OFFER_ATTACHMENTS, OFFER_FILES, type OfferFile } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { CASE, DOCUMENT, OFFER, TASK } from '../database/entities.js';
import type { CaseRow, DocumentRow, OfferRow, TaskRow } from '../database/rows.js';
import { inspectDocument } from '../documents/detect-type.js';
import { DocumentsService } from '../documents/documents.service.js';
import { DeliveryService } from '../notifications/delivery.service.js';
import { OfferFormDto, PARTNER_UPLOAD_KINDS, offerStatusOf, type OfferReplyDto, type OfferTrackingDto } from './offer.dto.js';
import { TRACKING_CODE_PATTERN, hashTrackingCode, matchesTrackingCode, newTrackingCode } from './tracking-code.js';

/** The offer form: two files and its nine fields (more are read to be refused by name), a summary of up to 10,000 characters (UTF-8: up to 40 KB). */
const FORM_LIMITS: MultipartLimits = { files: 4, fields: 20, fieldSize: 40_000 };
/** A later upload: one file and its kind. */
const UPLOAD_LIMITS: MultipartLimits = { files: 2, fields: 5, fieldSize: 64 };
/** The document kind each file of the form is kept as. */
const FILE_KINDS: Record<OfferFile, (typeof PARTNER_UPLOAD_KINDS)[number]> = { profile: 'partner_profile', legal: 'partner_legal' };
/** Whether the case's stage takes the partner's papers: its version's upload rules say so (cooperation@3: intake, awaiting_partner). */
function takesPartnerPapers(c: Pick<CaseRow, 'stage' | 'workflowName' | 'workflowVersion'>): boolean {
  return workflowOf(c).documents?.uploadRules[c.stage]?.some((rule) => rule.partner) ?? false;
}

/** A wrong, malformed or unknown code: one answer for all, naming nothing. */
const noSuchOffer = () => new DomainError('NotFound', 'no such offer');

/**
 * Partners' offers (contract §11): the public form starts a case at `intake` as the partner
 * (`partner:<offerId>`), and the tracking page shows the partner its offer and takes its answers. The
 * tracking code is a bearer secret: only its sha256 is stored, and it is never logged.
 */
@Injectable()
export class OffersService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(DocumentsService) private readonly documents: DocumentsService,
    @Inject(DeliveryService) private readonly deliveries: DeliveryService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * Takes an offer: every field and file is checked before anything is written (4xx naming the field);
   * then the case starts with the offer's row in its transaction, the files are added as the partner's
   * uploads, and the contact is sent the acknowledgement with the tracking link.
   */
  async submit(req: FastifyRequest): Promise<{ trackingCode: string }> {
    const body = await readBody(req, FORM_LIMITS);
    const form = await validateForm(body);
    const files = await this.checkFiles(body, form);
    const offerId = randomUUID();
    const partner = partnerActor(offerId);
    const code = newTrackingCode();
    const contact = { name: form.contactName.trim(), email: form.contactEmail.trim(), ...(form.contactPhone?.trim() ? { phone: form.contactPhone.trim() } : {}) };
    const offer = {
      title: form.title,
      instrument: form.instrument,
      partner: { name: form.partnerName, category: form.category, ...(form.country?.trim() ? { country: form.country.trim() } : {}), contact },
      summary: form.summary.trim(),
    };
    const row = (caseId: string): OfferRow => ({ id: offerId, caseId, codeHash: hashTrackingCode(code), contactName: contact.name, contactEmail: contact.email, contactPhone: contact.phone ?? null, createdAt: this.clock.now() });
    const c = await this.cases.startOffer(partner, offer, (caseId) => [{ kind: 'insert', entity: OFFER, rows: [row(caseId)] }]);
    for (const file of files) await this.documents.add(partner, c.id, FILE_KINDS[file.field], { name: file.filename, bytes: file.bytes });
    const base = `${this.config.publicUrl}/offers/`;
    await this.deliveries.sendWithSecretLink('offer_received', c, { id: partner.id, name: contact.name, email: contact.email }, offerId, { secret: base + code, masked: `${base}…` });
    return { trackingCode: code };
  }

  /** What the partner sees of its offer: number, title, public stage, the requests to it and its own uploads. */
  async track(code: string): Promise<OfferTrackingDto> {
    const { offer, actor } = await this.find(code);
    return this.db.read(async (em) => {
      const c = await em.findOneByOrFail<CaseRow>(CASE, { id: offer.caseId });
      const asked = await em.find<TaskRow>(TASK, { where: { caseId: c.id, stage: 'intake', decision: 'revise', status: 'completed' }, order: { completedAt: 'ASC' } });
      const docs = await em.find<DocumentRow>(DOCUMENT, { where: { caseId: c.id, uploadedBy: actor.id }, order: { uploadedAt: 'ASC', kind: 'ASC', version: 'ASC' } });
      const waiting = c.stage === 'awaiting_partner';
      return {
        number: c.number,
        title: c.title,
        status: offerStatusOf(c.stage),
        submittedAt: c.createdAt.toISOString(),
        requests: asked.map((t, i) => ({ comment: t.comment ?? '', askedAt: (t.completedAt ?? t.createdAt).toISOString(), answered: !(waiting && i === asked.length - 1) })),
        documents: docs.map((d) => ({ kind: d.kind, name: d.name, size: d.size, uploadedAt: d.uploadedAt.toISOString() })),
        canReply: waiting,
        canUpload: takesPartnerPapers(c) && c.proposerId === actor.id,
      };
    });
  }

  /** A paper the partner adds (`file`, and `kind`: partner_attachment unless said), while the offer is still its own. */
  async upload(code: string, req: FastifyRequest): Promise<OfferTrackingDto> {
    const { offer, actor } = await this.find(code);
    const body = await readBody(req, UPLOAD_LIMITS);
    const stray = body.files.find((f) => f.field !== 'file') ?? body.fields.find((f) => f.name !== 'kind');
    if (stray) throw invalid('field' in stray ? stray.field : stray.name, 'unknown field; send the document as "file" and, optionally, its "kind"');
    if (body.files.length > 1) throw invalid('file', 'sent more than once; send one document');
    if (body.fields.length > 1) throw invalid('kind', 'sent more than once');
    const kind = body.fields[0]?.value ?? 'partner_attachment';
    if (!(PARTNER_UPLOAD_KINDS as readonly string[]).includes(kind)) throw invalid('kind', `must be one of ${PARTNER_UPLOAD_KINDS.join(', ')}`);
    const file = body.files[0];
    if (!file) throw invalid('file', 'required: the document to upload');
    if (file.bytes.length === 0) throw invalid('file', 'is empty');
    await this.assertOwnOffer(offer, actor);
    await this.documents.add(actor, offer.caseId, kind, { name: file.filename, bytes: file.bytes });
    return this.track(code);
  }

  /** The partner's answer to the request: the case goes back to intake (PARTNER_REPLY). */
  async reply(code: string, body: OfferReplyDto): Promise<OfferTrackingDto> {
    const { offer, actor } = await this.find(code);
    await this.assertOwnOffer(offer, actor);
    await this.cases.partnerReply(actor, offer.caseId, { comment: body.comment });
    return this.track(code);
  }

  /** The offer of a code; any code that is not one (malformed, unknown) is the same 404. */
  private async find(code: string): Promise<{ offer: OfferRow; actor: Actor }> {
    if (!TRACKING_CODE_PATTERN.test(code)) throw noSuchOffer();
    const offer = await this.db.read((em) => em.findOneBy<OfferRow>(OFFER, { codeHash: hashTrackingCode(code) }));
    // Found by its hash's index; compared again in constant time, so no answer depends on how much of it matched.
    if (!offer || !matchesTrackingCode(code, offer.codeHash)) throw noSuchOffer();
    return { offer, actor: partnerActor(offer.id) };
  }

  /** Once the intake handed the offer on (or closed it), it takes no more from the partner: 409. */
  private async assertOwnOffer(offer: OfferRow, actor: Actor): Promise<void> {
    const c = await this.db.read((em) => em.findOne<CaseRow>(CASE, { where: { id: offer.caseId }, select: { stage: true, proposerId: true, workflowName: true, workflowVersion: true } }));
    if (!c || c.proposerId !== actor.id || !takesPartnerPapers(c)) {
      throw new DomainError('InvalidTransition', 'the offer takes nothing more from the partner: it is being processed or closed', { allowedEvents: [] });
    }
  }

  /** The form's files: only `profile` and `legal`, each once, PDF; those the category needs present. */
  private async checkFiles(body: MultipartBody, form: OfferFormDto): Promise<{ field: OfferFile; filename: string; bytes: Buffer }[]> {
    const files: { field: OfferFile; filename: string; bytes: Buffer }[] = [];
    for (const f of body.files) {
      if (!(OFFER_FILES as readonly string[]).includes(f.field)) throw invalid(f.field, `unknown file field; send ${OFFER_FILES.join(' and ')}`);
      if (files.some((x) => x.field === f.field)) throw invalid(f.field, 'sent more than once');
      if (f.bytes.length === 0) throw invalid(f.field, 'is empty');
      const type = await inspectDocument(f.bytes);
      if ('refused' in type) throw new DomainError('UnsupportedMediaType', `${f.field}: ${type.refused}`, { field: f.field });
      if (type.mediaType !== 'application/pdf') throw new DomainError('UnsupportedMediaType', `${f.field}: must be a PDF, got ${type.mediaType}`, { field: f.field });
      files.push({ field: f.field as OfferFile, filename: f.filename, bytes: f.bytes });
    }
    const required = (this.config.offerAttachments ?? DEFAULT_OFFER_ATTACHMENTS)[form.category];
    const missing = required.find((r) => !files.some((f) => f.field === r));
    if (missing) throw invalid(missing, `required for a ${form.category} partner (a PDF)`);
    return files;
  }
}

async function readBody(req: FastifyRequest, limits: MultipartLimits): Promise<MultipartBody> {
  if (!req.isMultipart()) throw new DomainError('UnsupportedMediaType', 'content-type: send multipart/form-data');
  return readMultipart(req, limits);
}

/** The form's fields as OfferFormDto, validated as a JSON body is (unknown, repeated, NUL, wrong values: 400 naming the field). */
async function validateForm(body: MultipartBody): Promise<OfferFormDto> {
  const values: Record<string, string> = {};
  for (const { name, value } of body.fields) {
    if (Object.prototype.hasOwnProperty.call(values, name)) throw invalid(name, 'sent more than once');
    if (value.includes('\u0000')) throw invalid(name, 'must not contain the NUL character');
    values[name] = value;
  }
  // An optional field sent empty (a form's untouched input) is not sent.
  for (const name of ['country', 'contactPhone']) if (values[name]?.trim() === '') delete values[name];
  const form = (await new StrictValidationPipe().transform(values, { type: 'body', metatype: OfferFormDto })) as OfferFormDto;
  const allowed = INSTRUMENT_RULES[form.category];
  if (!allowed.includes(form.instrument)) throw invalid('instrument', `${form.instrument} is not used with ${form.category} partners (allowed: ${allowed.join(', ')})`);
  if (form.category === 'foreign' && !form.country) throw invalid('country', 'required for a foreign partner');
  return form;
}
