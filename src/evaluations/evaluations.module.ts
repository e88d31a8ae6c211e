import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { TimerActionsModule } from '../deadlines/timer-actions.js';
import { EngineModule } from '../engine/engine.module.js';
import { EvaluationsController } from './evaluations.controller.js';
import { EvaluationsService } from './evaluations.service.js';

/** Monitoring and evaluation of agreements (contract §10): the timers that open and cancel evaluations, and their API. */
@Module({
  imports: [DatabaseModule, EngineModule, TimerActionsModule],
  controllers: [EvaluationsController],
  providers: [EvaluationsService],
})
export class EvaluationsModule {}
