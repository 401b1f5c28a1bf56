// Kysely builds and compiles a query's SQL on every call, which costs several
// times what SQLite needs to run it. A hot path (a verify runs three queries)
// builds each query once here, with named placeholders, and then only swaps
// parameter values. Still one query layer: the SQL is Kysely's, and runs
// through Kysely's driver on either dialect — or, on SQLite, inside a
// transaction opened through Kysely, straight on that same connection's cached
// statement (OpenedDatabase.sync): Kysely's executor adds several promise hops
// per query, about 8 µs of a verify's 35 µs of SQL (measured in-process).
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

const MARK = '\u0000gatepost-param:';

/** A SQLite connection used synchronously, inside a transaction Kysely opened on it (db.ts). */
export interface SqliteExecutor {
  readonly statement: (sql: string) => { reader: boolean; all(params: unknown[]): unknown[]; run(params: unknown[]): { changes: number } };
}

/** A Kysely instance or transaction over any schema, or a SQLite connection inside a transaction. */
export type Executor = Pick<Kysely<never>, 'executeQuery'> | SqliteExecutor;

/** Where a unit of work inside a transaction runs its prepared statements: the SQLite connection directly, else the transaction. */
export function inTransaction(sync: SqliteExecutor | undefined, trx: Executor): Executor {
  return sync ?? trx;
}

export type Prepared<P, R> = (executor: Executor, params: P) => Promise<QueryResult<R>>;

/**
 * `build` receives stand-ins for the parameters (typed as the real values) and
 * returns the query. Every stand-in must be used as a bound value.
 */
export function prepare<DB, P extends object, R>(db: Kysely<DB>, build: (p: P) => Compilable<R>): Prepared<P, R> {
  const stand = new Proxy({} as P, { get: (_t, name) => `${MARK}${String(name)}` });
  const compiled: CompiledQuery<R> = build(stand).compile();
  const slots = compiled.parameters.map((v) => (typeof v === 'string' && v.startsWith(MARK) ? v.slice(MARK.length) : null));
  const fixed = compiled.parameters;
  return (executor, params) => {
    const parameters = slots.map((name, i) => (name === null ? fixed[i] : (params as Record<string, unknown>)[name]));
    if ('statement' in executor) {
      const stmt = executor.statement(compiled.sql);
      if (stmt.reader) return Promise.resolve({ rows: stmt.all(parameters) as R[] });
      return Promise.resolve({ rows: [], numAffectedRows: BigInt(stmt.run(parameters).changes) });
    }
    return executor.executeQuery<R>({ ...compiled, parameters });
  };
}
