// PNG encoding of resvg's RGBA pixels. resvg's own asPng() uses adaptive filters and
// strong compression; flat ticket graphics need neither. With filter 0 and fast deflate
// this is several times faster than asPng() or pngjs (whose filter pass is per-byte
// JavaScript on the event loop), for a slightly larger file: bench/ticket-render.bench.ts.
import { deflate, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
}

function crc32(buf: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
  return out;
}

const DEFAULT_LEVEL = 3;
let scratch = Buffer.alloc(0);

/** The zlib input: each row of pixels behind its filter-type byte (0: none). */
function filterRows(rgba: Uint8Array, width: number, height: number, out: Buffer): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError('pixel buffer does not match the size');
  const stride = width * 4;
  const raw = out.subarray(0, (stride + 1) * height);
  const src = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.length);
  for (let y = 0, o = 0; y < height; y++, o += stride + 1) {
    raw[o] = 0;
    src.copy(raw, o + 1, y * stride, (y + 1) * stride);
  }
  return raw;
}

function assemble(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Encodes 8-bit RGBA pixels (straight alpha, as resvg's `pixels`) as a PNG: filter
 * type 0 on every row and fast deflate, so the only per-byte work is native (memcpy,
 * zlib): a per-byte filter pass in JavaScript costs more than it saves here.
 */
export function encodePng(rgba: Uint8Array, width: number, height: number, level = DEFAULT_LEVEL): Buffer {
  const rawLength = (width * 4 + 1) * height;
  // reused between images: a fresh 7 MB buffer costs its page faults every time
  if (scratch.length < rawLength) scratch = Buffer.allocUnsafe(rawLength);
  return assemble(width, height, deflateSync(filterRows(rgba, width, height, scratch), { level }));
}

/** encodePng with the compression on the libuv thread pool. */
export async function encodePngAsync(rgba: Uint8Array, width: number, height: number, level = DEFAULT_LEVEL): Promise<Buffer> {
  const raw = filterRows(rgba, width, height, Buffer.allocUnsafe((width * 4 + 1) * height));
  const idat = await new Promise<Buffer>((resolve, reject) =>
    deflate(raw, { level }, (err, out) => (err ? reject(err) : resolve(out))),
  );
  return assemble(width, height, idat);
}
