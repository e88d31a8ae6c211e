import { QueryFailedError } from 'typeorm';
import { DomainError } from './errors.js';
import { MAX_ERROR_BODY_BYTES, capErrorBody, toErrorBody } from './http-exception.filter.js';

/** What pg, Node and TypeORM throw while PostgreSQL restarts (seen by the fault suite's restart test). */
describe('toErrorBody for a database that went away', () => {
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['socket reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['shutting down (57P03)', pgError('57P03', 'the database system is shutting down')],
    ['terminated by the administrator (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['wrapped by TypeORM', new QueryFailedError('SELECT 1', [], pgError('57P01', 'terminating connection due to administrator command'))],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
    ['a saturated pool (no connection within the wait)', new Error('timeout exceeded when trying to connect')],
    ['lock_timeout (55P03)', new QueryFailedError('UPDATE', [], pgError('55P03', 'canceling statement due to lock timeout'))],
    ['statement_timeout (57014)', new QueryFailedError('UPDATE', [], pgError('57014', 'canceling statement due to statement timeout'))],
    ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
    ['SQLite busy past its busy_timeout', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
    ['query runner released mid-transaction', Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), { name: 'QueryRunnerAlreadyReleasedError' })],
  ])('%s is a 503', (_name, err) => {
    expect(toErrorBody(err)).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
  });

  it('keeps other failures a 500, including query errors that are not about the connection', () => {
    expect(toErrorBody(new Error('boom')).statusCode).toBe(500);
    expect(toErrorBody(new QueryFailedError('SELECT', [], pgError('42P01', 'relation "x" does not exist'))).statusCode).toBe(500);
  });
});

describe('toErrorBody for contention', () => {
  it('answers a step that lost its race every time with 409, naming the case', () => {
    const err = new DomainError('ConcurrentWriteWon', 'case KS-2026-0001 (c-1): a concurrent write to the same case won 8 times in a row; retry', { caseId: 'c-1' });
    expect(toErrorBody(err)).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'ConcurrentWriteWon', caseId: 'c-1' });
  });
});

describe('capErrorBody: at most 16 KiB, the contract shape kept', () => {
  const size = (b: unknown) => Buffer.byteLength(JSON.stringify(b));

  it('leaves a small body as it is', () => {
    const body = { statusCode: 400, error: 'Bad Request', message: 'title: required', code: 'ValidationFailed', field: 'title' };
    expect(capErrorBody(body)).toBe(body);
  });

  it.each([
    ['a message quoting a 1 MiB field name', 'x'.repeat(1024 * 1024)],
    ['a message of characters JSON escapes (6 bytes each)', '\u0001'.repeat(100_000)],
    ['a message of lone surrogates', '\ud800'.repeat(50_000)],
    ['a message of 4-byte characters', '😀'.repeat(50_000)],
  ])('cuts %s', (_name, long) => {
    const err = new DomainError('ValidationFailed', `${long}: unknown field, not allowed`, { field: long, fields: Array.from({ length: 5_000 }, (_, i) => ({ field: `${long.slice(0, 300)}${i}`, message: 'unknown field, not allowed' })) });
    const capped = capErrorBody(toErrorBody(err));
    expect(size(capped)).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES);
    expect(capped).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'ValidationFailed', message: expect.stringMatching(/more characters\)$/) });
    expect((capped.fields as unknown[]).length).toBeGreaterThan(0);
    expect(capped.fieldsOmitted).toBe(5_000 - (capped.fields as unknown[]).length);
    // Still JSON that parses back to the same thing.
    expect(JSON.parse(JSON.stringify(capped))).toEqual(capped);
  });

  it('keeps small details (allowed events) and drops one too large to fit', () => {
    const err = new DomainError('InvalidTransition', 'x'.repeat(20_000), { allowedEvents: ['WITHDRAW'], huge: 'y'.repeat(20_000) });
    const capped = capErrorBody(toErrorBody(err));
    expect(size(capped)).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES);
    expect(capped.allowedEvents).toEqual(['WITHDRAW']);
    expect(capped.huge).toBeUndefined();
    expect(capped.message.length).toBeGreaterThan(8_000);
  });
});
