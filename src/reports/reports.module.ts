import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { ReportsController } from './reports.controller.js';

/** Reports: the counts and the spreadsheet exports. */
@Module({
  imports: [DatabaseModule],
  controllers: [ReportsController],
})
export class ReportsModule {}
