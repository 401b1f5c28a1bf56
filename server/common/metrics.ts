// Prometheus metrics at /metrics: request counts and latency per route, plus
// whatever each server registers on `app.metrics`. What is counted on every
// request or scan goes through `app.metricsBuffer` (below).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
    metricsBuffer: MetricBuffer;
  }
}

type CounterChild = { inc(by?: number): void };
type HistogramChild = { observe(value: number): void };

/** How long an observation may wait before it is applied, at most (a scrape applies everything first). */
const APPLY_EVERY_MS = 1000;
const APPLY_AT = 10_000;

/**
 * Counts and observations made on hot paths, applied to prom-client in bulk:
 * every second, before every scrape, and whenever 10,000 are waiting. Applied
 * one by one between a request's other work, prom-client's label hashing and
 * bucket search ran cold in the CPU caches every time: the booking server's
 * three per scan cost more than its HMAC. In a loop they cost a tenth of that.
 */
export class MetricBuffer {
  private targets: (CounterChild | HistogramChild)[] = [];
  private values: number[] = [];

  inc(counter: CounterChild, by = 1): void {
    this.push(counter, by);
  }

  observe(histogram: HistogramChild, value: number): void {
    this.push(histogram, value);
  }

  /** A labelled counter's hot-path form: one call per count, its children looked up once. */
  counter(metric: { labels(...values: string[]): CounterChild }): (...labels: string[]) => void {
    const child = labelled(metric);
    return (...labels) => this.push(child(labels), 1);
  }

  /** A labelled histogram's hot-path form: one call per observation, its children looked up once. */
  histogram(metric: { labels(...values: string[]): HistogramChild }): (value: number, ...labels: string[]) => void {
    const child = labelled(metric);
    return (value, ...labels) => this.push(child(labels), value);
  }

  apply(): void {
    const { targets, values } = this;
    this.targets = [];
    this.values = [];
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      // This runs from a timer: a value prom-client refuses must not take the server down.
      try {
        if ('observe' in t) t.observe(values[i]!);
        else t.inc(values[i]!);
      } catch {
        // dropped: one observation, not the rest of the batch
      }
    }
  }

  private push(target: CounterChild | HistogramChild, value: number): void {
    this.targets.push(target);
    this.values.push(value);
    if (this.targets.length >= APPLY_AT) this.apply();
  }
}

export const metricsPlugin = fp<{ route?: boolean }>(async (app, opts) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'gatepost_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gatepost_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.decorate('metrics', registry);
  const buffer = new MetricBuffer();
  app.decorate('metricsBuffer', buffer);
  const applying = setInterval(() => buffer.apply(), APPLY_EVERY_MS).unref();
  app.addHook('onClose', async () => clearInterval(applying));
  const countRequest = buffer.counter(requests);
  const timeRequest = buffer.histogram(duration);
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    countRequest(req.method, route, String(reply.statusCode));
    timeRequest(reply.elapsedTime / 1000, req.method, route);
    done();
  });
  if (opts.route === false) return;
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    buffer.apply();
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
});

/**
 * The app's metrics at GET /metrics on their own port, on loopback only and
 * without auth: for a scraper on the same host, while the main port stays
 * closed to it. Closes with the app, so call it before the app listens.
 * Answers the URL.
 */
export async function serveMetrics(app: FastifyInstance, port: number): Promise<string> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found","message":"only GET /metrics here"}');
      return;
    }
    app.metricsBuffer.apply();
    app.metrics.metrics().then(
      (text) => res.writeHead(200, { 'content-type': app.metrics.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal","message":"internal error"}'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  app.addHook('onClose', () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

/**
 * A metric's labelled children, each looked up once: prom-client hashes the
 * label values on every inc() or observe() otherwise.
 */
function labelled<C>(metric: { labels(...values: string[]): C }): (values: string[]) => C {
  const children = new Map<string, C>();
  return (values) => {
    const key = values.join('\u0000');
    let c = children.get(key);
    if (c === undefined) children.set(key, (c = metric.labels(...values)));
    return c;
  };
}

/** A histogram of how many things went together in one batch (group commits, admission statements, nonce claims). */
export function batchSizeHistogram(registry: Registry, name: string, help: string): Histogram {
  return new Histogram({ name, help, buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [registry] });
}
