import { Resvg } from '@resvg/resvg-js';
import QRCode from 'qrcode';
import { BinaryBitmap, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import { fixture } from './server/booking/tickets/testing.js';
const f = fixture();
function svgOf(mods: Uint8Array, size: number) {
  let d = '';
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (mods[y * size + x]) d += `M${x + 4} ${y + 4}h1v1h-1z`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size + 8} ${size + 8}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="${d}"/></svg>`;
}
function zx(svg: string, w: number): string {
  const img = new Resvg(svg, { fitTo: { mode: 'width', value: w } }).render();
  const luma = new Uint8ClampedArray(img.width * img.height); const p = img.pixels;
  for (let k = 0; k < luma.length; k++) luma[k] = p[k * 4]!;
  try { return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luma, img.width, img.height)))).getText(); }
  catch (e) { return 'ERR ' + (e as Error).constructor.name + ' ' + ((e as Error).stack ?? '').split('\n').slice(1, 3).map(s => s.trim().split(' ')[1]).join('<'); }
}
let shown = 0;
for (let i = 0; i < 60 && shown < 6; i++) {
  const payload = f.ticket({ title: 'Dune: Part Two', venue: 'Gatepost Alexanderplatz', hall: 'Hall 7', seat: 'F12' }).payload;
  const best = QRCode.create([{ data: payload, mode: 'alphanumeric' }], { errorCorrectionLevel: 'M' });
  const r = zx(svgOf(best.modules.data, best.modules.size), (best.modules.size + 8) * 8);
  if (r === payload) continue;
  shown++;
  const perMask = [];
  for (let p = 0; p < 8; p++) {
    const q = QRCode.create([{ data: payload, mode: 'alphanumeric' }], { errorCorrectionLevel: 'M', maskPattern: p as 0 });
    perMask.push(zx(svgOf(q.modules.data, q.modules.size), (q.modules.size + 8) * 8) === payload ? 'ok' : 'x');
  }
  console.log('best mask', best.maskPattern, r.slice(0, 80), perMask.join(' '));
}
