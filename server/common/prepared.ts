// Kysely builds and compiles a query's SQL on every call, which costs several
// times what SQLite needs to run it. A hot path (a verify runs three queries)
// builds each query once here, with named placeholders, and then only swaps
// parameter values. Still one query layer: the SQL is Kysely's, and runs
// through Kysely's driver on either dialect.
import type { Compilable, CompiledQuery, Kysely, QueryResult, Transaction } from 'kysely';

const MARK = '\u0000gatepost-param:';

export type Prepared<P, R> = (executor: Kysely<never> | Transaction<never>, params: P) => Promise<QueryResult<R>>;

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
    return (executor as unknown as Kysely<DB>).executeQuery<R>({ ...compiled, parameters });
  };
}
