import { Resvg } from '@resvg/resvg-js';
import { writeFileSync } from 'node:fs';
import { qrMatrix, qrSvg, QUIET_ZONE } from './server/booking/tickets/qr.js';
import { fixture, zxingDecode, jsqrDecode } from './server/booking/tickets/testing.js';
const f = fixture();
let zf = 0, jf = 0;
for (let i = 0; i < 60; i++) {
  const payload = f.ticket({ title: 'Dune: Part Two', venue: 'Gatepost Alexanderplatz', hall: 'Hall 7', seat: 'F12' }).payload;
  const m = qrMatrix(payload);
  const side = m.size + 2 * QUIET_ZONE;
  const img = new Resvg(qrSvg(payload), { fitTo: { mode: 'width', value: side * 8 } }).render();
  const px = { width: img.width, height: img.height, data: img.pixels };
  let ok = true;
  try { if (zxingDecode(px).text !== payload) throw new Error('mismatch'); } catch (e) { zf++; ok = false; console.log('zxing fail', m.version, m.mask, (e as Error).constructor.name); writeFileSync(`/tmp/tk/zfail${zf}.png`, img.asPng()); }
  if (jsqrDecode(px) !== payload) { jf++; console.log('jsqr fail', m.version, m.mask); }
}
console.log({ zf, jf });
