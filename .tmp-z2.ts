import { Resvg } from '@resvg/resvg-js';
import { qrMatrix, qrSvg, QUIET_ZONE } from './server/booking/tickets/qr.js';
import { fixture, zxingDecode } from './server/booking/tickets/testing.js';
const f = fixture();
const fails: Record<string, number> = {};
for (let i = 0; i < 80; i++) {
  const payload = f.ticket({ title: 'Dune: Part Two', venue: 'Gatepost Alexanderplatz', hall: 'Hall 7', seat: 'F12' }).payload;
  const m = qrMatrix(payload);
  const side = m.size + 2 * QUIET_ZONE;
  for (const [name, svg, w] of [
    ['x8', qrSvg(payload), side * 8],
    ['x4', qrSvg(payload), side * 4],
    ['x6', qrSvg(payload), side * 6],
    ['padded x8', qrSvg(payload).replace(/viewBox="0 0 (\d+) (\d+)"/, (_, a) => `viewBox="-20 -20 ${+a + 40} ${+a + 40}"`).replace('<path fill="#fff" d="', '<rect x="-20" y="-20" width="999" height="999" fill="#fff"/><path fill="#fff" d="'), (side + 40) * 8],
  ] as const) {
    const img = new Resvg(svg, { fitTo: { mode: 'width', value: w } }).render();
    try { if (zxingDecode({ width: img.width, height: img.height, data: img.pixels }).text !== payload) throw 0; } catch { fails[name] = (fails[name] ?? 0) + 1; }
  }
}
console.log(fails);
