import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../../workflows/domain.js';
import type { UserRow } from '../database/rows.js';

export const USER_ID_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;

/** The subject of onegate's own steps (deadlines, migrations): never a user, never a token's subject. */
export const RESERVED_USER_IDS: readonly string[] = ['system'];

/** `{active}` alone: a deactivation or reactivation that leaves the rest of the user as it is. */
export function isStatusChange(body: Partial<PutUserDto>): boolean {
  return body.active !== undefined && body.name === undefined && body.email === undefined && body.roles === undefined && body.supervisorId === undefined && body.locale === undefined && body.nik === undefined;
}

const unlessStatusChange = ValidateIf((o: PutUserDto) => !isStatusChange(o));

export class PutUserDto {
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
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}
