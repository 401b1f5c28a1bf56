// Serves the operator console from the booking server at /console: the built
// files under /console/, and index.html for /console and every client route
// under it (/console/providers, /console/stations, …), with the customer
// page's caching and security headers. Like the customer page, the server
// never builds it: it serves server/console/dist (dist/server/console/dist in
// a production build), made by `npm run build` or, from the sources, by the
// `gatepost` launcher and the test setup (build/assets.ts). Without a build,
// /console answers 503 with a stable reason and the rest of the server works.
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_HEADERS, type AnyFastify } from '../web/serve.js';

/** The folder whose dist/ holds the built console. */
export const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
/** Where the console lives on the booking server; the Vite build's base. */
export const CONSOLE_PATH = '/console';
/** The log's `reason` (and the 503's `error`) when the console is not built. */
export const CONSOLE_NOT_BUILT = 'console_not_built';

export interface ConsolePageOptions {
  /** the folder holding dist/ (tests) */
  consoleDir?: string;
}

export async function consolePage(app: AnyFastify, opts: ConsolePageOptions = {}): Promise<void> {
  const dist = join(opts.consoleDir ?? CONSOLE_DIR, 'dist');
  const index = await readFile(join(dist, 'index.html'), 'utf8').catch(() => null);
  if (index === null) {
    app.log.error({ reason: CONSOLE_NOT_BUILT, dist }, 'the operator console is not built (run `npm run build`): /console answers 503, the API works');
    const notBuilt = (_req: FastifyRequest, reply: FastifyReply) =>
      reply.code(503).send({ error: CONSOLE_NOT_BUILT, message: 'The operator console is not built on this server (run `npm run build`).' });
    app.get(CONSOLE_PATH, { schema: { hide: true } }, notBuilt);
    app.get(`${CONSOLE_PATH}/*`, { schema: { hide: true } }, notBuilt);
    return;
  }

  await app.register(fastifyStatic, {
    root: dist,
    prefix: `${CONSOLE_PATH}/`,
    // One route per built file, found at start; client routes fall through to index.html below.
    wildcard: false,
    index: false,
    serveDotFiles: false,
    dotfiles: 'deny',
    // The customer page registered @fastify/static's reply.sendFile already.
    decorateReply: false,
    setHeaders: (reply, path) => {
      const immutable = path.startsWith(join(dist, 'assets'));
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (path.endsWith('.html')) reply.headers(PAGE_HEADERS);
    },
  });

  const page = (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? CONSOLE_PATH;
    // A missing file (a stale asset name) gets the server's 404, not the page.
    if (path.slice(path.lastIndexOf('/')).includes('.')) return reply.callNotFound();
    return reply.headers({ ...PAGE_HEADERS, 'cache-control': 'no-cache' }).type('text/html; charset=utf-8').send(index);
  };
  app.get(CONSOLE_PATH, { schema: { hide: true } }, page);
  app.get(`${CONSOLE_PATH}/*`, { schema: { hide: true } }, page);
}
