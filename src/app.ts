import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import fastifyMultipart from '@fastify/multipart';
import { AppModule } from './app.module.js';
import { limitAnonymousRoutes } from './auth/rate-limit.js';
import { refuseSignInPicker } from './auth/sign-in.controller.js';
import { IdentityService } from './auth/identity.service.js';
import { TokenService } from './auth/token.service.js';
import { DomainError } from './common/errors.js';
import type { Clock } from './common/clock.js';
import { requestIdFrom } from './common/request-context.js';
import { refuseHostileInput } from './common/hostile-input.js';
import { answerFrameworkError } from './common/http-exception.filter.js';
import { createValidationPipe } from './common/validation.js';
import { describeSeconds, type AppConfig } from './config/app-config.js';
import { checkDeadlineFiles } from './deadlines/deadline-planning.module.js';
import { DirectoryService } from './directory/directory.service.js';
import { registerRequestLogging } from './logging/http-logging.js';
import { createLogger, PinoLoggerService, secretsOf, type LogOptions } from './logging/logger.js';
import { registerSecurityHeaders, serveWebApp } from './web/web.js';

export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * Builds the HTTP application (not yet listening): used by `main.ts` and the end-to-end tests.
 * `logger: false` silences it (tests); log options pick the level and where the JSON lines go.
 */
export async function createApp(config: AppConfig, options: { clock?: Clock; logger?: boolean | LogOptions } = {}): Promise<NestFastifyApplication> {
  checkDeadlineFiles(config);
  const logOptions = typeof options.logger === 'object' ? options.logger : {};
  const logger = createLogger({
    level: options.logger === false ? 'silent' : (logOptions.level ?? config.logLevel),
    destination: logOptions.destination,
    secrets: [...secretsOf(config), ...(logOptions.secrets ?? [])],
  });
  const adapter = new FastifyAdapter({
    bodyLimit: JSON_BODY_LIMIT,
    routerOptions: { maxParamLength: 256 },
    // The router's own refusals (a 5,000-character id: 414) in the contract's shape, not echoing the URL.
    frameworkErrors: answerFrameworkError,
    genReqId: (req: IncomingMessage) => requestIdFrom(req.headers['x-request-id']),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, { clock: options.clock }), adapter, {
    logger: options.logger === false ? false : new PinoLoggerService(logger),
    bufferLogs: false,
    // Fastify's own JSON parser only: Nest's would add a form-urlencoded parser we do not want.
    bodyParser: false,
  });
  registerRequestLogging(app.getHttpAdapter().getInstance(), logger);
  // nosniff, no framing, referrer policy and HSTS on every response, refusals included (@fastify/helmet).
  await registerSecurityHeaders(app);
  // The API speaks JSON (and multipart for documents); a text body is refused with 415, not guessed at.
  app.getHttpAdapter().getInstance().removeContentTypeParser(['text/plain']);
  // Deep nesting, NUL characters and prototype names are refused with a 400 before any validator sees them.
  refuseHostileInput(app.getHttpAdapter().getInstance());
  // In production the sign-in picker is refused before its body is read.
  refuseSignInPicker(app.getHttpAdapter().getInstance(), config);
  // Sign-in (and /public) is limited per client address: 429 with Retry-After.
  await limitAnonymousRoutes(app, config);
  // Documents arrive as multipart/form-data; the 20 MiB limit is enforced while streaming.
  await app.register(fastifyMultipart as never, { limits: { fileSize: 20 * 1024 * 1024, files: 1, fields: 10, parts: 12 } });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('onegate')
      .setDescription('One-gate cooperation approvals (Kerja Sama Satu Pintu). Errors: `{statusCode, error, message}`; mutating calls accept `Idempotency-Key`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  if (config.production) guardApiDocs(app);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs/openapi.json' });
  await serveWebApp(app);
  await app.init();
  await prepareDirectory(app, config);
  return app;
}

/**
 * In production `/api/docs` (the Swagger UI and `openapi.json`) wants a signed-in user's bearer token,
 * as the API does: the document maps every route for whoever asks. Checked before anything is served.
 */
function guardApiDocs(app: NestFastifyApplication): void {
  app.getHttpAdapter().getInstance().addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (path !== '/api/docs' && !path.startsWith('/api/docs/') && !path.startsWith('/api/docs-')) return;
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw new DomainError('Unauthenticated', 'Authorization: /api/docs needs a bearer token in production');
    await app.get(IdentityService).actorOf(await app.get(TokenService).verify(token));
  });
}

/** Loads `ONEGATE_DIRECTORY`, or on a first embedded start creates one demo user per role and logs their tokens. */
async function prepareDirectory(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const directory = app.get(DirectoryService);
  const logger = new Logger('Directory');
  if (config.directoryFile) {
    await directory.loadFile(config.directoryFile);
    return;
  }
  // Production never creates demo users nor logs a token, whatever the configuration says.
  if (config.production || !config.demoUsers || (await directory.count()) > 0) return;
  const users = await directory.createDemoUsers();
  const tokens = app.get(TokenService);
  logger.log(`created one demo user per role; their tokens follow (valid ${describeSeconds(tokens.maxTtlSeconds)}, the AUTH_TOKEN_MAX_TTL; new ones with \`npm run onegate -- token <userId>\`)`);
  // One log line per user, the token in the message text only (never a structured field), for the newcomer to copy.
  for (const u of users) logger.log(`demo user ${u.id} (${u.roles.join(',')}): ${await tokens.sign(u, tokens.maxTtlSeconds)}`);
}
