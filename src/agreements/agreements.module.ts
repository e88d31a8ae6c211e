import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { EngineModule } from '../engine/engine.module.js';
import { EvaluationScheduleModule } from '../evaluations/evaluation-schedule.js';
import { AgreementsController } from './agreements.controller.js';
import { AgreementsService } from './agreements.service.js';
import { AgreementsImportController } from './import/agreements-import.controller.js';
import { PublicRegistryController } from './public-registry.controller.js';

/** The register of agreements (contract §9): the staff register, its exports, the public registry, and the import's use case. */
@Module({
  imports: [DatabaseModule, EngineModule, DeadlinePlanningModule, EvaluationScheduleModule],
  controllers: [AgreementsController, PublicRegistryController, AgreementsImportController],
  providers: [AgreementsService],
  // The half-yearly report (src/reports) reads the register through it.
  exports: [AgreementsService],
})
export class AgreementsModule {}
