import { Resvg } from '@resvg/resvg-js';
import { deflateSync, constants } from 'node:zlib';
import { readFileSync } from 'node:fs';
const time = (name: string, w: number, h: number) => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"></svg>`;
  new Resvg(svg).render();
  let s = performance.now();
  for (let i = 0; i < 5; i++) new Resvg(svg, { font: { loadSystemFonts: false } }).render();
  console.log(name, ((performance.now() - s) / 5).toFixed(1));
};
time('1080x1760', 1080, 1760);
time('540x880', 540, 880);
time('100x100', 100, 100);
// encode pieces using a real ticket's pixels (decode the artifact via resvg <image>? just re-render)
const svg = readFileSync('/dev/stdin', 'utf8');
const img = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
const px = img.pixels; const W = img.width, H = img.height;
for (let k = 0; k < 2; k++) {
  let s = performance.now();
  const stride = W * 4;
  const raw = Buffer.allocUnsafe((stride + 1) * H);
  for (let y = 0; y < H; y++) { raw[y * (stride + 1)] = 0; px.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride); }
  console.log('rgba copy none', (performance.now() - s).toFixed(1));
  for (const [name, o] of [['l1', { level: 1 }], ['l3', { level: 3 }], ['l6', { level: 6 }], ['rle6', { level: 6, strategy: constants.Z_RLE }], ['l1filtered', { level: 1, strategy: constants.Z_FILTERED }]] as const) {
    s = performance.now(); const z = deflateSync(raw, o); console.log(name, (performance.now() - s).toFixed(1), z.length);
  }
  // RGB up filter in JS
  s = performance.now();
  const st3 = W * 3; const raw3 = Buffer.allocUnsafe((st3 + 1) * H);
  let o = 0;
  for (let y = 0; y < H; y++) { raw3[o++] = 0; let i = y * stride; for (let x = 0; x < W; x++, i += 4) { raw3[o++] = px[i]!; raw3[o++] = px[i + 1]!; raw3[o++] = px[i + 2]!; } }
  console.log('rgb pack', (performance.now() - s).toFixed(1));
  s = performance.now();
  const u32 = new Uint32Array(px.buffer, px.byteOffset, W * H);
  console.log('u32 view', (performance.now() - s).toFixed(1));
  for (const [name, o2] of [['rgb l1', { level: 1 }], ['rgb rle', { level: 6, strategy: constants.Z_RLE }]] as const) {
    s = performance.now(); const z = deflateSync(raw3, o2); console.log(name, (performance.now() - s).toFixed(1), z.length);
  }
}
