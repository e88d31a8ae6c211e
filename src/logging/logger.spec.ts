import { Writable } from 'node:stream';
import { runInContext } from '../common/request-context.js';
import { createLogger, PinoLoggerService, scrubSecrets, secretsOf } from './logger.js';
import type { AppConfig } from '../config/app-config.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw += chunk.toString();
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination, raw: () => raw };
}

describe('scrubSecrets', () => {
  it('hides bearer tokens, URL passwords and the given secrets, and leaves other text alone', () => {
    expect(scrubSecrets('authorization: Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl')).toBe('authorization: Bearer [REDACTED]');
    expect(scrubSecrets('connect smtps://mailer:p%40ss@mail.jambikota.go.id:465 failed')).toBe('connect smtps://mailer:[REDACTED]@mail.jambikota.go.id:465 failed');
    expect(scrubSecrets('db postgres://onegate:hunter22@db:5432/onegate')).toBe('db postgres://onegate:[REDACTED]@db:5432/onegate');
    expect(scrubSecrets('the secret is s3cr3t-value!', ['s3cr3t-value'])).toBe('the secret is [REDACTED]!');
    expect(scrubSecrets('case KS-2026-0001 moved to legal_review at http://localhost:3000/api')).toBe('case KS-2026-0001 moved to legal_review at http://localhost:3000/api');
  });

  it('collects the secrets of a configuration', () => {
    const config = { jwtSecret: 'jwt-secret-value', metricsToken: null, smtpUrl: 'smtps://u:smtp%21pass@m:465', database: { kind: 'postgres', url: 'postgres://u:dbpass@h/db' }, redisUrl: 'redis://:redispass@r:6379' } as unknown as AppConfig;
    expect(secretsOf(config).sort()).toEqual(['dbpass', 'jwt-secret-value', 'redispass', 'smtp!pass']);
  });
});

describe('PinoLoggerService', () => {
  it("writes Nest's log calls as JSON lines with level, time, msg, context and the current request id", () => {
    const out = capture();
    const logger = new PinoLoggerService(createLogger({ destination: out.destination, level: 'debug', secrets: ['jwt-secret-value'] }));
    runInContext({ requestId: 'req-1' }, () => logger.log('case opened', 'Cases'));
    logger.error('boom', 'Error: boom\n    at x (y.ts:1:1)', 'HTTP');
    logger.warn({ token: 'tok-123', caseId: 'c1' }, 'Mail');
    logger.log('modules loaded', 'InstanceLoader');
    logger.debug('signed with jwt-secret-value', 'Auth');
    expect(out.lines[0]).toMatchObject({ level: 'info', msg: 'case opened', context: 'Cases', requestId: 'req-1', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(out.lines[1]).toMatchObject({ level: 'error', msg: 'boom', context: 'HTTP', stack: expect.stringContaining('at x') });
    expect(out.lines[1]).not.toHaveProperty('requestId');
    expect(out.lines[2]).toMatchObject({ level: 'warn', context: 'Mail', token: '[REDACTED]', caseId: 'c1' });
    // Nest's start-up chatter is demoted to debug.
    expect(out.lines[3]).toMatchObject({ level: 'debug', context: 'InstanceLoader' });
    expect(out.lines[4]).toMatchObject({ msg: 'signed with [REDACTED]' });
    expect(out.raw()).not.toContain('tok-123');
    expect(out.raw()).not.toContain('jwt-secret-value');
  });

  it('writes nothing below its level', () => {
    const out = capture();
    const logger = new PinoLoggerService(createLogger({ destination: out.destination, level: 'warn' }));
    logger.log('quiet', 'X');
    logger.warn('loud', 'X');
    expect(out.lines.map((l) => l.msg)).toEqual(['loud']);
  });
});
