// Serves the customer booking page from the booking server: the built files
// under /, and index.html for every client route (/, /t/:token, /tickets, …)
// so a reload or a shared link opens the right page. The API and the
// operations routes are never shadowed: an unknown /api/… path still gets
// the JSON 404. The page is built with Vite on first start, or when its
// sources changed since the last build.
import fastifyStatic from '@fastify/static';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, FastifyTypeProvider, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBuilt, WEB_DIR } from './build.js';

export interface WebPageOptions {
  /** build the page when dist/ is missing or stale (default true); false serves whatever dist/ holds */
  build?: boolean;
  /** the folder holding index.html, src/ and dist/ (tests) */
  webDir?: string;
}

/** Any Fastify instance, whichever type provider its routes use. */
type AnyFastify = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, FastifyTypeProvider>;

/** Paths that belong to the server, never to the page. */
const RESERVED = ['/api', '/docs', '/metrics', '/healthz'];

const PAGE_HEADERS: Record<string, string> = {
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
  if (opts.build !== false) {
    try {
      await ensureBuilt({ info: (m) => app.log.info(m), warn: (m) => app.log.warn(m) }, webDir);
    } catch (err) {
      app.log.error({ err: (err as Error).message }, 'the customer booking page could not be built: serving whatever dist/ holds');
    }
  }
  const index = await readFile(join(dist, 'index.html'), 'utf8').catch(() => null);
  if (index === null) {
    app.log.error({ dist }, 'the customer booking page is not built: / answers 503 until it is');
    app.get('/', { schema: { hide: true } }, (_req, reply) => reply.code(503).type('text/plain; charset=utf-8').send('The booking page is not built yet.'));
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
