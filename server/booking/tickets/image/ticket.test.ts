import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyGp1 } from '../../../../protocol/gp1.js';
import { cjkFonts } from './font.js';
import {
  TICKET_HEIGHT,
  TICKET_WIDTH,
  renderTicketPng,
  renderTicketPngSync,
  renderTicketSvg,
  ticketText,
  type TicketImage,
  type TicketRenderOptions,
} from './ticket.js';
import { ZBAR_MISSING, fixture, hasZbarimg, jsqrDecode, readPng, zbarDecodePng, zxingDecodeInImage, type Pixels } from './testing/decoders.js';

const ARTIFACTS = fileURLToPath(new URL('../../../../artifacts/tickets/', import.meta.url));
const zbar = hasZbarimg();
const ci = process.env.CI === 'true';
if (!zbar && !ci) console.warn(`skipping zbarimg checks: ${ZBAR_MISSING}`);

const f = fixture('ticket-images');
const EN: TicketRenderOptions = { locale: 'en', timeZone: 'Europe/Berlin' };
const ZH: TicketRenderOptions = { locale: 'zh-CN', timeZone: 'Asia/Shanghai' };
const enTicket = f.ticket({ title: 'Dune: Part Two', venue: 'Gatepost Cinema Alexanderplatz', hall: 'Hall 7 IMAX', seat: 'Row F, Seat 12' });
const zhTicket = f.ticket({ title: '流浪地球 3', venue: '星光影城（新街口店）', hall: '7号厅 IMAX', seat: '6排12座' });

function save(name: string, png: Buffer): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(`${ARTIFACTS}${name}.png`, png);
}

const luma = (p: Pixels, x: number, y: number): number => {
  const i = (y * p.width + x) * 4;
  return (p.data[i]! * 299 + p.data[i + 1]! * 587 + p.data[i + 2]! * 114) / 1000;
};

/** The title area of the header band: x 120–960, y 168–356 (see renderTicketSvg). */
const TITLE = { x0: 120, x1: 960, y0: 168, y1: 356 };

function region(p: Pixels, r: { x0: number; x1: number; y0: number; y1: number }): Uint8Array {
  const out = new Uint8Array((r.x1 - r.x0) * (r.y1 - r.y0));
  let k = 0;
  for (let y = r.y0; y < r.y1; y++) for (let x = r.x0; x < r.x1; x++) out[k++] = luma(p, x, y);
  return out;
}

