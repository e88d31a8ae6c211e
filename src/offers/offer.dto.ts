import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { INSTRUMENTS, PARTNER_CATEGORIES, type Instrument, type PartnerCategory } from '../../workflows/domain.js';
import { HasVisibleText } from '../common/validation.js';

/** What a partner uploads through its tracking page (contract §11). */
export const PARTNER_UPLOAD_KINDS = ['partner_profile', 'partner_legal', 'partner_attachment'] as const;

/** The text fields of the public offer form (`POST /public/offers`, multipart): each validated as a JSON body's would be. */
export class OfferFormDto {
  @ApiProperty({ example: 'PT Air Jambi Lestari', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @HasVisibleText()
  @MaxLength(300)
  partnerName: string;

  @ApiProperty({ enum: PARTNER_CATEGORIES })
  @IsIn(PARTNER_CATEGORIES)
  category: PartnerCategory;

  @ApiPropertyOptional({ description: 'Required for a foreign partner', example: 'Malaysia', minLength: 2, maxLength: 100 })
  @IsOptional()
  @IsString()
  @HasVisibleText()
  @Length(2, 100)
  country?: string;

  @ApiProperty({ example: 'Budi Santoso', maxLength: 200 })
  @IsString()
  @HasVisibleText()
  @MaxLength(200)
  contactName: string;

  @ApiProperty({ example: 'budi@airjambi.co.id', format: 'email', maxLength: 254 })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'contactEmail must be an e-mail address' })
  contactEmail: string;

  @ApiPropertyOptional({ example: '+62 812 7400 1234', pattern: '^\\+?[0-9][0-9 ().-]{5,24}$' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9][0-9 ().-]{5,24}$/, { message: 'contactPhone must be a telephone number (digits, spaces, + ( ) - .)' })
  contactPhone?: string;

  @ApiProperty({ example: 'Penawaran kerja sama pengelolaan air bersih', maxLength: 300 })
  @IsString()
  @IsNotEmpty()
  @HasVisibleText()
  @MaxLength(300)
  title: string;

  @ApiProperty({ enum: INSTRUMENTS, description: 'Must fit the partner category (as POST /api/cases)' })
  @IsIn(INSTRUMENTS)
  instrument: Instrument;

  @ApiProperty({ example: 'Kami menawarkan…', maxLength: 10000 })
  @IsString()
  @HasVisibleText()
  @MaxLength(10000)
  summary: string;
}

/** The form's multipart schema for the OpenAPI document: OfferFormDto's fields and the two PDF files. */
export const OFFER_FORM_FILES = {
  profile: { type: 'string', format: 'binary', description: "The partner's company profile (PDF, at most 20 MiB); required for the categories ONEGATE_OFFER_ATTACHMENTS names" },
  legal: { type: 'string', format: 'binary', description: "The partner's legal papers (PDF, at most 20 MiB); required for the categories ONEGATE_OFFER_ATTACHMENTS names" },
} as const;

/** The partner's answer to the intake's request (`POST /public/offers/:code/reply`). */
export class OfferReplyDto {
  @ApiProperty({ example: 'Akta pendirian telah kami unggah.', maxLength: 5000 })
  @IsString()
  @HasVisibleText()
  @MaxLength(5000)
  comment: string;
}

export class TrackingCodeDto {
  @ApiProperty({ description: 'The offer\'s tracking code (256 bits, base64url): the partner\'s only way to its tracking page, `PUBLIC_URL/offers/<trackingCode>`. Shown once; kept nowhere.' })
  trackingCode: string;
}

/** Where an offer stands as its partner may see it: no internal stage, no names of staff. */
export const OFFER_STATUSES = ['received', 'awaiting_partner', 'in_process', 'rejected', 'closed'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export class OfferRequestDto {
  @ApiProperty({ description: "The secretariat's request, as written" })
  comment: string;
  @ApiProperty({ format: 'date-time' })
  askedAt: string;
  @ApiProperty({ description: 'Answered by the partner already' })
  answered: boolean;
}

export class OfferUploadDto {
  @ApiProperty({ enum: PARTNER_UPLOAD_KINDS })
  kind: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  size: number;
  @ApiProperty({ format: 'date-time' })
  uploadedAt: string;
}

/** `GET /public/offers/:code`: only what the partner may see (contract §11). */
export class OfferTrackingDto {
  @ApiProperty({ example: 'KS-2026-0007' })
  number: string;
  @ApiProperty()
  title: string;
  @ApiProperty({ enum: OFFER_STATUSES, description: 'The public stage' })
  status: OfferStatus;
  @ApiProperty({ format: 'date-time' })
  submittedAt: string;
  @ApiProperty({ type: [OfferRequestDto], description: 'Requests addressed to the partner (the intake asking for more)' })
  requests: OfferRequestDto[];
  @ApiProperty({ type: [OfferUploadDto], description: "The partner's own uploads" })
  documents: OfferUploadDto[];
  @ApiProperty({ description: 'A reply is awaited (POST …/reply)' })
  canReply: boolean;
  @ApiProperty({ description: 'Papers are taken (POST …/documents)' })
  canUpload: boolean;
}

/** The public status of an internal stage. */
export function offerStatusOf(stage: string): OfferStatus {
  if (stage === 'intake') return 'received';
  if (stage === 'awaiting_partner') return 'awaiting_partner';
  if (stage === 'rejected') return 'rejected';
  if (stage === 'spam' || stage === 'withdrawn') return 'closed';
  return 'in_process';
}
