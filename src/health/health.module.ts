import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { DeadlinesModule } from '../deadlines/deadlines.module.js';
import { HealthController } from './health.controller.js';

/** GET /health: the database, the queue. */
@Module({
  imports: [DatabaseModule, DeadlinesModule],
  controllers: [HealthController],
})
export class HealthModule {}
