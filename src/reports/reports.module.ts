import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';
import { StageReportService } from './stage-report.service.js';

/** Reports: the counts and the spreadsheet exports. */
@Module({
  imports: [DatabaseModule, DeadlinePlanningModule],
  controllers: [ReportsController],
  providers: [ReportsService, StageReportService],
})
export class ReportsModule {}
