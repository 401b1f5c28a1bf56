// The camera's decoder, loaded only when a camera is switched on: zxing-wasm
// (its .wasm shipped with the build, never fetched from a CDN) with
// @zxing/library as the fallback. Kept out of the main bundle so a station
// without a camera starts faster.
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { createCameraDecoder, prepareZxingWasm, type CameraDecoder } from '../../../scanner-drivers/browser.js';

export function loadDecoder(): Promise<CameraDecoder> {
  return createCameraDecoder({ prepareWasm: () => prepareZxingWasm({ locateFile: () => wasmUrl }) });
}
