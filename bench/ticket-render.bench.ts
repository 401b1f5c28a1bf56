// Ticket rendering throughput: QR SVGs/s and PNG ticket images/s on one core, beside
// the straightforward ways (qrcode's encoder and its own SVG renderer; resvg drawing
// <text> with the CJK font files loaded per image; resvg's own PNG encoder and pngjs),
// with the ratios.
//   node bin/run-ts.js bench/ticket-render.bench.ts [seconds per run, default 2]
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import encodeQR from 'qr';
import QRCode from 'qrcode';
import { encodeGp1 } from '../protocol/gp1.js';
import { cjkFonts } from '../server/booking/tickets/image/font.js';
import { encodePng } from '../server/booking/tickets/image/png.js';
import { qrSvg } from '../server/booking/tickets/image/qr.js';
import {
  renderTicketPng,
  renderTicketPngSync,
  renderTicketSvg,
  warmTicketRenderer,
  type TicketImage,
  type TicketRenderOptions,
} from '../server/booking/tickets/image/ticket.js';

const SECONDS = Number(process.argv[2] ?? 2);
const { privateKey } = generateKeyPairSync('ed25519');

function ticket(i: number, zh: boolean): TicketImage {
  const startsAt = 1_767_209_400 + i * 600;
  const info = zh
    ? { title: '流浪地球 3', venue: '星光影城（新街口店）', hall: '7号厅 IMAX', seat: `${1 + (i % 12)}排${1 + (i % 20)}座`, startsAt }
    : { title: 'Dune: Part Two', venue: 'Gatepost Cinema Alexanderplatz', hall: 'Hall 7 IMAX', seat: `Row ${'ABCDEFGH'[i % 8]}, Seat ${1 + (i % 20)}`, startsAt };
  const body = { providerId: 'prv-7f3a2c', code: randomBytes(16).toString('hex'), info, validFrom: startsAt - 3600, validUntil: startsAt + 3 * 3600 };
  return { payload: encodeGp1(body, { keyId: 1, privateKey }), ...info, validFrom: body.validFrom, validUntil: body.validUntil, ticketId: `T-${i}` };
}

const tickets = Array.from({ length: 400 }, (_, i) => ticket(i, i % 2 === 1));
const EN: TicketRenderOptions = { locale: 'en', timeZone: 'Europe/Berlin' };
const ZH: TicketRenderOptions = { locale: 'zh-CN', timeZone: 'Asia/Shanghai' };
const optsOf = (i: number): TicketRenderOptions => (i % 2 ? ZH : EN);

interface Rate {
  perSecond: number;
  msEach: number;
  /** CPU time of this process per operation (all threads), ms: steadier than wall time on a shared machine */
  cpuMsEach: number;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function run(seconds: number, op: (i: number) => void): Rate {
  for (let i = 0; i < 5; i++) op(i); // warm-up
  let n = 0;
  const cpu0 = cpuMs();
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) op(n++);
  const ms = performance.now() - start;
  return { perSecond: (n * 1000) / ms, msEach: ms / n, cpuMsEach: (cpuMs() - cpu0) / n };
}

async function runAsync(seconds: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<Rate> {
  await Promise.all(Array.from({ length: concurrency }, (_, i) => op(i)));
  let n = 0;
  const cpu0 = cpuMs();
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await op(n++);
    }),
  );
  const ms = performance.now() - start;
  return { perSecond: (n * 1000) / ms, msEach: ms / n, cpuMsEach: (cpuMs() - cpu0) / n };
}

const dur = (ms: number): string => (ms >= 1 ? ms.toFixed(2) + ' ms' : (ms * 1000).toFixed(0) + ' µs').padStart(9);
const fmt = (r: Rate): string => `${r.perSecond.toFixed(r.perSecond < 100 ? 1 : 0).padStart(8)} /s  ${dur(r.msEach)} each  ${dur(r.cpuMsEach)} CPU`;
const line = (label: string, r: Rate, extra = ''): void => console.log(`${label.padEnd(46)} ${fmt(r)}${extra}`);

console.log(`ticket rendering, ${SECONDS} s per run, ${cpus()[0]?.model ?? 'cpu'} (${cpus().length} cores), Node ${process.version}`);
console.log('rates are wall-clock on one thread unless marked; CPU = this process\'s CPU time per operation');
console.log(`GP1 payloads of ${tickets[0]!.payload.length}–${tickets[1]!.payload.length} characters (en / zh-CN ticket info), QR version ${QRCode.create(tickets[1]!.payload, { errorCorrectionLevel: 'M' }).version}, level M\n`);

