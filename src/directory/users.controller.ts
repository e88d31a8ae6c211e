import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { DirectoryService } from './directory.service.js';
import { PutUserDto, toUserDto, type UserDto } from './user.dto.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/users')
export class UsersController {
  constructor(@Inject(DirectoryService) private readonly directory: DirectoryService) {}

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
