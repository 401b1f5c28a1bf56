// Large JSON answers compressed when the client asks for it. Only the routes
// that send pages of codes use this (the offline bundle): a page is a few
// hundred kilobytes of JSON whose keys and digits repeat, so it shrinks to a
// third or less, while scan verdicts, SSE streams and images gain nothing and
// are left alone. It is done in the route rather than by a hook on every reply
// so that a stream or a small answer never goes through a compressor.
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Below this a compressed answer saves less than its headers and the CPU cost. */
const MIN_BYTES = 1024;
/**
 * Brotli at quality 5 compresses these pages smaller than gzip does, in about
 * the same time; higher qualities cost many times more CPU for a few percent.
 */
const BROTLI_QUALITY = 5;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

type Encoding = 'br' | 'gzip';

/** The client's preferred encoding among those we make; q=0 refuses one. */
export function acceptedEncoding(header: string | string[] | undefined): Encoding | null {
  const offered = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    offered.set(name, q ? Number(q[1]) : 1);
  }
  const quality = (enc: Encoding) => offered.get(enc) ?? offered.get('*') ?? 0;
  if (quality('br') > 0 && quality('br') >= quality('gzip')) return 'br';
  if (quality('gzip') > 0) return 'gzip';
  return null;
}

/**
 * Sends `payload` serialized by the route's response schema, compressed when
 * the request accepts br or gzip and the body is worth it. Compression runs on
 * the thread pool, not on the event loop.
 */
export async function sendCompressible(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<FastifyReply> {
  const json = reply.serialize(payload);
  reply.header('vary', 'accept-encoding').type('application/json; charset=utf-8');
  const encoding = acceptedEncoding(req.headers['accept-encoding']);
  if (!encoding || Buffer.byteLength(json) < MIN_BYTES) return reply.send(json);
  const body =
    encoding === 'br'
      ? await brotli(json, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } })
      : await gzipAsync(json);
  return reply.header('content-encoding', encoding).send(body);
}