// ---- QR SVG
const svgOurs = run(SECONDS, (i) => qrSvg(tickets[i % tickets.length]!.payload));
line('QR SVG: qrSvg (alphanumeric, one path)', svgOurs);
const encode = run(Math.min(SECONDS, 1), (i) => encodeQR(tickets[i % tickets.length]!.payload, 'raw', { ecc: 'medium', encoding: 'alphanumeric', border: 1 }));
line("  of which: qr's encodeQR (matrix, mask search)", encode);
const create = run(Math.min(SECONDS, 1), (i) => QRCode.create([{ data: tickets[i % tickets.length]!.payload, mode: 'alphanumeric' }], { errorCorrectionLevel: 'M' }));
line("  qrcode's QRCode.create instead", create, `   → qr ×${(encode.perSecond / create.perSecond).toFixed(1)}`);
const svgLib = run(Math.min(SECONDS, 1), (i) => {
  // callback form: qrcode builds and renders synchronously, then calls back
  QRCode.toString([{ data: tickets[i % tickets.length]!.payload, mode: 'alphanumeric' }], { type: 'svg', errorCorrectionLevel: 'M' }, () => {});
});
line("QR SVG: qrcode's toString({type:'svg'})", svgLib, `   → qrSvg ×${(svgOurs.perSecond / svgLib.perSecond).toFixed(1)}`);

// ---- PNG tickets
const t0 = performance.now();
warmTicketRenderer();
console.log(`\nfont load (fontkit) + outlines of ASCII and labels (once per process): ${(performance.now() - t0).toFixed(0)} ms`);
const cold = performance.now();
renderTicketPngSync(ticket(9999, true), ZH);
console.log(`first zh-CN ticket (its title's characters outlined): ${(performance.now() - cold).toFixed(0)} ms\n`);

const pngSync = run(SECONDS, (i) => renderTicketPngSync(tickets[i % tickets.length]!, optsOf(i)));
line('PNG ticket 1080×1760, one thread (sync)', pngSync);
const svgBuild = run(Math.min(SECONDS, 1), (i) => renderTicketSvg(tickets[i % tickets.length]!, optsOf(i)));
line('  of which: ticket SVG composition', svgBuild);
const svgs = tickets.slice(0, 8).map((t, i) => renderTicketSvg(t, optsOf(i)));
const opts = { font: { loadSystemFonts: false }, background: '#ffffff', logLevel: 'off' } as const;
const images = svgs.slice(0, 2).map((s) => new Resvg(s, opts).render());
const raster = run(Math.min(SECONDS, 1), (i) => new Resvg(svgs[i % svgs.length]!, opts).render().pixels);
line('  of which: resvg parse + rasterise + pixels', raster);
const pixels = images.map((img) => img.pixels);
const enc = run(Math.min(SECONDS, 1), (i) => encodePng(pixels[i % 2]!, images[i % 2]!.width, images[i % 2]!.height));
line('  of which: PNG encoding (filter 0, deflate 3)', enc);
const encResvg = run(Math.min(SECONDS, 1), (i) => images[i % 2]!.asPng());
line("  resvg's own asPng() instead", encResvg, `   → ours ×${(enc.perSecond / encResvg.perSecond).toFixed(1)}`);
// pngjs at its fastest settings here: no filter search, default deflate strategy, level 3
const encPngjs = run(Math.min(SECONDS, 1), (i) => {
  const px = pixels[i % 2]!;
  const { width, height } = images[i % 2]!;
  PNG.sync.write({ width, height, data: Buffer.from(px.buffer, px.byteOffset, px.length) } as PNG, { filterType: 0, deflateLevel: 3, deflateStrategy: 0 });
});
line('  pngjs (filter 0, deflate 3) instead', encPngjs, `   → ours ×${(enc.perSecond / encPngjs.perSecond).toFixed(1)}`);

// the straightforward way: <text> in the SVG and the CJK fonts loaded by resvg for each image
const f = cjkFonts();
const textSvg = (t: TicketImage): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1760"><rect width="1080" height="1760" fill="#fff"/>` +
  `<text x="80" y="200" font-size="64" font-weight="700">${t.title}</text><text x="80" y="400" font-size="40">${t.venue}</text>` +
  `<text x="80" y="500" font-size="40">${t.hall} ${t.seat}</text></svg>`;
const naive = run(Math.min(SECONDS, 1), (i) => {
  new Resvg(textSvg(tickets[i % tickets.length]!), { font: { loadSystemFonts: false, fontFiles: f.files, defaultFontFamily: f.family } })
    .render()
    .asPng();
});
line('resvg <text> + fontFiles per image + asPng()', naive, `   → ours ×${(pngSync.perSecond / naive.perSecond).toFixed(1)}`);

const pool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
const pngAsync = await runAsync(SECONDS, pool, (i) => renderTicketPng(tickets[i % tickets.length]!, optsOf(i)));
line(`PNG ticket, renderTicketPng ×${pool} in flight (pool)`, pngAsync, `   (raster + deflate on the libuv pool, ${cpus().length} cores)`);
