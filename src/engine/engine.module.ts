import { Module } from '@nestjs/common';
import { RegisterEntryModule } from '../agreements/register-entry.module.js';
import { RegisterEntryProjection } from '../agreements/register-entry.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { Database } from '../database/database.js';
import { DeadlinePlanner } from '../deadlines/deadline-planner.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { MetricsRegistryModule } from '../metrics/metrics-registry.module.js';
import { Metrics } from '../metrics/metrics.js';
import { MessagePlanner } from '../notifications/message-planner.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { RevisionTaskProjection } from '../tasks/revision-task.js';
import { RevisionTaskModule } from '../tasks/revision-task.module.js';
import { EvaluationScheduleModule, EvaluationSchedule } from '../evaluations/evaluation-schedule.js';
import { Engine } from './engine.js';

/**
 * The engine, the one way a case moves, with its projections taken from the modules that own them
 * (none of which needs the engine). Its steps are counted in the metrics registry.
 */
@Module({
  imports: [DatabaseModule, MetricsRegistryModule, RevisionTaskModule, DeadlinePlanningModule, NotificationsModule, RegisterEntryModule, EvaluationScheduleModule],
  providers: [
    {
      provide: Engine,
      inject: [AppConfig, Database, Clock, Metrics, RevisionTaskProjection, DeadlinePlanner, MessagePlanner, RegisterEntryProjection, EvaluationSchedule],
      useFactory: (config: AppConfig, db: Database, clock: Clock, metrics: Metrics, revision: RevisionTaskProjection, deadlines: DeadlinePlanner, messages: MessagePlanner, register: RegisterEntryProjection, evaluations: EvaluationSchedule) => {
        // In order: the proposer's revision task first (the planner and messages see it), messages last (they cite due times); the register entry of a signing beside them.
        // The agreement's evaluation timers (contract §10) after the register entry, when it enters its in-force stage.
        const engine = new Engine(db, clock, config.timezone, [revision, deadlines, messages, register, evaluations]);
        metrics.observe(engine);
        return engine;
      },
    },
  ],
  exports: [Engine],
})
export class EngineModule {}