describe('renderTicketPng', () => {
  const rendered = new Map<string, Buffer>();
  beforeAll(async () => {
    rendered.set('en', await renderTicketPng(enTicket, EN));
    rendered.set('zh-CN', await renderTicketPng(zhTicket, ZH));
    save('ticket-en', rendered.get('en')!);
    save('ticket-zh-CN', rendered.get('zh-CN')!);
  });

  for (const [locale, ticket] of [
    ['en', enTicket],
    ['zh-CN', zhTicket],
  ] as const) {
    it(`${locale}: a ${TICKET_WIDTH}×${TICKET_HEIGHT} PNG whose QR zxing and jsQR read as the exact, verifiable GP1 text`, () => {
      const pixels = readPng(rendered.get(locale)!);
      expect([pixels.width, pixels.height]).toEqual([TICKET_WIDTH, TICKET_HEIGHT]);
      const z = zxingDecodeInImage(pixels);
      expect(z.text).toBe(ticket.payload);
      expect(z.ecLevel).toBe('M');
      expect(z.mode).toBe('alphanumeric');
      expect(jsqrDecode(pixels)).toBe(ticket.payload);
      const verified = verifyGp1(z.text, (id) => (id === 1 ? f.publicKey : undefined));
      expect(verified.ok).toBe(true);
    });

    it.skipIf(!zbar && !ci)(`${locale}: zbarimg reads the exact GP1 text`, () => {
      if (!zbar) throw new Error(ZBAR_MISSING);
      expect(zbarDecodePng(rendered.get(locale)!)).toBe(ticket.payload);
    });
  }

  it('renders CJK titles as real glyphs, not tofu', async () => {
    const titleOf = async (title: string): Promise<Uint8Array> =>
      region(readPng(await renderTicketPng({ ...zhTicket, title }, ZH)), TITLE);
    const bright = (r: Uint8Array): number => r.filter((v) => v > 160).length;
    const differing = (a: Uint8Array, b: Uint8Array): number => a.filter((v, i) => Math.abs(v - b[i]!) > 64).length;
    const a = await titleOf('流浪地球');
    const b = await titleOf('星际穿越');
    // white strokes on the dark band: a few percent of the area is ink
    expect(bright(a)).toBeGreaterThan(a.length * 0.02);
    expect(bright(b)).toBeGreaterThan(b.length * 0.02);
    // different characters draw different shapes…
    expect(differing(a, b)).toBeGreaterThan(2000);
    // …whereas characters the font lacks are all the same box: the check above would catch tofu
    const t1 = await titleOf('\ue000\ue001\ue002\ue003');
    const t2 = await titleOf('\ue004\ue005\ue006\ue007');
    expect(differing(t1, t2)).toBe(0);
    expect(differing(a, t1)).toBeGreaterThan(2000);
    // and the font really has these characters
    const { regular, bold } = cjkFonts();
    for (const ch of '流浪地球星际穿越影厅座位开映有效期') {
      expect(regular.has(ch.codePointAt(0)!)).toBe(true);
      expect(bold.has(ch.codePointAt(0)!)).toBe(true);
    }
  });

  it('draws the validity period under the QR: another end time changes that line and nothing else', () => {
    for (const opts of [EN, ZH]) {
      const a = readPng(renderTicketPngSync(enTicket, opts));
      // 23:30 → 22:45 in Berlin, 06:30 → 05:45 in Shanghai: the same day, so the line keeps its layout
      const b = readPng(renderTicketPngSync({ ...enTicket, validUntil: enTicket.validUntil - 2700 }, opts));
      const rows = new Set<number>();
      for (let i = 0; i < a.data.length; i += 4) {
        if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) rows.add(Math.floor(i / 4 / a.width));
      }
      // the validity line sits between the QR (ending above y 1500) and the ticket number (below y 1600)
      expect(rows.size, opts.locale).toBeGreaterThan(10);
      expect(Math.min(...rows), opts.locale).toBeGreaterThan(1500);
      expect(Math.max(...rows), opts.locale).toBeLessThan(1600);
    }
  });

  it('keeps long titles and fields inside the card (wrapped, shrunk, cut with an ellipsis)', async () => {
    const long: TicketImage = {
      ...enTicket,
      title: 'The Lord of the Rings: The Return of the King — Extended Edition & <Director\'s Cut> "Remastered" in 4K HDR',
      venue: 'Gatepost Cinema Alexanderplatz Multiplex & Lounge, Berlin-Mitte, Germany, Europe',
      hall: 'Hall 12 (Dolby Cinema, Laser Projection, Recliners)',
      seat: 'Row AA, Seat 112 (Wheelchair companion seat)',
    };
    const longZh: TicketImage = { ...zhTicket, title: '流浪地球3：太阳危机之后的人类远征与希望（导演剪辑版 IMAX 3D 特别放映场，含主创见面会与抽奖）' };
    for (const [name, t, opts] of [
      ['ticket-long-en', long, EN],
      ['ticket-long-zh-CN', longZh, ZH],
    ] as const) {
      const png = await renderTicketPng(t, opts);
      save(name, png);
      const p = readPng(png);
      // right of the text column (x ≥ 966) the band stays dark and the card white
      for (let y = 170; y < 390; y++) for (let x = 966; x < 1030; x++) expect(luma(p, x, y)).toBeLessThan(90);
      for (let y = 420; y < 800; y++) for (let x = 966; x < 1030; x++) expect(luma(p, x, y)).toBeGreaterThan(200);
      expect(jsqrDecode(p)).toBe(t.payload);
      expect(zxingDecodeInImage(p).text).toBe(t.payload);
    }
  });

  it('never lets ticket text into the SVG as markup', () => {
    const evil = { ...enTicket, title: '</svg><script>alert(1)</script>&amp; "\'', venue: 'A & B <C>', seat: '\u0000\u0007\uffff\ud800' };
    const svg = renderTicketSvg(evil, EN);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('A & B');
    expect(svg.match(/<svg/g)).toHaveLength(1);
    expect(() => renderTicketPngSync(evil, EN)).not.toThrow();
  });

  it('is deterministic: the async and the sync renderer give the same bytes', async () => {
    expect(renderTicketPngSync(enTicket, EN).equals(await renderTicketPng(enTicket, EN))).toBe(true);
  });

  it('rejects times that are not epoch seconds', () => {
    expect(() => renderTicketSvg({ ...enTicket, validUntil: Number.NaN }, EN)).toThrow(/validUntil/);
  });
});

describe('ticketText', () => {
  it('en: the validity period in words, the zone named', () => {
    const t = ticketText(enTicket, EN);
    // 2025-12-31 19:30 UTC is 20:30 in Berlin (GMT+1); valid 19:30–23:30
    expect(t.startsTime).toBe('20:30');
    expect(t.startsDate).toBe('Wed, Dec 31, 2025');
    expect(t.zone).toBe('GMT+1');
    expect(t.validity).toBe('Valid from Wed, Dec 31, 2025, 19:30 until 23:30 (GMT+1)');
    expect(t.labels).toMatchObject({ seat: 'SEAT', hall: 'HALL', venue: 'VENUE', starts: 'STARTS', valid: 'VALID' });
  });

  it('zh-CN: 有效期 … 至 …, in Chinese, in the given zone', () => {
    const t = ticketText(zhTicket, ZH);
    expect(t.startsTime).toBe('03:30');
    expect(t.startsDate).toBe('2026年1月1日周四');
    expect(t.validity).toBe('有效期 2026年1月1日周四 02:30 至 06:30（GMT+8）');
    expect(t.labels).toMatchObject({ seat: '座位', hall: '影厅', venue: '影院', starts: '开映', valid: '有效期' });
  });

  it('spells out both dates when the validity spans days, and both zones across a DST change', () => {
    const spanning = { ...enTicket, validFrom: 1_774_740_000, validUntil: 1_774_740_000 + 86_400 }; // 2026-03-29 00:20 Berlin, DST starts at 02:00
    expect(ticketText(spanning, EN).validity).toBe('Valid from Sun, Mar 29, 2026, 00:20 (GMT+1) until Mon, Mar 30, 2026, 01:20 (GMT+2)');
  });

  it("defaults to the server's time zone", () => {
    const zone = new Intl.DateTimeFormat('en', { timeZoneName: 'shortOffset' })
      .formatToParts(enTicket.startsAt * 1000)
      .find((p) => p.type === 'timeZoneName')!.value;
    expect(ticketText(enTicket, { locale: 'en' }).zone).toBe(zone);
  });
});
