import { Module } from '@nestjs/common';
import { DeadlinePlanner } from '../deadlines/deadline-planner.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { EvaluationSchedule, EvaluationScheduleModule } from '../evaluations/evaluation-schedule.js';
import { AfterSigningProjection } from './after-signing.js';

/** The engine's projection for addenda and renewals (after-signing.ts); apart from AmendmentsModule, which needs the engine. */
@Module({
  imports: [DeadlinePlanningModule, EvaluationScheduleModule],
  providers: [
    {
      provide: AfterSigningProjection,
      inject: [DeadlinePlanner, EvaluationSchedule],
      useFactory: (planner: DeadlinePlanner, evaluations: EvaluationSchedule) => new AfterSigningProjection(planner, evaluations),
    },
  ],
  exports: [AfterSigningProjection],
})
export class AfterSigningModule {}
