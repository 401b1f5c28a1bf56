// serve.ts without a build: /console answers 503 with a stable reason and
// logs why, while the API and the customer page's routes stay as they are.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../common/app.js';
import { CONSOLE_NOT_BUILT, consolePage } from './serve.js';

describe('consolePage without a build', () => {
  let app: App;
  let dir: string;
  const logged: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatepost-console-serve-'));
    app = await createApp({ name: 'console-test', description: 'serve.ts test', logger: { level: 'info', stream: { write: (l: string) => logged.push(l) } } });
    app.get('/api/v1/admin/providers', async () => ({ providers: [] }));
    await consolePage(app, { consoleDir: dir });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 console_not_built at /console and its routes, and says so in the log', async () => {
    for (const url of ['/console', '/console/', '/console/stations']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(503);
      expect(res.json()).toMatchObject({ error: CONSOLE_NOT_BUILT });
    }
    expect(logged.join('\n')).toContain(CONSOLE_NOT_BUILT);
    expect((await app.inject({ method: 'GET', url: '/api/v1/admin/providers' })).json()).toEqual({ providers: [] });
  });
});
