import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DirectoryService } from './directory.service.js';
import { UserRepository } from './user.repository.js';
import { PeopleController, ProfileController, UsersController } from './users.controller.js';

/** The users, their roles and supervisors: the directory file, the admin's edits, the people picker; the users table (UserRepository) for the features that check a user. */
@Module({
  imports: [DatabaseModule],
  controllers: [UsersController, PeopleController, ProfileController],
  providers: [UserRepository, DirectoryService],
  exports: [DirectoryService, UserRepository],
})
export class DirectoryModule {}
