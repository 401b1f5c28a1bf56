// DATABASE_URL as libpq and node-postgres read it, including the forms the
// WHATWG URL parser refuses: a Unix socket (`postgresql://user@/db?host=/run/postgresql`,
// or the socket directory percent-encoded as the host). What a server logs of
// it is where it is (host or socket, port, database), never the password.
import { parse } from 'pg-connection-string';
import { StartError } from './start-error.js';

/** `DATABASE_URL`'s server and database, fit for a log line; a StartError (E_USAGE) when it is not a PostgreSQL URL. */
export function databaseLocation(databaseUrl: string): string {
  // The value itself is never repeated: it may hold a password.
  const refuse = (why: string) => new StartError(`--database-url (DATABASE_URL) ${why}, e.g. postgresql://user@db.example:5432/gatepost or postgresql://user@/gatepost?host=/run/postgresql`);
  if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) throw refuse('must be a postgresql:// URL');
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(databaseUrl);
  } catch {
    throw refuse('cannot be read as a PostgreSQL URL');
  }
  if (!parsed.database) throw refuse('names no database');
  const host = parsed.host ?? '';
  // libpq takes a host that starts with a slash as a socket directory.
  if (host.startsWith('/')) return `postgresql:///${parsed.database}?host=${host}${parsed.port ? `&port=${parsed.port}` : ''}`;
  return `postgresql://${host || 'localhost'}${parsed.port ? `:${parsed.port}` : ''}/${parsed.database}`;
}
