// The CJK font for ticket images: finding Noto Sans CJK on disk, its metrics (read from
// the OpenType tables here), and glyph outlines cached as SVG path data.
//
// Why outlines and not <text>: resvg loads every font file again for each `new Resvg()`
// (~30 ms per 20 MB CJK collection, with fontFiles or fontDirs alike), and reads the
// file once more for every glyph it outlines (~20 ms each), which would cap ticket
// images at a few per second. So outlines come from the font's CFF table (cff.ts, ~30 µs
// a glyph, each character once per process), ticket SVGs carry them as <path>s, and
// resvg rasterises the tickets without loading any font.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { CffOutlines } from './cff.js';

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

/** Metrics of one font face, in font units. */
export interface FaceMetrics {
  file: string;
  family: string;
  unitsPerEm: number;
  ascender: number;
  descender: number;
  /** advance width of a code point (the .notdef width when the face lacks it) */
  advance(codePoint: number): number;
  has(codePoint: number): boolean;
  glyphId(codePoint: number): number;
  /** the face's CFF outlines (undefined for TrueType outlines) */
  outlines(): CffOutlines | undefined;
}

export interface CjkFonts {
  regular: FaceMetrics;
  bold: FaceMetrics;
  files: string[];
  family: string;
}

let fonts: CjkFonts | undefined;

/**
 * The Noto Sans CJK regular and bold faces, found once per process: well-known paths
 * first, then fc-match. Throws an error naming the fonts-noto-cjk package when none is installed.
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

function firstFace(paths: string[]): FaceMetrics | undefined {
  for (const file of paths) {
    if (!existsSync(file)) continue;
    try {
      const face = readFace(file, CJK_FAMILIES);
      if (face) return face;
    } catch {
      // not a font we can read: try the next one
    }
  }
  return undefined;
}

// ---- OpenType / TrueType collection reading: just name, head, hhea, hmtx and cmap.

class FileReader {
  private readonly fd: number;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }
  read(offset: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buf, got, length - got, offset + got);
      if (n === 0) throw new Error(`${this.path}: unexpected end of file`);
      got += n;
    }
    return buf;
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** The face of `file` (a .ttc collection or a single .otf/.ttf) whose family is one of `families`. */
export function readFace(file: string, families: string[]): FaceMetrics | undefined {
  const r = new FileReader(file);
  try {
    const head = r.read(0, 12);
    const offsets: number[] = [];
    if (head.toString('latin1', 0, 4) === 'ttcf') {
      const n = head.readUInt32BE(8);
      const list = r.read(12, 4 * Math.min(n, 64));
      for (let i = 0; i < Math.min(n, 64); i++) offsets.push(list.readUInt32BE(4 * i));
    } else {
      offsets.push(0);
    }
    for (const offset of offsets) {
      const tables = readTableDirectory(r, offset);
      const nameT = tables.get('name');
      if (!nameT) continue;
      const names = readNames(r.read(nameT.offset, nameT.length));
      const family = families.find((f) => names.has(f));
      if (!family) continue;
      return readMetrics(r, tables, file, family);
    }
    return undefined;
  } finally {
    r.close();
  }
}

interface TableRecord {
  offset: number;
  length: number;
}

function readTableDirectory(r: FileReader, offset: number): Map<string, TableRecord> {
  const numTables = r.read(offset + 4, 2).readUInt16BE(0);
  const dir = r.read(offset + 12, 16 * numTables);
  const tables = new Map<string, TableRecord>();
  for (let i = 0; i < numTables; i++) {
    tables.set(dir.toString('latin1', 16 * i, 16 * i + 4), {
      offset: dir.readUInt32BE(16 * i + 8),
      length: dir.readUInt32BE(16 * i + 12),
    });
  }
  return tables;
}

/** Family names (name IDs 1 and 16) of a face. */
function readNames(t: Buffer): Set<string> {
  const count = t.readUInt16BE(2);
  const strings = t.readUInt16BE(4);
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const rec = 6 + 12 * i;
    const platform = t.readUInt16BE(rec);
    const nameId = t.readUInt16BE(rec + 6);
    if (nameId !== 1 && nameId !== 16) continue;
    const length = t.readUInt16BE(rec + 8);
    const start = strings + t.readUInt16BE(rec + 10);
    const raw = t.subarray(start, start + length);
    if (platform === 0 || platform === 3) names.add(Buffer.from(raw).swap16().toString('utf16le'));
    else if (platform === 1) names.add(raw.toString('latin1'));
  }
  return names;
}

