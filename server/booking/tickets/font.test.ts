import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { cjkFonts, findCjkFonts, glyph, glyphsFor } from './font.js';

describe('fonts', () => {
  it('finds Noto Sans CJK SC, regular and bold, with its metrics', () => {
    const fonts = cjkFonts();
    expect(fonts.family).toMatch(/CJK SC|Source Han Sans SC/);
    expect(fonts.bold.file).not.toBe(fonts.regular.file);
    expect(fonts.regular.advance('流'.codePointAt(0)!)).toBe(fonts.regular.unitsPerEm);
    expect(fonts.regular.advance('i'.codePointAt(0)!)).toBeLessThan(fonts.regular.advance('W'.codePointAt(0)!));
    expect(fonts.regular.has(0xe000)).toBe(false);
  });

  it('names the package to install when there is no CJK font', () => {
    expect(() => findCjkFonts(['/nonexistent/NotoSansCJK-Regular.ttc'], false)).toThrow(/apt-get install fonts-noto-cjk/);
  });

  it("reads the same glyph outlines from the CFF table as resvg's own text engine draws", () => {
    const f = cjkFonts();
    const sample = [...'AgQ&@5%流浪地球影厅座位有效期（），。…ÄßéЖ→①鬱'];
    const nums = (d: string): number[] => (d.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
    for (const weight of [400, 700] as const) {
      const face = weight === 700 ? f.bold : f.regular;
      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1">' +
        sample
          .map((c, i) => `<text id="q${i}" y="0" font-size="${face.unitsPerEm}" font-family="${f.family}" font-weight="${weight}">${c.replace('&', '&amp;')}</text>`)
          .join('') +
        '</svg>';
      const tree = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: f.files, defaultFontFamily: f.family }, logLevel: 'off' }).toString();
      const resvgPaths = new Map([...tree.matchAll(/<g id="q(\d+)"[^>]*>[\s\S]*? d="([^"]*)"/g)].map((m) => [Number(m[1]), m[2]!]));
      sample.forEach((c, i) => {
        const theirs = resvgPaths.get(i)!;
        const ours = face.outlines()!.outline(face.glyphId(c.codePointAt(0)!));
        expect(ours.replace(/[^MLCZ]/g, ''), c).toBe(theirs.replace(/[^MLCZ]/g, ''));
        const [a, b] = [nums(ours), nums(theirs)];
        expect(a.length, c).toBe(b.length);
        expect(a.every((v, k) => Math.abs(v - b[k]!) < 0.6), c).toBe(true);
      });
    }
  });

  it('caches one outline per character and weight', () => {
    glyphsFor([{ text: '影院 影', weight: 400 }]);
    const first = glyph(400, '影'.codePointAt(0)!);
    glyphsFor([{ text: '影', weight: 400 }]);
    expect(glyph(400, '影'.codePointAt(0)!)).toBe(first);
    expect(first?.d).toMatch(/^M/);
    expect(glyph(400, '院'.codePointAt(0)!)?.d).not.toBe(first?.d);
    expect(glyph(700, '影'.codePointAt(0)!)).toBeUndefined();
    expect(glyph(400, 0x20)).toMatchObject({ id: '', d: '' });
  });
});
