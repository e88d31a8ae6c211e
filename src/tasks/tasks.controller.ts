import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { CompleteTaskDto, DelegateTaskDto, ListTasksQuery } from './task.dto.js';
import { TasksService } from './tasks.service.js';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('api/tasks')
export class TasksController {
  constructor(@Inject(TasksService) private readonly tasks: TasksService) {}

  @Get()
  @Roles('any')
  list(@CurrentActor() actor: Actor, @Query() query: ListTasksQuery) {
    return this.tasks.list(actor, query);
  }

  @Get(':id')
  @Roles('any')
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.tasks.get(actor, id);
  }

  @Post(':id/claim')
  @HttpCode(200)
  @Roles('any')
  claim(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.tasks.claim(actor, id);
  }

  @Post(':id/unclaim')
  @HttpCode(200)
  @Roles('any')
  unclaim(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.tasks.unclaim(actor, id);
  }

  @Post(':id/delegate')
  @HttpCode(200)
  @Roles('any')
  delegate(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: DelegateTaskDto) {
    return this.tasks.delegate(actor, id, body.userId);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Roles('any')
  complete(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: CompleteTaskDto) {
    return this.tasks.complete(actor, id, body);
  }
}
