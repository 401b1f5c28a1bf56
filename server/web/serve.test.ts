// serve.ts on a Fastify app like the booking server's: the page at / and at
// every client route, the built files with the right caching, and the API's
// own 404s left alone; a server without the build says so. Also the dev build
// helper (build/assets.ts): skipped while dist/ matches the sources.
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../common/app.js';
import { customerPage, ensureBundle, isFresh } from '../../build/assets.js';
import { PAGE_NOT_BUILT, WEB_DIR, webPage } from './serve.js';

describe('webPage', () => {
  let app: App;
  const logged: string[] = [];

  beforeAll(async () => {
    await ensureBundle(customerPage(), { info: () => undefined, warn: () => undefined });
    app = await createApp({ name: 'web-test', description: 'serve.ts test', logger: { level: 'info', stream: { write: (l: string) => logged.push(l) } } });
    app.get('/api/v1/shows', async () => ({ shows: [], unavailable: [] }));
    await webPage(app);
    await app.ready();
  }, 120_000);
  afterAll(() => app?.close());

  it('builds nothing when dist/ is a build of the current sources', async () => {
    expect(await isFresh(customerPage())).toBe(true);
    expect(await ensureBundle(customerPage(), { info: (m) => logged.push(m), warn: () => undefined })).toBe(false);
    expect(logged.join('\n')).not.toContain('building the customer booking page');
  });

  it('answers index.html at / and at client routes, with security headers', async () => {
    const index = await readFile(join(WEB_DIR, 'dist', 'index.html'), 'utf8');
    for (const url of ['/', '/t/abcDEF123_-xyz', '/tickets', '/orders/o_123', '/shows/p_1/demo-1?seats=A1,A2', '/signin?next=%2Ftickets']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toBe(index);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('serves the built assets, fingerprinted ones as immutable', async () => {
    const index = await readFile(join(WEB_DIR, 'dist', 'index.html'), 'utf8');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
    expect(script).toBeDefined();
    const res = await app.inject({ method: 'GET', url: script! });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('never shadows the API or the operations routes', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/shows' })).json()).toEqual({ shows: [], unavailable: [] });
    for (const url of ['/api/v1/nope', '/api', '/api/v1/tickets/t_1/nope.png']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found' });
    }
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).headers['content-type']).toMatch(/^text\/plain/);
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(docs.json()).toHaveProperty('openapi');
    expect((await app.inject({ method: 'POST', url: '/tickets', payload: {} })).statusCode).toBe(404);
  });

  it('answers 404, not the page, for a missing file', async () => {
    for (const url of ['/assets/index-missing.js', '/.source-hash', '/robots.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/json/);
    }
  });
});

describe('a server without the built page', () => {
  it('keeps its API, logs a stable reason and answers 503 at the page', async () => {
    const lines: string[] = [];
    const app = await createApp({ name: 'web-test', description: 'no build', logger: { level: 'info', stream: { write: (l: string) => lines.push(l) } } });
    app.get('/api/v1/shows', async () => ({ shows: [], unavailable: [] }));
    try {
      await webPage(app, { webDir: join(WEB_DIR, 'nowhere') });
      await app.ready();
      for (const url of ['/', '/tickets']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(503);
        expect(res.json()).toMatchObject({ error: PAGE_NOT_BUILT });
      }
      expect((await app.inject({ method: 'GET', url: '/api/v1/shows' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/v1/nope' })).statusCode).toBe(404);
      expect(lines.map((l) => JSON.parse(l) as { reason?: string }).some((l) => l.reason === PAGE_NOT_BUILT)).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('ensureBundle (build/assets.ts)', () => {
  it('builds a missing page once, even when two servers start together, and notices a changed source', async () => {
    // A copy of the sources beside server/web (so node_modules and server/ui-kit resolve), named like a build folder (gitignored).
    const dir = join(WEB_DIR, '..', `.build-test-web-${process.pid}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    try {
      for (const part of ['index.html', 'src', 'public']) await cp(join(WEB_DIR, part), join(dir, part), { recursive: true });
      const lines: string[] = [];
      const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`warn: ${m}`) };
      const bundle = customerPage(dir);
      const built = await Promise.all([ensureBundle(bundle, log), ensureBundle(bundle, log)]);
      expect(built.sort()).toEqual([false, true]);
      expect(lines[0]).toBe('building the customer booking page with Vite (first start or changed sources)…');
      expect(lines.filter((l) => l.startsWith('building'))).toHaveLength(1);
      expect(await readFile(join(dir, 'dist', 'index.html'), 'utf8')).toContain('<div id="root">');
      expect(await isFresh(bundle)).toBe(true);
      expect(await readdir(dir)).not.toContain('.build.lock');

      await writeFile(join(dir, 'src', 'i18n', 'en.ts'), (await readFile(join(dir, 'src', 'i18n', 'en.ts'), 'utf8')).replace('Gatepost Cinemas', 'Gatepost Pictures'));
      expect(await isFresh(bundle)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
