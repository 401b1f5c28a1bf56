import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
const path = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
const bytes = await readFile(path);
await prepareZXingModule({ overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }, fireImmediately: true });
for (let i = 1; i <= 9; i++) {
  const png = await readFile(`/tmp/tk/zfail${i}.png`);
  const r = await readBarcodes(new Uint8Array(png), { formats: ['QRCode'], tryHarder: false });
  console.log(i, r.length, r[0]?.text.slice(0, 20), r[0]?.ecLevel);
}
