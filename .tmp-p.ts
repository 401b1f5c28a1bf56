import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Resvg } from '@resvg/resvg-js';
import { encodeGp1 } from './protocol/gp1.js';
import { renderTicketSvg, type TicketView } from './server/booking/tickets/ticket.js';
import { encodePng } from './server/booking/tickets/png.js';
const { privateKey } = generateKeyPairSync('ed25519');
const startsAt = 1767209400;
const info = { title: '流浪地球 3', venue: '星光影城（新街口店）', hall: '7号厅 IMAX', seat: '6排12座', startsAt };
const payload = encodeGp1({ providerId: 'p-7f3a2c', code: randomBytes(16).toString('hex'), info, validFrom: startsAt - 3600, validUntil: startsAt + 3 * 3600 }, { keyId: 1, privateKey });
const t: TicketView = { payload, ...info, validFrom: startsAt - 3600, validUntil: startsAt + 3 * 3600, ticketId: 'T-1234' };
renderTicketSvg(t, { locale: 'zh-CN' });
for (let k = 0; k < 3; k++) {
  let s = performance.now();
  const svg = renderTicketSvg(t, { locale: 'zh-CN' });
  const a = performance.now() - s; s = performance.now();
  const r = new Resvg(svg, { font: { loadSystemFonts: false } });
  const b = performance.now() - s; s = performance.now();
  const img = r.render();
  const c = performance.now() - s; s = performance.now();
  const px = img.pixels;
  const d = performance.now() - s; s = performance.now();
  const png = encodePng(px, img.width, img.height);
  const e = performance.now() - s; s = performance.now();
  const png2 = img.asPng();
  const f = performance.now() - s;
  console.log({ svg: a, parse: b, render: c, pixels: d, encode: e, asPng: f, sizes: [png.length, png2.length] });
}
