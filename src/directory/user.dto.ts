import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsEmail, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '../../workflows/cooperation/v1.rules.js';
import type { UserRow } from '../database/rows.js';

export const USER_ID_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;

export class PutUserDto {
  @ApiProperty({ example: 'Siti Rahmawati' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'siti@jambikota.go.id' })
  @IsEmail()
  email: string;

  @ApiProperty({ enum: ROLES, isArray: true })
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
}

export interface UserDto {
  id: string;
  name: string;
  email: string;
  roles: string[];
  supervisorId: string | null;
  locale: string;
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
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}
