import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../../workflows/domain.js';
import { DIGEST_SETTINGS, MESSAGE_CHANNELS, type DigestSetting, type MessageChannel, type UserRow } from '../database/rows.js';

export const USER_ID_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;

/** The subject of onegate's own steps (deadlines, migrations): never a user, never a token's subject. */
export const RESERVED_USER_IDS: readonly string[] = ['system'];

/** `{active}` alone: a deactivation or reactivation that leaves the rest of the user as it is. */
export function isStatusChange(body: Partial<PutUserDto>): boolean {
  return body.active !== undefined && body.name === undefined && body.email === undefined && body.roles === undefined && body.supervisorId === undefined && body.locale === undefined && body.nik === undefined && body.phone === undefined && body.channels === undefined && body.digest === undefined;
}

/** What a signed-in user sets for themself on their profile page (`PUT /api/profile`): how they are reached. */
export class ContactSettingsDto {
  @ApiPropertyOptional({
    example: '0812 3456 7890',
    nullable: true,
    description: 'WhatsApp number: `0812…`, `+62 812…` or `62812…`, stored as `62812…`; an invalid one is a 400 naming `phone`; null removes it. Omitted: kept.',
  })
  @IsOptional()
  @IsString()
  @Length(0, 40)
  phone?: string | null;

  @ApiPropertyOptional({ enum: MESSAGE_CHANNELS, isArray: true, example: ['email', 'whatsapp'], description: 'Channels messages go by (contract §12); `whatsapp` needs a phone. Omitted: kept (a new user: e-mail).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MESSAGE_CHANNELS.length)
  @IsIn(MESSAGE_CHANNELS, { each: true })
  channels?: MessageChannel[];

  @ApiPropertyOptional({ enum: DIGEST_SETTINGS, description: '`daily`: one e-mail of open tasks at 07:30 on working days instead of separate reminders (escalations still go at once). Omitted: kept (a new user: none).' })
  @IsOptional()
  @IsIn(DIGEST_SETTINGS)
  digest?: DigestSetting;
}

const unlessStatusChange = ValidateIf((o: PutUserDto) => !isStatusChange(o));

export class PutUserDto extends ContactSettingsDto {
  @ApiProperty({ example: 'Siti Rahmawati', description: 'Required, like email and roles, unless the body is only `{active}`' })
  @unlessStatusChange
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'siti@jambikota.go.id' })
  @unlessStatusChange
  @IsEmail()
  email: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @unlessStatusChange
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @ApiPropertyOptional({ description: 'Receives the first escalation of this user’s overdue tasks' })
  @IsOptional()
  @IsString()
  @Matches(USER_ID_PATTERN)
  supervisorId?: string;

  @ApiPropertyOptional({ enum: ['id', 'en'], default: 'id', description: 'Language of e-mails' })
  @IsOptional()
  @IsIn(['id', 'en'])
  locale?: 'id' | 'en';

  @ApiPropertyOptional({
    default: true,
    description:
      '`false` deactivates the user: their next request is 401, and they receive no new message or task. A body of only `{active}` changes nothing else; omitted, the user keeps their current state (a new user is active).',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ example: '1571010101800001', description: 'The 16-digit NIK the signer is known by at BSrE (ONEGATE_SIGNING=bsre, contract §12); `null` removes it; omitted, it stays' })
  @IsOptional()
  @Matches(/^\d{16}$/, { message: 'nik must be 16 digits' })
  nik?: string | null;
}

export interface UserDto {
  id: string;
  name: string;
  email: string;
  roles: string[];
  supervisorId: string | null;
  locale: string;
  active: boolean;
  nik: string | null;
  phone: string | null;
  channels: MessageChannel[];
  digest: DigestSetting;
  createdAt: string;
  updatedAt: string;
}

export function toUserDto(u: UserRow): UserDto {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    roles: u.roles,
    supervisorId: u.supervisorId,
    locale: u.locale,
    active: u.active,
    nik: u.nik ?? null,
    phone: u.phone,
    channels: channelsOf(u),
    digest: u.digest,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/** The channels a user's messages go by: e-mail alone for a user from before channels. */
export function channelsOf(u: Pick<UserRow, 'channels'>): MessageChannel[] {
  return u.channels ?? ['email'];
}

/** What the profile page shows and edits: who the user is, and how onegate reaches them. */
export interface ProfileDto {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  channels: MessageChannel[];
  digest: DigestSetting;
}

export function toProfileDto(u: UserRow): ProfileDto {
  return { id: u.id, name: u.name, email: u.email, phone: u.phone, channels: channelsOf(u), digest: u.digest };
}
