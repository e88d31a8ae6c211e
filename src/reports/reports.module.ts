import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { DeadlinePlanningModule } from '../deadlines/deadline-planning.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';
import { StageReportService } from './stage-report.service.js';
import { SemesterReportService } from './semester-report.service.js';
import { SemesterSentService } from './semester-sent.service.js';
import { RegisterSemesterSource, SemesterAgreementSource } from './semester-source.js';

/** Reports: the counts and the spreadsheet exports. */
@Module({
  imports: [DatabaseModule, DeadlinePlanningModule, AgreementsModule],
  controllers: [ReportsController],
  providers: [
    ReportsService,
    StageReportService,
    SemesterSentService,
    SemesterReportService,
    { provide: SemesterAgreementSource, useClass: RegisterSemesterSource },
  ],
})
export class ReportsModule {}
