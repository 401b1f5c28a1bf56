// Large JSON answers gzip-compressed when the client accepts it. Only the
// routes that send long lists use this: the offline bundle (a page is a few
// hundred kilobytes of JSON whose keys and digits repeat, so it shrinks to
// under a third) and the catalogue (a multiplex's programme months ahead,
// mostly repeated titles and names), while scan verdicts, SSE streams and
// images gain nothing and are left alone. It is done in the route rather than by a hook on every reply
// so that a stream or a small answer never goes through a compressor.
//
// gzip only: on these pages brotli (quality 5) came out no smaller — the bulk is
// random hex digits, which neither can squeeze below 4 bits each — and took
// three times as long.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Below this a compressed answer saves less than its header and the CPU cost. */
const MIN_BYTES = 1024;

const gzipAsync = promisify(gzip);

/** Whether the client's Accept-Encoding takes gzip (named or `*`, without q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  let star = false;
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    const accepted = !q || Number(q[1]) > 0;
    if (name === 'gzip') return accepted;
    if (name === '*') star = accepted;
  }
  return star;
}

/**
 * A JSON answer serialized once, to be sent as often as asked, plain or gzipped
 * (compressed on first need, then kept): for an answer many requests share
 * until its source changes, such as the catalogue.
 */
export class PreparedJson {
  readonly json: string | Buffer;
  readonly bytes: number;
  private gzipped?: Promise<Buffer>;
  /** `json`: as reply.serialize gives it */
  constructor(json: string | Buffer | ArrayBuffer) {
    this.json = json instanceof ArrayBuffer ? Buffer.from(json) : json;
    this.bytes = Buffer.byteLength(this.json);
  }
  gzip(): Promise<Buffer> {
    return (this.gzipped ??= gzipAsync(this.json));
  }
}

/** Sends a prepared answer, gzipped when the request accepts it and the body is worth it. */
export async function sendPrepared(req: FastifyRequest, reply: FastifyReply, prepared: PreparedJson): Promise<FastifyReply> {
  reply.header('vary', 'accept-encoding').type('application/json; charset=utf-8');
  if (!acceptsGzip(req.headers['accept-encoding']) || prepared.bytes < MIN_BYTES) return reply.send(prepared.json);
  return reply.header('content-encoding', 'gzip').send(await prepared.gzip());
}

/**
 * Sends `payload` serialized by the route's response schema, gzipped when the
 * request accepts it and the body is worth it. Compression runs on the thread
 * pool, not on the event loop.
 */
export function sendCompressible(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<FastifyReply> {
  return sendPrepared(req, reply, new PreparedJson(reply.serialize(payload)));
}
