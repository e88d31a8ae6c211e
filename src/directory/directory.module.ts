import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DirectoryService } from './directory.service.js';
import { PeopleController, UsersController } from './users.controller.js';

/** The users, their roles and supervisors: the directory file, the admin's edits, the people picker. */
@Module({
  imports: [DatabaseModule],
  controllers: [UsersController, PeopleController],
  providers: [DirectoryService],
  exports: [DirectoryService],
})
export class DirectoryModule {}
