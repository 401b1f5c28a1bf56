import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { encodeGp1 } from './protocol/gp1.js';
import { renderTicketPng, renderTicketSvg, type TicketView } from './server/booking/tickets/ticket.js';
const { privateKey } = generateKeyPairSync('ed25519');
const startsAt = 1767209400;
const mk = (title: string, venue: string, hall: string, seat: string): TicketView => {
  const info = { title, venue, hall, seat, startsAt };
  const payload = encodeGp1({ providerId: 'p-7f3a2c', code: randomBytes(16).toString('hex'), info, validFrom: startsAt - 3600, validUntil: startsAt + 3 * 3600 }, { keyId: 1, privateKey });
  return { payload, ...info, validFrom: startsAt - 3600, validUntil: startsAt + 3 * 3600, ticketId: 'T-' + randomBytes(6).toString('hex').toUpperCase() };
};
const en = mk('Dune: Part Two', 'Gatepost Cinema Alexanderplatz', 'Hall 7 · IMAX', 'Row F, Seat 12');
const zh = mk('流浪地球 3', '星光影城（新街口店）', '7号厅 IMAX', '6排12座');
for (const [name, t, locale, tz] of [['en', en, 'en', 'Europe/Berlin'], ['zh-CN', zh, 'zh-CN', 'Asia/Shanghai']] as const) {
  let s = performance.now();
  const png = await renderTicketPng(t, { locale, timeZone: tz });
  console.log(name, 'ms', performance.now() - s, png.length);
  writeFileSync(`artifacts/tickets/ticket-${name}.png`, png);
  s = performance.now();
  await renderTicketPng(t, { locale, timeZone: tz });
  console.log(name, 'ms warm', performance.now() - s, renderTicketSvg(t, { locale, timeZone: tz }).length);
}
