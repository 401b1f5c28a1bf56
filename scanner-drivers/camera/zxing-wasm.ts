// The camera decoder on zxing-wasm (ZXing-C++ compiled to WebAssembly). The module
// fetches its .wasm on first use; where it comes from is the caller's to say, because
// it differs by host:
//  - Node: the file in node_modules (camera/zxing-wasm-node.ts does this),
//  - the renderer through Vite: `import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url'`
//    and prepareZxingWasm({ locateFile: () => wasmUrl }), so Vite copies it into the build.
// Left alone, zxing-wasm would fetch it from a CDN, which a gate behind a firewall cannot reach.
import { prepareZXingModule, readBarcodes, type ReaderOptions, type ZXingModuleOverrides } from 'zxing-wasm/reader';
import { frameFormat, toRgba, type Frame } from './frame.js';
import type { CodeFormat, DecodeOptions, Decoded } from './zxing-js.js';

const TO_WASM: Record<CodeFormat, NonNullable<ReaderOptions['formats']>[number]> = {
  qr: 'QRCode',
  datamatrix: 'DataMatrix',
  aztec: 'Aztec',
  pdf417: 'PDF417',
  'code-128': 'Code128',
  'ean-13': 'EAN13',
};

const FROM_WASM: Record<string, string> = { QRCode: 'qr', MicroQRCode: 'qr', DataMatrix: 'datamatrix', Aztec: 'aztec', PDF417: 'pdf417', Code128: 'code-128', EAN13: 'ean-13' };

let prepared: Promise<unknown> | undefined;

/** Where and how to load the .wasm (Emscripten module overrides); call once before decoding. */
export function prepareZxingWasm(overrides: ZXingModuleOverrides): Promise<void> {
  prepared = prepareZXingModule({ overrides, fireImmediately: true });
  return prepared.then(() => undefined);
}

export function zxingWasmPrepared(): boolean {
  return prepared !== undefined;
}

function readerOptions(options: DecodeOptions): ReaderOptions {
  return {
    formats: (options.formats ?? ['qr']).map((f) => TO_WASM[f]),
    tryHarder: options.tryHarder ?? false,
    tryRotate: options.tryHarder ?? false,
    tryInvert: false,
    tryDownscale: true,
    maxNumberOfSymbols: 1,
  };
}

function first(results: Awaited<ReturnType<typeof readBarcodes>>): Decoded | null {
  const r = results.find((x) => x.isValid && x.text.length > 0);
  return r ? { text: r.text, symbology: FROM_WASM[r.format] ?? r.format.toLowerCase() } : null;
}

/** Decodes one frame; null when there is no readable code. Rejects only when the wasm module cannot be loaded. */
export async function decodeWithZxingWasm(frame: Frame, options: DecodeOptions = {}): Promise<Decoded | null> {
  if (!prepared) throw new Error('zxing-wasm is not prepared: call prepareZxingWasm() (or prepareZxingWasmForNode()) first');
  await prepared;
  const rgba = frameFormat(frame) === 'rgba' ? frame.data : toRgba(frame);
  const image = { width: frame.width, height: frame.height, data: rgba as Uint8ClampedArray, colorSpace: 'srgb' } as ImageData;
  return first(await readBarcodes(image, readerOptions(options)));
}

/** Decodes an encoded image file (PNG, JPEG, GIF, BMP…) straight from its bytes. */
export async function decodeImageBytesWithZxingWasm(bytes: Uint8Array, options: DecodeOptions = {}): Promise<Decoded | null> {
  if (!prepared) throw new Error('zxing-wasm is not prepared');
  await prepared;
  return first(await readBarcodes(bytes, readerOptions(options)));
}
