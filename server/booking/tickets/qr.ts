// QR symbols for tickets: the `qrcode` package encodes (segments, Reed-Solomon,
// placement); the mask choice and the SVG are done here, because qrcode's own mask
// search and SVG renderer cost ~2 ms per GP1 symbol and a ticket must cost well under 1.
import QRCode from 'qrcode';

/** The QR alphanumeric character set; GP1 text uses only these. */
const ALNUM_RE = /^[0-9A-Z $%*+\-./:]+$/;
/** Light modules around the symbol, in modules (ISO/IEC 18004 asks for 4). */
export const QUIET_ZONE = 4;

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** size×size, row-major, 1 = dark. */
  dark: Uint8Array;
  version: number;
  mask: number;
  mode: 'alphanumeric' | 'byte';
}

/**
 * Encodes text as a QR symbol at error correction level M: alphanumeric mode when
 * every character is in the QR alphanumeric set (every GP1 text), byte mode (UTF-8) otherwise.
 */
export function qrMatrix(text: string): QrMatrix {
  if (text.length === 0) throw new RangeError('nothing to encode in the QR code');
  const mode = ALNUM_RE.test(text) ? 'alphanumeric' : 'byte';
  const segments: QRCode.QRCodeSegment[] =
    mode === 'alphanumeric' ? [{ data: text, mode }] : [{ data: Buffer.from(text, 'utf8'), mode }];
  // Built with mask 0; the other seven masks are one XOR away (see SizeTables), and
  // their penalties are computed on bit-packed rows and columns.
  const symbol = QRCode.create(segments, { errorCorrectionLevel: 'M', maskPattern: 0 });
  const { size, data, reservedBit } = symbol.modules;
  const t = sizeTables(size, reservedBit);
  const W = t.words;
  const rows = new Int32Array(size * W);
  const cols = new Int32Array(size * W);
  for (let r = 0, i = 0; r < size; r++) {
    const rw = r * W + 0;
    const rBit = 1 << (r & 31);
    const rWord = r >> 5;
    for (let c = 0; c < size; c++, i++) {
      if (data[i]) {
        rows[rw + (c >> 5)]! |= 1 << (c & 31);
        cols[c * W + rWord]! |= rBit;
      }
    }
  }
  let best = 0;
  let bestPenalty = Infinity;
  for (let p = 0; p < 8; p++) {
    const penalty = maskPenalty(t, rows, cols, p);
    if (penalty < bestPenalty) {
      bestPenalty = penalty;
      best = p;
    }
  }
  const dark = new Uint8Array(size * size);
  const delta = t.delta[best]!;
  for (let i = 0; i < dark.length; i++) dark[i] = data[i]! ^ delta[i]!;
  return { size, dark, version: symbol.version, mask: best, mode };
}

/**
 * SVG path data drawing the dark modules of `m` as one path of horizontal runs,
 * offset by (`ox`, `oy`) and scaled by `scale` (user units per module).
 */
