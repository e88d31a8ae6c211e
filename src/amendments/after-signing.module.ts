import { Module } from '@nestjs/common';
import { DeadlinePlanner } from '../deadlines/deadline-planner.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { AfterSigningProjection } from './after-signing.js';

/** The engine's projection for addenda and renewals (after-signing.ts); apart from AmendmentsModule, which needs the engine. */
@Module({
  imports: [DeadlinePlanningModule],
  providers: [{ provide: AfterSigningProjection, inject: [DeadlinePlanner], useFactory: (planner: DeadlinePlanner) => new AfterSigningProjection(planner) }],
  exports: [AfterSigningProjection],
})
export class AfterSigningModule {}
