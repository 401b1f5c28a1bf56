import { Resvg } from '@resvg/resvg-js';
import { BinaryBitmap, DecodeHintType, HybridBinarizer, GlobalHistogramBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import { qrMatrix, qrSvg, QUIET_ZONE } from './server/booking/tickets/qr.js';
import { fixture } from './server/booking/tickets/testing.js';
const f = fixture();
const fails: Record<string, number> = {};
const masks: Record<string, number> = {};
for (let i = 0; i < 100; i++) {
  const payload = f.ticket({ title: 'Dune: Part Two', venue: 'Gatepost Alexanderplatz', hall: 'Hall 7', seat: 'F12' }).payload;
  const m = qrMatrix(payload);
  const side = m.size + 2 * QUIET_ZONE;
  const img = new Resvg(qrSvg(payload), { fitTo: { mode: 'width', value: side * 8 } }).render();
  const luma = new Uint8ClampedArray(img.width * img.height);
  const p = img.pixels;
  for (let k = 0; k < luma.length; k++) luma[k] = p[k * 4]!;
  for (const [name, bin, hints] of [
    ['hybrid', HybridBinarizer, new Map()],
    ['hybrid th', HybridBinarizer, new Map([[DecodeHintType.TRY_HARDER, true]])],
    ['global', GlobalHistogramBinarizer, new Map()],
    ['pure', HybridBinarizer, new Map([[DecodeHintType.PURE_BARCODE, true]])],
  ] as const) {
    try {
      const r = new QRCodeReader().decode(new BinaryBitmap(new bin(new RGBLuminanceSource(luma, img.width, img.height))), hints as any);
      if (r.getText() !== payload) throw 0;
    } catch (e) { fails[name] = (fails[name] ?? 0) + 1; if (name === 'pure') masks[m.mask] = (masks[m.mask] ?? 0) + 1; }
  }
}
console.log(fails, 'pure-fail masks', masks);
