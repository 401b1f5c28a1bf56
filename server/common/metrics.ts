// Prometheus metrics at /metrics: request counts and latency per route, plus
// whatever each server registers on `app.metrics`.
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

export const metricsPlugin = fp(async (app) => {
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
  const counter = labelled((method: string, route: string, status: string) => requests.labels(method, route, status));
  const timer = labelled((method: string, route: string) => duration.labels(method, route));
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    counter(req.method, route, String(reply.statusCode)).inc();
    timer(req.method, route).observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
});

/**
 * A metric's labelled children, each looked up once: prom-client hashes the
 * label values on every inc() or observe() otherwise, and these run on every
 * request and every scan.
 */
export function labelled<A extends string[], C>(child: (...values: A) => C): (...values: A) => C {
  const children = new Map<string, C>();
  return (...values) => {
    const key = values.join('\u0000');
    let c = children.get(key);
    if (c === undefined) children.set(key, (c = child(...values)));
    return c;
  };
}
