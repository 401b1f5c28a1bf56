// Request metrics are applied to prom-client in bulk (metrics.ts MetricBuffer),
// but a scrape never lags: every request answered before it is counted in it.
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from './app.js';
import { MetricBuffer } from './metrics.js';

describe('request metrics', () => {
  let app: App;
  let url: string;
  beforeAll(async () => {
    app = await createApp({ name: 'metrics-test', description: 'metrics test', logger: false });
    app.post('/echo', async (req) => ({ got: req.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(() => app.close());

  const count = (text: string, status: string) => {
    const m = new RegExp(`gatepost_http_requests_total\\{method="POST",route="/echo",status="${status}"\\} (\\d+)`).exec(text);
    return m ? Number(m[1]) : 0;
  };

  it('counts every answered request in the very next scrape, by status', async () => {
    const post = (body: string) => fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (let i = 0; i < 7; i++) expect((await post('{"n":1}')).status).toBe(200);
    expect((await post('{nope')).status).toBe(400);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(count(text, '200')).toBe(7);
    expect(count(text, '400')).toBe(1);
    expect(text).toMatch(/gatepost_http_request_duration_seconds_count\{method="POST",route="\/echo"\} 8/);
  });
});

describe('MetricBuffer', () => {
  it('applies the rest of a batch when prom-client refuses one value', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'test_total', help: 'test', registers: [registry] });
    const buffer = new MetricBuffer();
    buffer.inc(counter, 2);
    buffer.inc(counter, -1); // prom-client refuses a counter going down
    buffer.inc(counter, 3);
    expect(() => buffer.apply()).not.toThrow();
    expect((await counter.get()).values[0]!.value).toBe(5);
  });
});
