import { describe, expect, it } from 'vitest';
import { cjkFonts, findCjkFonts, glyph } from './font.js';

describe('fonts', () => {
  it('finds Noto Sans CJK SC, regular and bold, with its metrics, once per process', () => {
    const fonts = cjkFonts();
    expect(cjkFonts()).toBe(fonts);
    expect(fonts.family).toMatch(/CJK SC|Source Han Sans SC/);
    expect(fonts.bold.file).not.toBe(fonts.regular.file);
    expect(fonts.regular.advance('流'.codePointAt(0)!)).toBe(fonts.regular.unitsPerEm);
    expect(fonts.regular.advance('i'.codePointAt(0)!)).toBeLessThan(fonts.regular.advance('W'.codePointAt(0)!));
    expect(fonts.regular.has(0xe000)).toBe(false);
  });

  it('names the package to install when there is no CJK font', () => {
    expect(() => findCjkFonts(['/nonexistent/NotoSansCJK-Regular.ttc'], false)).toThrow(/apt-get install fonts-noto-cjk/);
  });

  it('caches one outline per character and weight', () => {
    const first = glyph(400, '影'.codePointAt(0)!);
    expect(glyph(400, '影'.codePointAt(0)!)).toBe(first);
    expect(first.d).toMatch(/^M/);
    expect(glyph(400, '院'.codePointAt(0)!).d).not.toBe(first.d);
    expect(glyph(700, '影'.codePointAt(0)!).d).not.toBe(first.d);
    expect(glyph(400, 0x20)).toMatchObject({ id: '', d: '' });
  });
});
