import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { EngineModule } from '../engine/engine.module.js';
import { CasesController } from './cases.controller.js';
import { AmendmentsModule } from '../amendments/amendments.module.js';
import { CasesService } from './cases.service.js';

/** Cases: proposing, the lists, one case's view, the steps on it. */
@Module({
  imports: [DatabaseModule, EngineModule, DeadlinePlanningModule, AmendmentsModule],
  controllers: [CasesController],
  providers: [CasesService],
  exports: [CasesService],
})
export class CasesModule {}
