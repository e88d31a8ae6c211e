import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ROLES, type Role } from '../../workflows/domain.js';
import { Roles } from '../auth/auth.decorators.js';
import { DirectoryService } from './directory.service.js';
import { PutUserDto, toUserDto, type UserDto } from './user.dto.js';

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
