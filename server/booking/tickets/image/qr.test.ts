import { Resvg } from '@resvg/resvg-js';
import encodeQR from 'qr';
import { describe, expect, it } from 'vitest';
import { QUIET_ZONE, qrMatrix, qrPathData, qrSvg } from './qr.js';
import { ZBAR_MISSING, fixture, hasZbarimg, jsqrDecode, zbarDecodePng, zxingDecode } from './testing/decoders.js';

const zbar = hasZbarimg();
const ci = process.env.CI === 'true';
if (!zbar && !ci) console.warn(`skipping zbarimg checks: ${ZBAR_MISSING}`);

function rasterize(svg: string, width: number): { png: Buffer; pixels: { width: number; height: number; data: Uint8Array } } {
  const img = new Resvg(svg, { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: false } }).render();
  return { png: img.asPng(), pixels: { width: img.width, height: img.height, data: img.pixels } };
}

describe('qrMatrix', () => {
  it('uses alphanumeric mode for GP1 text and byte mode for anything else', () => {
    const payload = fixture().ticket({ title: '流浪地球 3', venue: 'V', hall: 'H', seat: 'S' }).payload;
    expect(qrMatrix(payload).mode).toBe('alphanumeric');
    // alphanumeric takes 5.5 bits a character where byte mode takes 8: a smaller symbol
    const asBytes = encodeQR(payload, 'raw', { ecc: 'medium', encoding: 'byte', border: 1 }).length - 2;
    expect(qrMatrix(payload).size).toBeLessThan(asBytes);
    expect(qrMatrix('gp1:lowercase').mode).toBe('byte');
    expect(qrMatrix('Ünïcode ✓').mode).toBe('byte');
    expect(() => qrMatrix('')).toThrow(RangeError);
  });

  it('encodes other text as UTF-8 bytes, and long text at large versions, decodably', () => {
    for (const text of ['gp1:lowercase', 'Ünïcode ✓ 流浪地球', 'GP1:' + 'ABC123 $%*+-./:'.repeat(100)]) {
      const m = qrMatrix(text);
      const side = m.size + 2 * QUIET_ZONE;
      const { pixels } = rasterize(qrSvg(text), side * 4);
      expect(zxingDecode(pixels, true).text).toBe(text);
      expect(jsqrDecode(pixels)).toBe(text);
    }
    expect(qrMatrix('GP1:' + 'ABC123 $%*+-./:'.repeat(100)).version).toBeGreaterThan(25);
  });

  it('draws exactly the dark modules, as run-length rectangles', () => {
    const m = qrMatrix('HELLO GATEPOST 123');
    const d = qrPathData(m, 4, 4);
    const drawn = new Uint8Array(m.size * m.size);
    for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)v1H\d+z/g)) {
      for (let i = 0; i < Number(w); i++) drawn[(Number(y) - 4) * m.size + Number(x) - 4 + i] = 1;
    }
    expect(Buffer.from(drawn).equals(Buffer.from(m.dark))).toBe(true);
    // fractional geometry takes the general path and says the same
    expect(qrPathData(m, 0.5, 0, 2).startsWith('M0.5 0h')).toBe(true);
  });
});

describe('qrSvg', () => {
  const f = fixture('qr-svg');
  const payload = f.ticket({ title: 'Dune: Part Two', venue: 'Gatepost Alexanderplatz', hall: 'Hall 7', seat: 'F12' }).payload;
  const svg = qrSvg(payload);

  it('is a scalable, crisp SVG with a 4-module quiet zone', () => {
    const m = qrMatrix(payload);
    const side = m.size + 2 * QUIET_ZONE;
    expect(svg).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">`));
    expect(svg).not.toMatch(/<svg[^>]* (width|height)=/);
    // no dark module inside the quiet zone
    const dark = /<path fill="#000" d="([^"]*)"/.exec(svg)![1]!;
    const xs = [...dark.matchAll(/M(\d+) (\d+)h(\d+)/g)].map((r) => [Number(r[1]), Number(r[2]), Number(r[3])] as const);
    expect(Math.min(...xs.map(([x]) => x))).toBe(QUIET_ZONE);
    expect(Math.min(...xs.map(([, y]) => y))).toBe(QUIET_ZONE);
    expect(Math.max(...xs.map(([x, , w]) => x + w))).toBe(side - QUIET_ZONE);
  });

  const side = qrMatrix(payload).size + 2 * QUIET_ZONE;

  it('decodes with zxing and jsQR to the exact GP1 text, at level M', () => {
    const { pixels } = rasterize(svg, side * 8);
    const z = zxingDecode(pixels);
    expect(z.text).toBe(payload);
    expect(z.ecLevel).toBe('M');
    expect(z.mode).toBe('alphanumeric');
    expect(jsqrDecode(pixels)).toBe(payload);
  });

  it('decodes for any payload: 40 random signed tickets, CJK info included', () => {
    const random = fixture();
    for (let i = 0; i < 40; i++) {
      const p = random.ticket({ title: i % 2 ? '流浪地球 3' : 'Dune: Part Two', venue: '星光影城', hall: `Hall ${i}`, seat: `Row ${i}` }).payload;
      const s = qrMatrix(p).size + 2 * QUIET_ZONE;
      const { pixels } = rasterize(qrSvg(p), s * 4);
      expect(jsqrDecode(pixels)).toBe(p);
      const z = zxingDecode(pixels, true);
      expect([z.text, z.ecLevel, z.mode]).toEqual([p, 'M', 'alphanumeric']);
    }
  });

  it.skipIf(!zbar && !ci)('decodes with zbarimg to the exact GP1 text', () => {
    if (!zbar) throw new Error(ZBAR_MISSING);
    expect(zbarDecodePng(rasterize(svg, side * 8).png)).toBe(payload);
    // scaled by a factor that is not a whole number of pixels per module, as a browser might
    expect(zbarDecodePng(rasterize(svg, 613).png)).toBe(payload);
  });
});
