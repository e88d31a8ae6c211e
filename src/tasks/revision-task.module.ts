import { Module } from '@nestjs/common';
import { RevisionTaskProjection } from './revision-task.js';

/** The engine's projection that opens and closes the proposer's revision task; apart from TasksModule, which needs the engine. */
@Module({
  providers: [RevisionTaskProjection],
  exports: [RevisionTaskProjection],
})
export class RevisionTaskModule {}
