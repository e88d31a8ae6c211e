import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from './app.js';
import { ConfigError, NOT_YET_BUILT, loadConfig, type AppConfig } from './config/app-config.js';
import { serveMetrics } from './metrics/metrics-server.js';
import { MetricsService } from './metrics/metrics.service.js';

async function main(): Promise<void> {
  let config: AppConfig;
  let app: NestFastifyApplication;
  try {
    config = loadConfig();
    app = await createApp(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`onegate: configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = new Logger('onegate');
  for (const name of config.notYetBuilt ?? []) logger.warn(`${name} is set but has no effect in this version: ${NOT_YET_BUILT[name]}`);
  const where = `database: ${config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded ${config.database.file}`} · queue: ${config.redisUrl ? 'Redis (BullMQ)' : 'in-process'} · mail: ${config.smtpUrl ? 'SMTP' : `.eml files in ${config.dataDir}/mail`} · role: ${config.role}`;
  if (config.role === 'worker') {
    // No API: this process runs the BullMQ workers and reconciliation (DeadlinesService), and answers GET /metrics.
    const metrics = await serveMetrics(app.get(MetricsService), config.port);
    logger.log(`worker started · ${where} · metrics on http://localhost:${metrics.port}/metrics (SIGTERM stops it after active jobs finish)`);
    const stop = async () => {
      metrics.server.close();
      await app.close();
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
    return;
  }
  if (config.role === 'api' && config.redisUrl) logger.log('api role: timers and mail are processed by worker processes (ONEGATE_ROLE=worker)');
  await app.listen({ port: config.port, host: '0.0.0.0' });
  logger.log(`listening on http://localhost:${config.port} (API docs: /api/docs) · ${where}`);
}

void main();
