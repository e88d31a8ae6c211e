import { QueryFailedError } from 'typeorm';
import { DomainError } from './errors.js';
import { toErrorBody } from './http-exception.filter.js';

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
