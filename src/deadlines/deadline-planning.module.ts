import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DeadlinePlanner } from './deadline-planner.js';
import { SlaTables, loadHolidays, loadSlaTables } from './sla-config.js';
import { WorkingCalendar } from './working-calendar.js';
import { WORKFLOWS } from '../../workflows/registry.js';
import { withMonevDue } from '../evaluations/monev-sla.js';

/**
 * The working calendar and the deadline planner (the engine's projection that opens timers), from
 * ONEGATE_TIMEZONE, ONEGATE_HOLIDAYS and ONEGATE_SLA, read and validated at boot: a bad file stops the
 * start. Apart from DeadlinesModule, which needs the engine, so that the engine can use the planner.
 *
 * Also:
 * Reads and checks ONEGATE_SLA and ONEGATE_HOLIDAYS, throwing their ConfigError: `createApp` calls it
 * before Nest builds anything, so a bad file stops the start before a database or Redis connection opens
 * (a provider's error would leave them open, and Nest would exit the process rather than throw).
 */
export function checkDeadlineFiles(config: AppConfig): void {
  loadSlaTables(config.slaFile, withMonevDue(WORKFLOWS, config.monev));
  loadHolidays(config.holidaysFile);
}

@Module({
  providers: [
    {
      provide: WorkingCalendar,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new WorkingCalendar({ timeZone: config.timezone, extraHolidays: loadHolidays(config.holidaysFile) }),
    },
    {
      provide: DeadlinePlanner,
      inject: [AppConfig, WorkingCalendar],
      useFactory: (config: AppConfig, calendar: WorkingCalendar) => {
        // Each workflow version's own SLA table, with the file's overrides (sla-config.ts).
        return new DeadlinePlanner({ sla: loadSlaTables(config.slaFile, withMonevDue(WORKFLOWS, config.monev)), calendar, timeZone: config.timezone });
      },
    },
    // The same tables for readers of deadlines after the fact (the stage report's share within SLA).
    { provide: SlaTables, inject: [AppConfig], useFactory: (config: AppConfig) => loadSlaTables(config.slaFile, withMonevDue(WORKFLOWS, config.monev)) },
  ],
  exports: [WorkingCalendar, DeadlinePlanner, SlaTables],
})
export class DeadlinePlanningModule {}
