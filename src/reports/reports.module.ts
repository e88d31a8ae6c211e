import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';
import { StageReportService } from './stage-report.service.js';
import { SemesterReportService } from './semester-report.service.js';
import { SemesterSentService } from './semester-sent.service.js';
import { CaseSemesterSource, SemesterAgreementSource } from './semester-source.js';

/** Reports: the counts and the spreadsheet exports. */
@Module({
  imports: [DatabaseModule, DeadlinePlanningModule],
  controllers: [ReportsController],
  providers: [
    ReportsService,
    StageReportService,
    SemesterSentService,
    SemesterReportService,
    // The signed cases until the register of agreements is there to read.
    { provide: SemesterAgreementSource, useClass: CaseSemesterSource },
  ],
})
export class ReportsModule {}
