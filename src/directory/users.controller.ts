import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ROLES, type Role } from '../../workflows/domain.js';
import type { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { DirectoryService } from './directory.service.js';
import { ContactSettingsDto, PutUserDto, toProfileDto, toUserDto, type ProfileDto, type UserDto } from './user.dto.js';
import { notFound } from '../common/errors.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/users')
export class UsersController {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

  /** Creates or replaces a user; `{active:false}` alone deactivates them (their next request is 401). */
  @Put(':id')
  @Roles('admin')
  async put(@Param('id') id: string, @Body() body: PutUserDto): Promise<UserDto> {
    return toUserDto(await this.directory.put(id, body));
  }

  @Get()
  @Roles('admin')
  async list(): Promise<{ items: UserDto[]; total: number }> {
    const users = await this.directory.list();
    return { items: users.map(toUserDto), total: users.length };
  }
}

export class ListPeopleQuery {
  @ApiPropertyOptional({ enum: ROLES, description: 'Only people holding this role' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

/**
 * Who is who, for everyone signed in: names for timelines, technical reviewers for the secretariat to
 * assign, colleagues to delegate a task to. Only id, name and roles: e-mail and supervisor stay with
 * the admin's `GET /api/users`.
 */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/people')
export class PeopleController {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

  @Get()
  @Roles('any')
  async list(@Query() query: ListPeopleQuery): Promise<{ items: { id: string; name: string; roles: string[] }[]; total: number }> {
    // Deactivated users are no one to assign or delegate to: only the admin's GET /api/users lists them.
    const users = (await this.directory.list()).filter((u) => u.active && (!query.role || u.roles.includes(query.role)));
    return { items: users.map((u) => ({ id: u.id, name: u.name, roles: u.roles })), total: users.length };
  }
}

/** The signed-in user's own page (web app `/profile`): how onegate reaches them, which they set themself. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/profile')
export class ProfileController {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

  @Get()
  @Roles('any')
  async get(@CurrentActor() actor: Actor): Promise<ProfileDto> {
    const user = await this.directory.get(actor.id);
    if (!user) throw notFound('user', actor.id);
    return toProfileDto(user);
  }

  /** `{phone?, channels?, digest?}`: an invalid number is a 400 naming `phone`; the rest of the user stays the admin's. */
  @Put()
  @Roles('any')
  async put(@CurrentActor() actor: Actor, @Body() body: ContactSettingsDto): Promise<ProfileDto> {
    return toProfileDto(await this.directory.putContact(actor.id, body));
  }
}
