import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/** Reports: the counts and the spreadsheet exports. */
@Module({
  imports: [DatabaseModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
