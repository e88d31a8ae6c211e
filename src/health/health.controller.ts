import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../core/tokens.js';
import { Database } from '../database/database.js';
import { pingRedis } from './redis-ping.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const dbOk = await this.db.ping();
    const database = { kind: this.db.dialect === 'postgres' ? 'postgres' : 'sqlite', status: dbOk ? 'ok' : 'down' };
    const redisOk = this.config.redisUrl ? await pingRedis(this.config.redisUrl) : true;
    const queue = { kind: this.config.redisUrl ? 'redis' : 'in-process', status: redisOk ? 'ok' : 'down' };
    const ok = dbOk && redisOk;
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'down', database, queue, role: this.config.role };
  }
}
