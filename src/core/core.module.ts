import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { Clock, SystemClock } from '../common/clock.js';
import { Database } from '../database/database.js';
import { Engine } from '../engine/engine.js';
import { DeadlinePlanner } from '../deadlines/deadline-planner.js';
import { loadHolidays, loadSlaTables } from '../deadlines/sla-config.js';
import { WorkingCalendar } from '../deadlines/working-calendar.js';
import { Metrics } from '../metrics/metrics.js';
import { MessagePlanner } from '../notifications/message-planner.js';
import { RevisionTaskProjection } from '../tasks/revision-task.js';
import { APP_CONFIG } from './tokens.js';

/** Configuration, the database, the clock, the engine and the app's metrics: what every feature stands on. */
@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}

  static forRoot(config: AppConfig, options: { clock?: Clock } = {}): DynamicModule {
    // Read and validated here, at boot: a bad ONEGATE_SLA or ONEGATE_HOLIDAYS file stops the start.
    const sla = loadSlaTables(config.slaFile);
    const calendar = new WorkingCalendar({ timeZone: config.timezone, extraHolidays: loadHolidays(config.holidaysFile) });
    const planner = new DeadlinePlanner({ sla, calendar, timeZone: config.timezone });
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        { provide: Database, useFactory: () => Database.open(config.database) },
        { provide: WorkingCalendar, useValue: calendar },
        { provide: Metrics, useValue: new Metrics() },
        {
          provide: Engine,
          useFactory: (db: Database, clock: Clock, metrics: Metrics) => {
            // In order: the proposer's revision task first (the planner and messages see it), messages last (they cite due times).
            const engine = new Engine(db, clock, config.timezone, [new RevisionTaskProjection(), planner, new MessagePlanner()]);
            metrics.observe(engine);
            return engine;
          },
          inject: [Database, Clock, Metrics],
        },
      ],
      exports: [APP_CONFIG, Clock, Database, Engine, WorkingCalendar, Metrics],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
