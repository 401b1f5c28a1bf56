// The CJK font for ticket images: finding Noto Sans CJK on disk, and its advance widths
// and glyph outlines (read by fontkit) cached as SVG path data.
//
// Why outlines and not <text>: resvg loads every font file again for each `new Resvg()`
// (a 20 MB CJK collection each time), which would cap ticket images at a few per second.
// So the fonts are parsed once per process, each character is outlined once, ticket
// SVGs carry the outlines as <path>s, and resvg rasterises the tickets without any font.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fontkit from 'fontkit';

export const CJK_FAMILIES = ['Noto Sans CJK SC', 'Source Han Sans SC'];
const REGULAR_PATHS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', // Debian, Ubuntu (fonts-noto-cjk)
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', // Arch (noto-fonts-cjk)
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', // Fedora
  '/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc', // Fedora 39+
  '/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf',
  '/usr/local/share/fonts/NotoSansCJK-Regular.ttc',
  '/opt/homebrew/share/fonts/NotoSansCJK-Regular.ttc',
];
const MISSING_FONT_HELP =
  'No Noto Sans CJK font found for ticket images (CJK text would render as empty boxes). ' +
  'Install the Debian/Ubuntu package fonts-noto-cjk (apt-get install fonts-noto-cjk), ' +
  'or your system’s Noto Sans CJK / Source Han Sans package.';

export type Weight = 400 | 700;

/** One face of the font, its metrics in font units. */
export interface Face {
  file: string;
  family: string;
  unitsPerEm: number;
  /** advance width of a code point (the .notdef width when the face lacks it) */
  advance(codePoint: number): number;
  has(codePoint: number): boolean;
  /** SVG path data of the code point's glyph, font units, y up (the .notdef box when the face lacks it) */
  outline(codePoint: number): string;
}

export interface CjkFonts {
  regular: Face;
  bold: Face;
  files: string[];
  family: string;
}

let fonts: CjkFonts | undefined;

/**
 * The Noto Sans CJK regular and bold faces, found and parsed once per process: well-known
 * paths first, then fc-match. Throws an error naming the fonts-noto-cjk package when none is installed.
 */
export function cjkFonts(): CjkFonts {
  fonts ??= findCjkFonts(REGULAR_PATHS, true);
  return fonts;
}

/** cjkFonts' search, over `regularPaths` and (when `useFcMatch`) fontconfig. */
export function findCjkFonts(regularPaths: string[], useFcMatch: boolean): CjkFonts {
  const regular = firstFace(regularPaths) ?? (useFcMatch ? firstFace(fcMatch(400)) : undefined);
  if (!regular) throw new Error(MISSING_FONT_HELP);
  const boldCandidates = [regular.file.replace(/Regular/g, 'Bold'), ...(useFcMatch ? fcMatch(700) : [])];
  const boldFace = firstFace(boldCandidates.filter((f) => f !== regular.file));
  const bold = boldFace && boldFace.family === regular.family ? boldFace : regular;
  return { regular, bold, family: regular.family, files: [...new Set([regular.file, bold.file])] };
}

function fcMatch(weight: Weight): string[] {
  const out: string[] = [];
  for (const family of CJK_FAMILIES) {
    try {
      const file = execFileSync('fc-match', ['-f', '%{file}', `${family}:weight=${weight === 700 ? 200 : 80}`], {
        encoding: 'utf8',
        timeout: 5000,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      if (file) out.push(file);
    } catch {
      // no fontconfig: the well-known paths were all there was
    }
  }
  return out;
}

function firstFace(paths: string[]): Face | undefined {
  for (const file of paths) {
    if (!existsSync(file)) continue;
    try {
      const face = openFace(file, CJK_FAMILIES);
      if (face) return face;
    } catch {
      // not a font fontkit can read: try the next one
    }
  }
  return undefined;
}

/** The face of `file` (a .ttc collection or a single .otf/.ttf) whose family is one of `families`. */
function openFace(file: string, families: string[]): Face | undefined {
  const opened = fontkit.openSync(file);
  const faces = 'fonts' in opened ? opened.fonts : [opened];
  for (const font of faces) {
    // name ID 16 (typographic family) where a face has one, else name ID 1
    const names = [font.getName('preferredFamily', 'en'), font.familyName];
    const family = families.find((f) => names.includes(f));
    if (family) return faceOf(font, file, family);
  }
  return undefined;
}

function faceOf(font: fontkit.Font, file: string, family: string): Face {
  const advances = new Map<number, number>();
  return {
    file,
    family,
    unitsPerEm: font.unitsPerEm,
    has: (cp) => font.hasGlyphForCodePoint(cp),
    outline: (cp) => font.glyphForCodePoint(cp).path.toSVG(),
    advance(cp) {
      let a = advances.get(cp);
      if (a === undefined) {
        a = font.glyphForCodePoint(cp).advanceWidth;
        advances.set(cp, a);
      }
      return a;
    },
  };
}

// ---- glyph outlines

export interface Glyph {
  /** id of the glyph's <path> in a ticket's <defs>; '' when it draws nothing (space) */
  id: string;
  /** path data in font units, y up, origin on the baseline */
  d: string;
  /** advance width in font units */
  advance: number;
}

const glyphCache = new Map<string, Glyph>();
/** Distinct outlines kept; past this the cache starts over (a CJK title uses a few dozen). */
const GLYPH_CACHE_LIMIT = 20_000;
let nextGlyphId = 0;

/** Characters that XML 1.0 cannot carry, which no ticket text needs. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Whitespace and characters XML cannot carry draw nothing. */
function drawable(cp: number): boolean {
  return isXmlChar(cp) && cp > 0x20 && !/\s/u.test(String.fromCodePoint(cp));
}

/** The glyph of a code point at a weight, outlined on first use and then cached. */
export function glyph(weight: Weight, cp: number): Glyph {
  const key = `${weight === 700 ? 'b' : 'r'}${cp}`;
  let g = glyphCache.get(key);
  if (!g) {
    const f = cjkFonts();
    const face = weight === 700 ? f.bold : f.regular;
    const d = drawable(cp) ? face.outline(cp) : '';
    // Ids stay unique across a cache reset, so one SVG never names two outlines alike.
    g = { id: d ? `g${(nextGlyphId++).toString(36)}` : '', d, advance: face.advance(cp) };
    if (glyphCache.size >= GLYPH_CACHE_LIMIT) glyphCache.clear();
    glyphCache.set(key, g);
  }
  return g;
}
