// The Fastify instance every Gatepost server starts from: JSON bodies kept raw
// (a provider signs over the exact bytes), zod schemas for validation and for
// the OpenAPI document, one error shape `{error, message}`, metrics, health.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, validatorCompiler, type FastifyPluginAsyncZod, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from './errors.js';
import { metricsPlugin } from './metrics.js';
import { nulCharacterAt } from './nul-text.js';
import { storageOutage } from './storage-outage.js';
import { loggerOptions } from './logger.js';
import { BODY_LIMIT } from '../../protocol/limits.js';

export { BODY_LIMIT };

/**
 * The API docs page's Content-Security-Policy: its own scripts, styles and
 * images only, talking to this server only, never framed. Swagger UI needs no
 * inline script; the images it draws inline are data: URLs. The one inline
 * style is the <style> of its top bar's SVG logo, allowed by its hash (a
 * Swagger UI upgrade that changes it fails the /docs browser test).
 */
const DOCS_CSP = {
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='",
  'img-src': "'self' data:",
  'font-src': "'self' data:",
  'connect-src': "'self'",
  'base-uri': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
};

declare module 'fastify' {
  interface FastifyRequest {
    /** the request body exactly as received, for signatures */
    rawBody?: string;
  }
}

export interface AppOptions {
  name: string;
  version?: string;
  description: string;
  /** runs before the body is parsed as JSON, e.g. to check a signature over the raw bytes */
  authenticate?: (req: FastifyRequest) => void | Promise<void>;
  healthCheck?: () => Promise<void>;
  logger?: FastifyServerOptions['logger'];
  /** reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For gives `req.ip`; no one's by default */
  trustProxy?: string[];
  /** false: no /metrics route on this app (served elsewhere, see serveMetrics) */
  metricsRoute?: boolean;
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/**
 * A group of routes registered with `app.register(plugin, options)`: an
 * encapsulated context that gets only the services in its options, and
 * inherits the root's validator, error handler and hooks (so those are set up
 * before any plugin is registered).
 */
export type AppPlugin<Options extends object> = FastifyPluginAsyncZod<Options>;

export async function createApp(opts: AppOptions): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(opts.name),
    bodyLimit: BODY_LIMIT,
    // Per-request lines would drown the log at gate rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: true,
    // Only the listed proxies are believed: anyone else could write X-Forwarded-For themselves.
    trustProxy: opts.trustProxy && opts.trustProxy.length > 0 ? opts.trustProxy : false,
    // What the router refuses before any route or hook runs, in the one error shape too.
    frameworkErrors: (err, _req, reply) => {
      const answer = reply as FastifyReply;
      if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') void answer.code(414).send({ error: 'uri_too_long', message: 'a path segment of this request is longer than any identifier here' });
      else void answer.code(400).send({ error: 'bad_request', message: 'the request path is not a valid URL path' });
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by our own code from typed values: plain JSON.stringify
  // keeps the hot paths fast; the schemas still document them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // JSON only: any other body is refused with 415 before it reaches a route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    req.rawBody = body as string;
    done(null, body);
  });

  // One hook, not async unless the check is, and no closure made per call: it runs on every request.
  const authenticate = opts.authenticate;
  app.addHook('preValidation', (req, _reply, done) => {
    if (!authenticate) return parseBody(req, done);
    let checked;
    try {
      checked = authenticate(req);
    } catch (err) {
      return done(err as Error);
    }
    if (checked instanceof Promise) checked.then(() => parseBody(req, done), (err: Error) => done(err));
    else parseBody(req, done);
  });

  app.setErrorHandler((err: unknown, req, reply) => {
    const e = err as { statusCode?: number; code?: string; message?: string; validation?: unknown };
    if (err instanceof HttpError) {
      if (err.headers) reply.headers(err.headers);
      return reply.code(err.statusCode).send({ error: err.reason, message: err.message });
    }
    if (e.validation) return reply.code(400).send({ error: 'bad_request', message: validationMessage(err) });
    switch (e.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send({ error: 'body_too_large', message: `the request body is over ${BODY_LIMIT} bytes` });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send({ error: 'unsupported_media_type', message: 'send the body as application/json' });
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.code(400).send({ error: 'invalid_json', message: 'the request body is not valid JSON' });
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(e.statusCode).send({ error: 'bad_request', message: e.message ?? 'bad request' });
    }
    const outage = storageOutage(err);
    if (outage) {
      req.log.warn({ storage: outage }, 'request failed: the database is unavailable');
      return reply.code(503).header('retry-after', '1').send({ error: 'storage_unavailable', message: 'the database is unavailable: try again shortly' });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  await app.register(swagger, {
    openapi: { info: { title: opts.name, description: opts.description, version: opts.version ?? '1' } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
  await app.register(metricsPlugin, { route: opts.metricsRoute !== false });

  app.get(
    '/healthz',
    { schema: { hide: true, response: { 200: z.object({ status: z.literal('ok') }), 503: z.object({ error: z.string(), message: z.string() }) } } },
    async (_req, reply) => {
      try {
        await opts.healthCheck?.();
      } catch {
        return reply.code(503).send({ error: 'storage_unavailable', message: 'database not reachable' });
      }
      return { status: 'ok' as const };
    },
  );
  return app as unknown as App;
}

/**
 * The raw JSON body, kept for signatures, parsed: after authentication, so an
 * unsigned request costs no parse. Then the whole request is refused if it
 * carries a NUL character anywhere (nul-text.ts).
 */
function parseBody(req: FastifyRequest, done: (err?: Error) => void): void {
  if (typeof req.body === 'string') {
    const raw = req.body;
    try {
      req.body = raw.length === 0 ? undefined : JSON.parse(raw);
    } catch {
      return done(new HttpError(400, 'invalid_json', 'the request body is not valid JSON'));
    }
  }
  const nul = nulCharacterAt(req);
  if (nul) return done(new HttpError(400, 'bad_request', `${nul}: text may not contain the NUL character (U+0000)`));
  done();
}

function validationMessage(err: unknown): string {
  const e = err as { validation?: { instancePath?: string; message?: string }[]; validationContext?: string; message?: string };
  const first = e.validation?.[0];
  if (!first) return e.message ?? 'invalid request';
  const where = `${e.validationContext ?? 'body'}${first.instancePath ? first.instancePath.replace(/\//g, '.') : ''}`;
  return `${where}: ${first.message ?? 'invalid'}`;
}

/** The listen address as a URL, for the one ready line every server logs. */
export function listenUrl(app: FastifyInstance): string {
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') return String(addr);
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `http://${host}:${addr.port}`;
}

/** The one line a server logs when it is ready, whatever the log level, carrying its URL. */
export function logReady(app: FastifyInstance, what: string, fields: Record<string, unknown> = {}): string {
  const url = listenUrl(app);
  app.log.child({}, { level: 'info' }).info({ url, ...fields }, `${what} ready at ${url}`);
  return url;
}
