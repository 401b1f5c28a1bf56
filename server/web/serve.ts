// Serves the customer booking page from the booking server: the built files
// under /, and index.html for every client route (/, /t/:token, /tickets, …)
// so a reload or a shared link opens the right page. The API and the
// operations routes are never shadowed: an unknown /api/… path still gets
// the JSON 404. The server never builds the page: it serves the folder beside
// this module (server/web/dist from the sources, dist/server/web/dist in a
// production build), made by `npm run build` (or, from the sources, by the
// `gatepost` launcher and the test setup: build/assets.ts). A missing build is
// logged with a stable reason, and / answers 503 until there is one.
import fastifyStatic from '@fastify/static';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, FastifyTypeProvider, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder whose dist/ holds the built page. */
export const WEB_DIR = dirname(fileURLToPath(import.meta.url));

/** The log's `reason` (and the 503's `error`) when the page is not built. */
export const PAGE_NOT_BUILT = 'web_page_not_built';

export interface WebPageOptions {
  /** the folder holding dist/ (tests) */
  webDir?: string;
}

/** Any Fastify instance, whichever type provider its routes use. */
export type AnyFastify = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, FastifyTypeProvider>;

/** Paths that belong to the server, never to the page. */
const RESERVED = ['/api', '/docs', '/metrics', '/healthz'];

/** Both browser pages' headers (the console's too: server/console/serve.ts). */
export const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  // Share links carry their token in the path: never pass it on as a Referer.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

const reserved = (path: string) => RESERVED.some((p) => path === p || path.startsWith(`${p}/`));

export async function webPage(app: AnyFastify, opts: WebPageOptions = {}): Promise<void> {
  const webDir = opts.webDir ?? WEB_DIR;
  const dist = join(webDir, 'dist');
  const index = await readFile(join(dist, 'index.html'), 'utf8').catch(() => null);
  if (index === null) {
    app.log.error({ reason: PAGE_NOT_BUILT, dist }, 'the customer booking page is not built (run `npm run build`): / answers 503, the API works');
    const notBuilt = (req: FastifyRequest, reply: FastifyReply) => {
      const path = req.url.split('?')[0] ?? '/';
      if (reserved(path)) return reply.callNotFound();
      return reply.code(503).send({ error: PAGE_NOT_BUILT, message: 'The booking page is not built on this server (run `npm run build`).' });
    };
    app.get('/', { schema: { hide: true } }, notBuilt);
    app.get('/*', { schema: { hide: true } }, notBuilt);
    return;
  }

  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/',
    // One route per built file, found at start; everything else falls through to the page below.
    wildcard: false,
    index: false,
    serveDotFiles: false,
    dotfiles: 'deny',
    setHeaders: (reply, path) => {
      // Vite fingerprints what it puts in assets/: those never change under their name.
      const immutable = path.startsWith(join(dist, 'assets'));
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (path.endsWith('.html')) reply.headers(PAGE_HEADERS);
    },
  });

  const page = (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '/';
    // The server's own paths, and missing files (a stale asset name), get the server's 404, not the page.
    if (reserved(path) || path.slice(path.lastIndexOf('/')).includes('.')) return reply.callNotFound();
    return reply.headers({ ...PAGE_HEADERS, 'cache-control': 'no-cache' }).type('text/html; charset=utf-8').send(index);
  };
  app.get('/', { schema: { hide: true } }, page);
  app.get('/*', { schema: { hide: true } }, page);
}
