// Load generation for the benchmarks: autocannon in this process, a fixed
// number of connections, each request built fresh (signatures need a new nonce).
import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** mean latency, ms */
  mean: number;
  /** the slowest request, ms */
  max: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** stop after this many requests instead (autocannon ignores `seconds` then) */
  amount?: number;
  /** requests a second over all connections (default: as fast as answered) */
  rate?: number;
  method?: 'GET' | 'POST';
  path: string;
  /** body and headers for one request */
  next: () => { body: string; headers: Record<string, string> };
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    amount: opts.amount,
    overallRate: opts.rate,
    requests: [
      {
        method: opts.method ?? 'POST',
        path: opts.path,
        setupRequest: (req) => {
          const { body, headers } = opts.next();
          return { ...req, body, headers: { ...req.headers, ...headers } };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function row(name: string, r: LoadResult, baseline?: LoadResult): string {
  const ratio = baseline ? `${((r.rps / baseline.rps) * 100).toFixed(0)}%` : '—';
  return `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${String(r.errors + r.non2xx).padStart(7)} ${ratio.padStart(7)}`;
}

export const HEADER = `${'run'.padEnd(34)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'vs bare'.padStart(7)}`;
