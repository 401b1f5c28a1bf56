// A request that fails because the database cannot be reached or cannot
// write (PostgreSQL restarted or its connections killed, too many clients,
// a full disk; SQLite's I/O failing or its lock held past the busy timeout)
// is not a fault of the request nor a bug of ours: the client should try again
// shortly, and a booking server in front of several instances of a provider
// takes this one out for a while. It answers 503 `storage_unavailable` with
// Retry-After, and is logged as a warning without a stack, where a 500
// `internal` would page someone for every request of the outage.

/** PostgreSQL's SQLSTATE classes and codes that mean "the server is not there or cannot take this now". */
const PG_OUTAGE = /^(08...|57P0[1-3]|53...|58...)$/;
/** Socket errors a driver passes on when the database's end went away. */
const SOCKET_OUTAGE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/**
 * better-sqlite3's codes for a database file it cannot read, write or lock. Not SQLITE_LOCKED:
 * that is a conflict within the server's own connection, which the group commit's retry alone settles.
 */
const SQLITE_OUTAGE = /^SQLITE_(IOERR|FULL|BUSY|CANTOPEN|READONLY)/;
/** node-postgres says so in words only, for a connection that ends under a query or a pool that cannot connect. */
const PG_CLIENT_OUTAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** The driver's code of `err` when it is a storage outage, as `storage_unavailable` names it in the log; else undefined. */
export function storageOutage(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (PG_OUTAGE.test(code) || SOCKET_OUTAGE.has(code) || SQLITE_OUTAGE.test(code))) return code;
  if (typeof message === 'string' && PG_CLIENT_OUTAGE.test(message)) return message.split(/[:.]/)[0];
  return undefined;
}
