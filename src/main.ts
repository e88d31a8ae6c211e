import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`onegate: configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const app = await createApp(config);
  const logger = new Logger('onegate');
  if (config.role === 'worker') {
    logger.log('worker role: no HTTP listener; background work runs here (deadlines arrive with the next release)');
    return;
  }
  await app.listen({ port: config.port, host: '0.0.0.0' });
  logger.log(
    `listening on http://localhost:${config.port} (API docs: /api/docs) · database: ${config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded ${config.database.file}`} · queue: ${config.redisUrl ? 'Redis' : 'in-process'} · role: ${config.role}`,
  );
}

void main();