function readMetrics(r: FileReader, tables: Map<string, TableRecord>, file: string, family: string): FaceMetrics {
  const need = (tag: string): Buffer => {
    const t = tables.get(tag);
    if (!t) throw new Error(`${file}: no ${tag} table`);
    return r.read(t.offset, t.length);
  };
  const head = need('head');
  const hhea = need('hhea');
  const hmtx = need('hmtx');
  const cmap = need('cmap');
  const unitsPerEm = head.readUInt16BE(18);
  const ascender = hhea.readInt16BE(4);
  const descender = hhea.readInt16BE(6);
  const numHMetrics = hhea.readUInt16BE(34);
  const glyphOf = cmapLookup(cmap);
  const advanceOf = (gid: number): number => hmtx.readUInt16BE(4 * Math.min(gid, numHMetrics - 1));
  const cache = new Map<number, number>();
  const cffAt = tables.get('CFF ')?.offset;
  let cff: CffOutlines | undefined;
  return {
    file,
    family,
    unitsPerEm,
    ascender,
    descender,
    has: (cp) => glyphOf(cp) !== 0,
    glyphId: glyphOf,
    outlines: () => (cff ??= cffAt === undefined ? undefined : new CffOutlines(file, cffAt)),
    advance(cp) {
      let a = cache.get(cp);
      if (a === undefined) {
        a = advanceOf(glyphOf(cp));
        cache.set(cp, a);
      }
      return a;
    },
  };
}

/** Code point → glyph ID from the Unicode cmap subtable (format 12, else format 4). */
function cmapLookup(cmap: Buffer): (cp: number) => number {
  const n = cmap.readUInt16BE(2);
  let f12 = -1;
  let f4 = -1;
  for (let i = 0; i < n; i++) {
    const platform = cmap.readUInt16BE(4 + 8 * i);
    const encoding = cmap.readUInt16BE(6 + 8 * i);
    const off = cmap.readUInt32BE(8 + 8 * i);
    const format = cmap.readUInt16BE(off);
    if (format === 12 && (platform === 3 || platform === 0)) f12 = off;
    else if (format === 4 && ((platform === 3 && encoding === 1) || platform === 0)) f4 = off;
  }
  if (f12 >= 0) {
    const groups = cmap.readUInt32BE(f12 + 12);
    const base = f12 + 16;
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = base + 12 * mid;
        if (cp < cmap.readUInt32BE(g)) hi = mid - 1;
        else if (cp > cmap.readUInt32BE(g + 4)) lo = mid + 1;
        else return cmap.readUInt32BE(g + 8) + (cp - cmap.readUInt32BE(g));
      }
      return 0;
    };
  }
  if (f4 >= 0) {
    const segX2 = cmap.readUInt16BE(f4 + 6);
    const ends = f4 + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const rangeOffsets = deltas + segX2;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segX2; s += 2) {
        if (cp > cmap.readUInt16BE(ends + s)) continue;
        const start = cmap.readUInt16BE(starts + s);
        if (cp < start) return 0;
        const ro = cmap.readUInt16BE(rangeOffsets + s);
        const delta = cmap.readUInt16BE(deltas + s);
        if (ro === 0) return (cp + delta) & 0xffff;
        const gid = cmap.readUInt16BE(rangeOffsets + s + ro + 2 * (cp - start));
        return gid === 0 ? 0 : (gid + delta) & 0xffff;
      }
      return 0;
    };
  }
  throw new Error('no Unicode cmap');
}

// ---- glyph outlines

export interface Glyph {
  /** id of the glyph's <path> in a ticket's <defs>; '' when it draws nothing (space) */
  id: string;
  /** path data in font units, y down, origin on the baseline */
  d: string;
  /** advance width in font units */
  advance: number;
}

const glyphCache = new Map<string, Glyph>();
/** Distinct outlines kept; past this the cache starts over (a CJK title uses a few dozen). */
const GLYPH_CACHE_LIMIT = 20_000;
let nextGlyphId = 0;

