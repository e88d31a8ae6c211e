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
    // No HTTP listener. Deadline timers and mail queues will run here (issue 3); until then the worker
    // only holds its database connection and waits for SIGTERM, so an orchestrator sees a steady process.
    logger.log('worker role: no HTTP listener; waiting for background work (SIGTERM to stop)');
    const keepAlive = setInterval(() => undefined, 60_000);
    const stop = async () => {
      clearInterval(keepAlive);
      await app.close();
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
    return;
  }
  await app.listen({ port: config.port, host: '0.0.0.0' });
  logger.log(
    `listening on http://localhost:${config.port} (API docs: /api/docs) · database: ${config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded ${config.database.file}`} · queue: ${config.redisUrl ? 'Redis' : 'in-process'} · role: ${config.role}`,
  );
}

void main();
