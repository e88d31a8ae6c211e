import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { EngineModule } from '../engine/engine.module.js';
import { SigningModule } from '../signing/signing.module.js';
import { TasksController } from './tasks.controller.js';
import { TasksService } from './tasks.service.js';

/** The inbox: a user's open tasks, claiming, delegating, deciding (a step through the engine). */
@Module({
  imports: [DatabaseModule, EngineModule, DeadlinePlanningModule, DirectoryModule, SigningModule],
  controllers: [TasksController],
  providers: [TasksService],
})
export class TasksModule {}
