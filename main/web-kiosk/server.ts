// The web-kiosk shell: the same core and the same screen as the Electron app,
// for any Chromium (`chromium --app=URL`). The screen is served over HTTP on
// loopback, and the bridge runs over one WebSocket per screen. Only this
// machine may connect: the server binds to loopback, refuses other Host names
// (DNS rebinding), and refuses WebSockets opened by pages of another origin —
// a web page in the same browser must not be able to drive the gate. Any
// local process can forge an Origin header, so a WebSocket must also carry the
// secret made for this launch, which only the screen's URL holds (in its
// #fragment: never sent in a request line, a Referer or a log).
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocket } from 'ws';
import { WEB_BRIDGE_PATH, WEB_BRIDGE_PROTOCOL, WEB_KEY_PARAM, WEB_KEY_PROTOCOL_PREFIX, type WebEventFrame, type WebReplyFrame } from '../bridge/contract.js';
import { BridgeError } from '../core/session.js';
import type { StationCore } from '../core/station.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built screen: renderer/dist beside the sources, dist/renderer/dist in a
 * production build (the same path from this module in both trees). Never built
 * here: `npm run build`, or from the sources the `gatepost` launcher and the
 * test setup (build/assets.ts), make it.
 */
export const RENDERER_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'renderer', 'dist');

/** The log's `reason` (and the 503's `error`) when the screen is not built. */
export const SCREEN_NOT_BUILT = 'station_screen_not_built';

export interface WebKioskOptions {
  core: StationCore;
  port: number;
  host?: string;
  /** serve this folder instead of RENDERER_DIST (tests) */
  rendererDir?: string;
}

export interface WebKiosk {
  /** http://127.0.0.1:PORT: safe to log; a page opened at it alone cannot reach the bridge */
  origin: string;
  /** the URL to open the screen at: origin + /#k=SECRET. Never log it. */
  screenUrl: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_FRAME = 64 * 1024;

/** The page may load its own scripts and wasm, open its own WebSocket and the camera; nothing else. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export async function startWebKiosk(options: WebKioskOptions): Promise<WebKiosk> {
  const { core } = options;
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the web-kiosk shell listens on loopback only, not ${host}`);
  const root = options.rendererDir ?? RENDERER_DIST;
  const built = existsSync(join(root, 'index.html'));
  if (!built) core.log.error({ reason: SCREEN_NOT_BUILT, dir: root }, 'the station screen is not built (run `npm run build`): its page answers 503');

  // 256 bits, new at every launch.
  const secret = randomBytes(32).toString('base64url');
  const secretDigest = digest(secret);
  const app = Fastify({ logger: false, forceCloseConnections: true });
  let port = 0;
  const allowedHost = (value: string | undefined) => {
    if (!value) return false;
    const m = /^(\[::1\]|127\.0\.0\.1|localhost)(?::(\d+))?$/.exec(value);
    return !!m && Number(m[2] ?? 80) === port;
  };

  app.addHook('onRequest', async (req, reply) => {
    if (!allowedHost(req.headers.host)) return reply.code(421).type('text/plain').send('this station answers on loopback names only');
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
  });

  await app.register(fastifyWebsocket, {
    options: {
      maxPayload: MAX_FRAME,
      verifyClient: (info, next) => {
        const origin = info.origin ?? info.req.headers.origin;
        // A browser always sends Origin; a page from elsewhere sends its own.
        const sameOrigin = typeof origin === 'string' && allowedHost(hostOf(origin)) && allowedHost(info.req.headers.host);
        next(sameOrigin && carriesSecret(info.req, secretDigest), 403);
      },
      handleProtocols: (protocols: Set<string>) => (protocols.has(WEB_BRIDGE_PROTOCOL) ? WEB_BRIDGE_PROTOCOL : false),
    },
  });
  app.get(WEB_BRIDGE_PATH, { websocket: true }, (socket) => serveBridge(core, socket));
  if (!built) {
    const notBuilt = { error: SCREEN_NOT_BUILT, message: 'The station screen is not built in this install (run `npm run build`).' };
    app.get('/', (_req, reply) => reply.code(503).send(notBuilt));
  } else {
    await app.register(fastifyStatic, {
      root,
      index: ['index.html'],
      // The page must always be the current build; hashed assets may be cached.
      setHeaders: (reply, path) => {
        reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-store');
      },
    });
  }

  await app.listen({ port: options.port, host });
  port = (app.server.address() as AddressInfo).port;
  const origin = `http://${host === '::1' ? '[::1]' : host}:${port}`;
  return { origin, screenUrl: `${origin}/#${WEB_KEY_PARAM}=${secret}`, app, close: () => app.close() };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** The launch secret among the offered subprotocols; compared as digests, in constant time and length. */
function carriesSecret(req: IncomingMessage, expected: Buffer): boolean {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const key = offered.find((p) => p.startsWith(WEB_KEY_PROTOCOL_PREFIX));
  return key !== undefined && timingSafeEqual(digest(key.slice(WEB_KEY_PROTOCOL_PREFIX.length)), expected);
}

function hostOf(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' ? u.host : undefined;
  } catch {
    return undefined;
  }
}

function serveBridge(core: StationCore, socket: WebSocket): void {
  const send = (frame: WebEventFrame | WebReplyFrame) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  const session = core.connect({ send: (event, payload) => send({ event, payload }) });
  socket.on('message', (data, isBinary) => {
    let frame: { id?: unknown; channel?: unknown; arg?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      frame = JSON.parse(String(data)) as typeof frame;
    } catch {
      socket.close(1003, 'frames are JSON text');
      return;
    }
    const id = typeof frame?.id === 'number' && Number.isSafeInteger(frame.id) ? frame.id : null;
    if (id === null) {
      socket.close(1008, 'a request needs a numeric id');
      return;
    }
    session.invoke(frame.channel, frame.arg).then(
      (value) => send({ id, ok: true, value: value ?? null }),
      (err: unknown) => {
        if (!(err instanceof BridgeError)) core.log.error({ channel: String(frame.channel), err: (err as Error).message }, 'bridge command failed');
        send({ id, ok: false, error: err instanceof BridgeError ? err.message : 'the station could not do that' });
      },
    );
  });
  socket.on('close', () => session.close());
  socket.on('error', () => socket.terminate());
}
