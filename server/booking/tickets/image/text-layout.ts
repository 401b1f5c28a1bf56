// Text layout for the ticket image with the font's own advance widths: line breaking
// that keeps CJK punctuation where it belongs, ellipsis, and the largest size that fits.
import { cjkFonts, glyph, isXmlChar, type Weight } from './font.js';

export const round = (v: number, digits = 2): string => String(Math.round(v * 10 ** digits) / 10 ** digits);


/** Ticket text as drawable characters: controls and line breaks become spaces. */
export function clean(s: unknown): string {
  let out = '';
  for (const ch of String(s ?? '')) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x20 || cp === 0x7f || !isXmlChar(cp) ? ' ' : ch;
  }
  return out.replace(/\s+/g, ' ').trim();
}

export interface Style {
  size: number;
  weight: Weight;
  /** extra space after each character, px */
  tracking?: number;
}

export function measure(text: string, st: Style): number {
  const f = cjkFonts();
  const face = st.weight === 700 ? f.bold : f.regular;
  const k = st.size / face.unitsPerEm;
  let w = 0;
  let n = 0;
  for (const ch of text) {
    w += face.advance(ch.codePointAt(0)!) * k;
    n++;
  }
  return w + (st.tracking ?? 0) * Math.max(0, n - 1);
}

// Break opportunities: after spaces, around CJK characters; never before closing
// punctuation or after opening punctuation.
const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;
const NO_LINE_START = /^[)\]}>,.;:!?%'"’”）》」』】〕〉，。、；：！？…·～]/u;
const NO_LINE_END = /[([{<'"‘“（《「『【〔〈]$/u;

export function segments(text: string): string[] {
  const out: string[] = [];
  let word = '';
  for (const ch of text) {
    if (ch === ' ') {
      if (word) out.push(word);
      word = '';
      out.push(' ');
    } else if (CJK_RE.test(ch)) {
      if (word) out.push(word);
      word = '';
      out.push(ch);
    } else {
      word += ch;
    }
  }
  if (word) out.push(word);
  // glue closing punctuation to what precedes it, opening punctuation to what follows
  const glued: string[] = [];
  for (const seg of out) {
    const last = glued[glued.length - 1];
    if (last !== undefined && last !== ' ' && seg !== ' ' && (NO_LINE_START.test(seg) || NO_LINE_END.test(last))) {
      glued[glued.length - 1] = last + seg;
    } else {
      glued.push(seg);
    }
  }
  return glued;
}

/** Greedy line filling; a segment wider than a line is split between characters. */
export function wrap(text: string, st: Style, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  const push = (): void => {
    const l = line.trimEnd();
    if (l) lines.push(l);
    line = '';
  };
  for (const seg of segments(text)) {
    if (seg === ' ') {
      if (line) line += ' ';
      continue;
    }
    if (measure(line + seg, st) <= maxWidth) {
      line += seg;
      continue;
    }
    if (line.trim()) push();
    if (measure(seg, st) <= maxWidth) {
      line = seg;
      continue;
    }
    for (const ch of seg) {
      if (line && measure(line + ch, st) > maxWidth) push();
      line += ch;
    }
  }
  push();
  return lines;
}

export function ellipsize(text: string, st: Style, maxWidth: number): string {
  if (measure(text, st) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 0 && measure(chars.join('').trimEnd() + '…', st) > maxWidth) chars.pop();
  return chars.join('').trimEnd() + '…';
}

export interface Fitted {
  size: number;
  lines: string[];
}

/**
 * The largest size in `sizes` at which `text` wraps into at most `maxLines(size)` lines
 * of `maxWidth`; at the smallest size the last line is cut with an ellipsis.
 */
export function fit(text: string, weight: Weight, sizes: number[], maxWidth: number, maxLines: number | ((size: number) => number), tracking = 0): Fitted {
  const limit = typeof maxLines === 'number' ? () => maxLines : maxLines;
  let lines: string[] = [];
  let size = sizes[0]!;
  for (size of sizes) {
    lines = wrap(text, { size, weight, tracking }, maxWidth);
    if (lines.length <= limit(size)) return { size, lines };
  }
  const n = Math.max(1, limit(size));
  const kept = lines.slice(0, n);
  kept[n - 1] = ellipsize(lines.slice(n - 1).join(' '), { size, weight, tracking }, maxWidth);
  return { size, lines: kept };
}

// ---- SVG composition

/** Collects the glyph runs of one image, then writes them with their <defs>. */
export class TextLayer {
  private readonly runs: { text: string; x: number; y: number; st: Style; fill: string; anchor: 'start' | 'middle' | 'end' }[] = [];

  add(text: string, x: number, y: number, st: Style, fill: string, anchor: 'start' | 'middle' | 'end' = 'start'): void {
    if (text) this.runs.push({ text, x, y, st, fill, anchor });
  }

  toSvg(): { defs: string; body: string } {
    const f = cjkFonts();
    const used = new Map<string, string>();
    let body = '';
    for (const r of this.runs) {
      const upm = (r.st.weight === 700 ? f.bold : f.regular).unitsPerEm;
      const k = r.st.size / upm;
      const width = measure(r.text, r.st);
      const x0 = r.anchor === 'start' ? r.x : r.anchor === 'middle' ? r.x - width / 2 : r.x - width;
      const track = (r.st.tracking ?? 0) / k;
      // outlines are in font units, y up
      body += `<g fill="${r.fill}" transform="translate(${round(x0)} ${round(r.y)}) scale(${round(k, 5)} ${-round(k, 5)})">`;
      let pen = 0;
      for (const ch of r.text) {
        const g = glyph(r.st.weight, ch.codePointAt(0)!);
        if (g.id) {
          used.set(g.id, g.d);
          body += `<use xlink:href="#${g.id}" x="${round(pen)}"/>`;
        }
        pen += g.advance + track;
      }
      body += '</g>';
    }
    let defs = '';
    for (const [id, d] of used) defs += `<path id="${id}" d="${d}"/>`;
    return { defs, body };
  }
}
