import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { TimerActionsModule } from '../deadlines/timer-actions.js';
import { EngineModule } from '../engine/engine.module.js';
import { AmendmentsService } from './amendments.service.js';
import { RenewalsController } from './renewals.controller.js';

/** Addenda and renewals of agreements (contract §10): opening them, and applying a signed addendum (its `amend` timer's action). */
@Module({
  imports: [DatabaseModule, EngineModule, TimerActionsModule],
  controllers: [RenewalsController],
  providers: [AmendmentsService],
  // POST /api/cases {amends} (CasesService) opens an addendum through it.
  exports: [AmendmentsService],
})
export class AmendmentsModule {}
