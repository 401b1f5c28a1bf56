// Which driver errors count as the database being out (a 503 the client may
// retry, and no one-by-one retry of a group commit's batch) and which are a
// request's or the server's own fault (a 500, or a unit the retry isolates).
// The errors as node-postgres and better-sqlite3 raise them; the real outages
// are in server/provider/storage-outage.test.ts.
import { describe, expect, it } from 'vitest';
import { storageOutage } from './storage-outage.js';

/** An error as either driver raises it: a message and a code. */
const driverError = (code: string) => Object.assign(new Error('driver'), { code });

describe('storageOutage', () => {
  it.each([
    ['PostgreSQL terminating the connection', driverError('57P01'), '57P01'],
    ['PostgreSQL starting up', driverError('57P03'), '57P03'],
    ['a connection failure', driverError('08006'), '08006'],
    ['too many clients', driverError('53300'), '53300'],
    ['a full disk', driverError('53100'), '53100'],
    ['a refused socket', driverError('ECONNREFUSED'), 'ECONNREFUSED'],
    ['a connection ended under a query', new Error('Connection terminated unexpectedly'), 'Connection terminated unexpectedly'],
    ['a pool that cannot connect', new Error('timeout exceeded when trying to connect'), 'timeout exceeded when trying to connect'],
    ['SQLite locked by another process', driverError('SQLITE_BUSY'), 'SQLITE_BUSY'],
    ['SQLite failing to write', driverError('SQLITE_IOERR_WRITE'), 'SQLITE_IOERR_WRITE'],
    ['SQLite on a full disk', driverError('SQLITE_FULL'), 'SQLITE_FULL'],
  ])('%s is an outage', (_, err, named) => {
    expect(storageOutage(err)).toBe(named);
  });

  it.each([
    ['a unique violation', driverError('23505')],
    ['a deadlock between two batches', driverError('40P01')],
    ['an integer out of range', driverError('22003')],
    ['a NUL in text', driverError('22021')],
    ['SQLite table locked within the server’s own connection', driverError('SQLITE_LOCKED')],
    ['a SQLite constraint', driverError('SQLITE_CONSTRAINT_PRIMARYKEY')],
    ['a bug', new TypeError('x is undefined')],
    ['not an error at all', 'boom'],
  ])('%s is not', (_, err) => {
    expect(storageOutage(err)).toBeUndefined();
  });
});
