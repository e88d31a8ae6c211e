import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { EngineModule } from '../engine/engine.module.js';
import { DiscussionController } from './discussion.controller.js';
import { DiscussionService } from './discussion.service.js';

/** A case's discussion: comments of its reviewers and proposer, on the case or its documents, as events on its chain. */
@Module({
  imports: [DatabaseModule, EngineModule, DirectoryModule],
  controllers: [DiscussionController],
  providers: [DiscussionService],
})
export class DiscussionModule {}
