// Node only: load zxing-wasm's reader from node_modules instead of the CDN it would
// fetch from by default, so the CLI and tests work offline.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { prepareZxingWasm, zxingWasmPrepared } from './zxing-wasm.js';

let once: Promise<void> | undefined;

export function prepareZxingWasmForNode(): Promise<void> {
  if (once) return once;
  if (zxingWasmPrepared()) return Promise.resolve();
  once = (async () => {
    const path = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
    const bytes = await readFile(path);
    await prepareZxingWasm({ wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
  })();
  return once;
}
