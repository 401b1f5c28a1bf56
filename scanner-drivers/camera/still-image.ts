// Node only: reads the code in a still image (a ticket PNG, a photo of one), for
// `gatepost scanners decode IMAGE` and for tests on rendered tickets. Time does not
// matter here, so both engines try hard. PNG goes through pngjs into the same frame
// decoders the camera uses; JPEG, GIF and BMP go to zxing-wasm, which reads those
// formats itself.
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import type { Frame } from './frame.js';
import { decodeWithZxingJs, type DecodeOptions, type Decoded } from './zxing-js.js';
import { decodeImageBytesWithZxingWasm, decodeWithZxingWasm } from './zxing-wasm.js';
import { prepareZxingWasmForNode } from './zxing-wasm-node.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export class ImageFormatError extends Error {
  code = 'E_IMAGE';
}

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function sniff(bytes: Uint8Array): 'png' | 'jpeg' | 'gif' | 'bmp' | null {
  if (isPng(bytes)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'gif';
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  return null;
}

export function pngToFrame(bytes: Uint8Array): Frame {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new ImageFormatError(`not a readable PNG: ${(err as Error).message}`);
  }
  // pngjs expands every colour type to RGBA; transparent areas read as what is under them, so flatten onto white.
  const data = new Uint8ClampedArray(png.data.length);
  for (let i = 0; i < data.length; i += 4) {
    const a = png.data[i + 3]! / 255;
    data[i] = png.data[i]! * a + 255 * (1 - a);
    data[i + 1] = png.data[i + 1]! * a + 255 * (1 - a);
    data[i + 2] = png.data[i + 2]! * a + 255 * (1 - a);
    data[i + 3] = 255;
  }
  return { width: png.width, height: png.height, data, format: 'rgba' };
}

/** The code in an encoded image (PNG, JPEG, GIF, BMP); null when the image holds none. Throws ImageFormatError for other bytes. */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<Decoded | null> {
  const kind = sniff(bytes);
  if (!kind) throw new ImageFormatError('not a PNG, JPEG, GIF or BMP image');
  const opts = { tryHarder: true, ...options };
  let wasmError: Error | null = null;
  try {
    await prepareZxingWasmForNode();
  } catch (err) {
    wasmError = err as Error;
  }
  if (kind === 'png') {
    const frame = pngToFrame(bytes);
    const viaWasm = wasmError ? null : await decodeWithZxingWasm(frame, opts).catch(() => null);
    return viaWasm ?? decodeWithZxingJs(frame, opts);
  }
  if (wasmError) throw new ImageFormatError(`${kind.toUpperCase()} needs zxing-wasm, which did not load (${wasmError.message}); convert the image to PNG`);
  return decodeImageBytesWithZxingWasm(bytes, opts);
}

export async function decodeImageFile(path: string, options: DecodeOptions = {}): Promise<Decoded | null> {
  return decodeImage(await readFile(path), options);
}