const key = (weight: Weight, cp: number): string => `${weight === 700 ? 'b' : 'r'}${cp}`;

/** Characters that XML 1.0 cannot carry, which no ticket text needs. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * The glyphs of `text` (by code point), extracting any not yet cached with one resvg
 * pass over the font files. Control and non-XML characters come back as blanks.
 */
export function glyphsFor(runs: { text: string; weight: Weight }[]): Map<string, Glyph> {
  const f = cjkFonts();
  const missing = new Map<string, { cp: number; weight: Weight }>();
  for (const { text, weight } of runs) {
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const k = key(weight, cp);
      if (!glyphCache.has(k) && !missing.has(k)) missing.set(k, { cp, weight });
    }
  }
  if (missing.size === 0) return glyphCache;
  if (glyphCache.size > 0 && glyphCache.size + missing.size > GLYPH_CACHE_LIMIT) {
    glyphCache.clear();
    return glyphsFor(runs);
  }
  extractOutlines(f, [...missing.entries()]);
  return glyphCache;
}

export function glyph(weight: Weight, cp: number): Glyph | undefined {
  return glyphCache.get(key(weight, cp));
}

function extractOutlines(f: CjkFonts, wanted: [string, { cp: number; weight: Weight }][]): void {
  const viaResvg: [string, { cp: number; weight: Weight }][] = [];
  for (const entry of wanted) {
    const [k, { cp, weight }] = entry;
    const face = weight === 700 ? f.bold : f.regular;
    if (!drawable(cp)) {
      glyphCache.set(k, { id: '', d: '', advance: face.advance(cp) });
      continue;
    }
    const cff = face.outlines();
    if (!cff) {
      viaResvg.push(entry);
      continue;
    }
    const d = cff.outline(face.glyphId(cp));
    glyphCache.set(k, { id: d ? `g${(nextGlyphId++).toString(36)}` : '', d, advance: face.advance(cp) });
  }
  if (viaResvg.length > 0) extractWithResvg(f, viaResvg);
}

/** Whitespace and characters XML cannot carry draw nothing. */
function drawable(cp: number): boolean {
  return isXmlChar(cp) && cp > 0x20 && !/\s/u.test(String.fromCodePoint(cp));
}

/**
 * Outlines by resvg, for fonts without CFF outlines: slow (resvg reads the font file
 * again per glyph), so only a fallback.
 */
export function extractWithResvg(f: CjkFonts, wanted: [string, { cp: number; weight: Weight }][]): void {
  const upm = f.regular.unitsPerEm;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1">`;
  wanted.forEach(([, { cp, weight }], i) => {
    if (!drawable(cp)) return;
    svg +=
      `<text id="q${i}" x="0" y="0" font-size="${upm}" font-family="${f.family}" font-weight="${weight}" ` +
      `xml:space="preserve">${xmlEscape(String.fromCodePoint(cp))}</text>`;
  });
  svg += '</svg>';
  const tree = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: f.files, defaultFontFamily: f.family, sansSerifFamily: f.family },
    logLevel: 'off',
  }).toString();
  const outlines = new Map<number, string>();
  const groupRe = /<g id="q(\d+)"[^>]*>([\s\S]*?)<\/g>/g;
  for (let m = groupRe.exec(tree); m; m = groupRe.exec(tree)) {
    if (/transform=/.test(m[0])) throw new Error('unexpected transform in a resvg glyph outline');
    const ds = [...m[2]!.matchAll(/ d="([^"]*)"/g)].map((d) => compactPath(d[1]!));
    outlines.set(Number(m[1]), ds.join(''));
  }
  wanted.forEach(([k, { cp, weight }], i) => {
    const d = outlines.get(i) ?? '';
    const face = weight === 700 ? f.bold : f.regular;
    glyphCache.set(k, { id: d ? `g${(nextGlyphId++).toString(36)}` : '', d, advance: face.advance(cp) });
  });
}

/** Shortens resvg's path output: rounded numbers, no spaces around commands. */
function compactPath(d: string): string {
  return d
    .replace(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g, (n) => String(Math.round(Number(n) * 10) / 10))
    .replace(/ ?([MLCQZ]) ?/g, '$1')
    .replace(/ -/g, '-');
}

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