export function qrPathData(m: QrMatrix, ox = 0, oy = 0, scale = 1): string {
  if (![ox, oy, scale].every((v) => Number.isInteger(v) && v >= 0 && v < 1e6)) return qrPathDataAny(m, ox, oy, scale);
  // Integer geometry (every use here): ASCII written straight into a buffer, ~3× faster
  // than string building for the ~1,000 runs of a GP1 symbol.
  const { size, dark } = m;
  const out = pathBuffer(19 * size * size + 64); // ≤ size²/2 runs of ≤ 36 bytes
  let o = 0;
  const putInt = (v: number): void => {
    if (v >= 10) {
      if (v >= 100) {
        if (v >= 1000) {
          if (v >= 10000) {
            if (v >= 100000) out[o++] = 48 + Math.floor(v / 100000);
            out[o++] = 48 + (Math.floor(v / 10000) % 10);
          }
          out[o++] = 48 + (Math.floor(v / 1000) % 10);
        }
        out[o++] = 48 + (Math.floor(v / 100) % 10);
      }
      out[o++] = 48 + (Math.floor(v / 10) % 10);
    }
    out[o++] = 48 + (v % 10);
  };
  for (let y = 0; y < size; y++) {
    const row = y * size;
    const py = oy + y * scale;
    let x = 0;
    while (x < size) {
      if (!dark[row + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && dark[row + x]) x++;
      const px = ox + start * scale;
      out[o++] = 77; // M
      putInt(px);
      out[o++] = 32;
      putInt(py);
      out[o++] = 104; // h
      putInt((x - start) * scale);
      out[o++] = 118; // v
      putInt(scale);
      out[o++] = 72; // H
      putInt(px);
      out[o++] = 122; // z
    }
  }
  return out.toString('latin1', 0, o);
}

let scratch = Buffer.alloc(0);
function pathBuffer(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(bytes);
  return scratch;
}

function qrPathDataAny(m: QrMatrix, ox: number, oy: number, scale: number): string {
  const { size, dark } = m;
  let d = '';
  for (let y = 0; y < size; y++) {
    const row = y * size;
    let x = 0;
    while (x < size) {
      if (!dark[row + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < size && dark[row + x]) x++;
      const px = ox + start * scale;
      d += `M${px} ${oy + y * scale}h${(x - start) * scale}v${scale}H${px}z`;
    }
  }
  return d;
}

export interface QrSvgOptions {
  /** Dark module colour, default #000. */
  dark?: string;
  /** Background colour (quiet zone included), default #fff. */
  light?: string;
}

/**
 * The QR code of `payload` as a standalone SVG: level M, alphanumeric mode for GP1
 * text, a 4-module quiet zone, crisp edges, and only a viewBox (1 unit per module)
 * so it scales to any size.
 */
export function qrSvg(payload: string, opts: QrSvgOptions = {}): string {
  const m = qrMatrix(payload);
  const side = m.size + 2 * QUIET_ZONE;
  const dark = opts.dark ?? '#000';
  const light = opts.light ?? '#fff';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<path fill="${light}" d="M0 0h${side}v${side}H0z"/>` +
    `<path fill="${dark}" d="${qrPathData(m, QUIET_ZONE, QUIET_ZONE)}"/></svg>`
  );
}

// ---- mask search: the same patterns, format bits and penalty rules as qrcode's own
// getBestMask (so the same mask wins: the tests check it), ~10× faster.

interface SizeTables {
  size: number;
  /** 32-bit words per packed row or column */
  words: number;
  /** per mask p, per module: XOR turning the mask-0 symbol into the mask-p one
   *  (data modules: mask0 ^ maskP; format modules: format(0) ^ format(p)) */
  delta: Uint8Array[];
  deltaRows: Int32Array[];
  deltaCols: Int32Array[];
  /** positions b where a window b..b+k-1 lies inside the line, k = 2, 5, 11 */
  valid2: Int32Array;
  valid5: Int32Array;
  valid11: Int32Array;
  /** scratch: the line shifted by 0..10 modules, and the previous row shifted by 0..1 */
  shifted: Int32Array;
  prev: Int32Array;
}

const tablesBySize = new Map<number, SizeTables>();

function sizeTables(size: number, reserved: Uint8Array): SizeTables {
  const cached = tablesBySize.get(size);
  if (cached) return cached;
  const words = (size + 31) >> 5;
  const format0 = new Uint8Array(size * size);
  writeFormatInfo(format0, size, 0);
  const t: SizeTables = {
    size,
    words,
    delta: [],
    deltaRows: [],
    deltaCols: [],
    valid2: validMask(words, size - 2),
    valid5: validMask(words, size - 5),
    valid11: validMask(words, size - 11),
    shifted: new Int32Array(11 * (words + 1)),
    prev: new Int32Array(2 * (words + 1)),
  };
  for (let p = 0; p < 8; p++) {
    const formatP = new Uint8Array(size * size);
    writeFormatInfo(formatP, size, p);
    const delta = new Uint8Array(size * size);
    const dRows = new Int32Array(size * words);
    const dCols = new Int32Array(size * words);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const i = r * size + c;
        const v = reserved[i] ? format0[i]! ^ formatP[i]! : (maskAt(0, r, c) ? 1 : 0) ^ (maskAt(p, r, c) ? 1 : 0);
        delta[i] = v;
        if (v) {
          dRows[r * words + (c >> 5)]! |= 1 << (c & 31);
          dCols[c * words + (r >> 5)]! |= 1 << (r & 31);
        }
      }
    }
    t.delta.push(delta);
    t.deltaRows.push(dRows);
    t.deltaCols.push(dCols);
  }
  tablesBySize.set(size, t);
  return t;
}

/** Bits 0..last set (none when last < 0). */
function validMask(words: number, last: number): Int32Array {
  const m = new Int32Array(words);
  for (let b = 0; b <= last; b++) m[b >> 5]! |= 1 << (b & 31);
  return m;
}

function maskAt(p: number, i: number, j: number): boolean {
  switch (p) {
    case 0: return (i + j) % 2 === 0;
    case 1: return i % 2 === 0;
    case 2: return j % 3 === 0;
    case 3: return (i + j) % 3 === 0;
    case 4: return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5: return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6: return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default: return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0;
  }
}

// Format information for level M (bits 00) and a mask: BCH(15,5) with the 0x5412 mask.
const G15 = 0b10100110111;
function formatBits(mask: number): number {
  const data = (0b00 << 3) | mask;
  let d = data << 10;
  for (let bit = 14; bit >= 10; bit--) if ((d >> bit) & 1) d ^= G15 << (bit - 10);
  return ((data << 10) | d) ^ 0b101010000010010;
}

function writeFormatInfo(m: Uint8Array, size: number, mask: number): void {
  const bits = formatBits(mask);
  for (let i = 0; i < 15; i++) {
    const mod = (bits >> i) & 1;
    // vertical, next to the left finders
    const row = i < 6 ? i : i < 8 ? i + 1 : size - 15 + i;
    m[row * size + 8] = mod;
    // horizontal, under the top finders
    const col = i < 8 ? size - i - 1 : i < 9 ? 15 - i : 15 - i - 1;
    m[8 * size + col] = mod;
  }
  m[(size - 8) * size + 8] = 1; // the dark module
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Loads line `line` of `base ^ delta` into t.shifted as 11 copies shifted by k = 0..10
 * modules (copy k holds module b+k at bit b; modules past the end read 0), and
 * returns the N1 + N3 penalty of the line:
 * - N1: a run of L ≥ 5 same-colour modules scores L − 2; a run has L − 4 uniform
 *   5-module windows and one first window, so N1 = #uniform windows + 2 × #first ones;
 * - N3: 40 per 11-module window reading 10111010000 or 00001011101.
 */
function loadLine(t: SizeTables, base: Int32Array, delta: Int32Array, line: number): number {
  const W = t.words;
  const S = W + 1;
  const s = t.shifted;
  const off = line * W;
  for (let j = 0; j < W; j++) s[j] = base[off + j]! ^ delta[off + j]!;
  s[W] = 0;
  for (let k = 1; k <= 10; k++) {
    const o = k * S;
    for (let j = 0; j < W; j++) s[o + j] = (s[j]! >>> k) | (s[j + 1]! << (32 - k));
    s[o + W] = 0;
  }
  let n1 = 0;
  let n3 = 0;
  let carry = 0; // bit 31 of the previous word of U5
  for (let j = 0; j < W; j++) {
    const x0 = s[j]!, x1 = s[S + j]!, x2 = s[2 * S + j]!, x3 = s[3 * S + j]!, x4 = s[4 * S + j]!;
    const x5 = s[5 * S + j]!, x6 = s[6 * S + j]!, x7 = s[7 * S + j]!, x8 = s[8 * S + j]!, x9 = s[9 * S + j]!;
    const x10 = s[10 * S + j]!;
    const u5 = ~(x0 ^ x1) & ~(x1 ^ x2) & ~(x2 ^ x3) & ~(x3 ^ x4) & t.valid5[j]!;
    const firsts = u5 & ~((u5 << 1) | carry);
    carry = u5 >>> 31;
    n1 += popcount(u5) + 2 * popcount(firsts);
    const core = ~x5 & x6; // shared by both patterns: module b+5 light, b+6 dark
    const a = x0 & ~x1 & x2 & x3 & x4 & core & ~x7 & ~x8 & ~x9 & ~x10;
    const b = ~x0 & ~x1 & ~x2 & ~x3 & x4 & core & x7 & x8 & ~x9 & x10;
    n3 += popcount((a | b) & t.valid11[j]!);
  }
  return n1 + 40 * n3;
}

function maskPenalty(t: SizeTables, rows: Int32Array, cols: Int32Array, p: number): number {
  const { size, words: W } = t;
  const S = W + 1;
  const s = t.shifted;
  const prev = t.prev;
  const dRows = t.deltaRows[p]!;
  const dCols = t.deltaCols[p]!;
  let points = 0;
  let n2 = 0;
  let darkCount = 0;
  for (let r = 0; r < size; r++) {
    points += loadLine(t, rows, dRows, r);
    for (let j = 0; j < W; j++) {
      const a0 = s[j]!;
      const a1 = s[S + j]!;
      darkCount += popcount(a0);
      if (r > 0) {
        // N2: 2×2 blocks of one colour with the row above
        const b0 = prev[j]!;
        const b1 = prev[S + j]!;
        n2 += popcount(~(a0 ^ b0) & ~(a1 ^ b1) & ~(a0 ^ a1) & t.valid2[j]!);
      }
      prev[j] = a0;
      prev[S + j] = a1;
    }
  }
  for (let c = 0; c < size; c++) points += loadLine(t, cols, dCols, c);
  // N4: 10 per 5% the dark share is away from 50%
  const k = Math.abs(Math.ceil((darkCount * 100) / (size * size) / 5) - 10);
  return points + n2 * 3 + k * 10;
}
