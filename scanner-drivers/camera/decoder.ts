// The camera path's decoder: zxing-wasm when its module loads (faster and far more
// tolerant of small, noisy, tilted codes; see `npm run bench:drivers`), @zxing/library
// when it does not (no WebAssembly, .wasm file missing). Runs in Node and the browser.
import { frameFormat, type Frame } from './frame.js';
import { decodeWithZxingJs, type DecodeOptions, type Decoded } from './zxing-js.js';
import { decodeWithZxingWasm } from './zxing-wasm.js';

export type Engine = 'zxing-wasm' | 'zxing-js';

export interface CameraDecoder {
  /** The engine in use now; changes to 'zxing-js' if the wasm one fails. */
  readonly engine: Engine;
  /** Why the wasm engine is not in use, when it is not. */
  readonly fallbackReason: string | null;
  decode(frame: Frame): Promise<Decoded | null>;
}

export interface CameraDecoderOptions extends DecodeOptions {
  /**
   * Loads zxing-wasm's .wasm for this host: prepareZxingWasmForNode in Node, or
   * () => prepareZxingWasm({ locateFile: () => wasmUrl }) in the renderer.
   * Without it, only @zxing/library is used.
   */
  prepareWasm?: () => Promise<void>;
  /** Force one engine. Default: zxing-wasm with @zxing/library as the fallback. */
  engine?: Engine;
}

export async function createCameraDecoder(options: CameraDecoderOptions = {}): Promise<CameraDecoder> {
  const { prepareWasm, engine: forced, ...decodeOptions } = options;
  let engine: Engine = 'zxing-js';
  let fallbackReason: string | null = null;
  if (forced === 'zxing-js') fallbackReason = 'zxing-js chosen in settings';
  else if (!prepareWasm) fallbackReason = 'no way to load zxing-wasm was given';
  else {
    try {
      await prepareWasm();
      engine = 'zxing-wasm';
    } catch (err) {
      fallbackReason = `zxing-wasm did not load: ${(err as Error).message}`;
    }
  }
  return {
    get engine() {
      return engine;
    },
    get fallbackReason() {
      return fallbackReason;
    },
    async decode(frame) {
      // A malformed frame is the caller's bug and must not cost us the faster engine.
      frameFormat(frame);
      if (engine === 'zxing-wasm') {
        try {
          return await decodeWithZxingWasm(frame, decodeOptions);
        } catch (err) {
          engine = 'zxing-js';
          fallbackReason = `zxing-wasm failed: ${(err as Error).message}`;
        }
      }
      return decodeWithZxingJs(frame, decodeOptions);
    },
  };
}
