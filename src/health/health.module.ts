import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DeadlinesModule } from '../deadlines/deadlines.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

/** GET /health: the database, the queue. */
@Module({
  imports: [DatabaseModule, DeadlinesModule],
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
