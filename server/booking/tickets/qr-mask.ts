// QR mask choice for ticket symbols, split from qr.ts: the same patterns, format
// bits and penalty rules as qrcode's own getBestMask (the tests check the same
// mask wins), on bit-packed rows and columns, ~10× faster.
// ---- mask search: the same patterns, format bits and penalty rules as qrcode's own
// getBestMask (so the same mask wins: the tests check it), ~10× faster.

export interface SizeTables {
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

export function sizeTables(size: number, reserved: Uint8Array): SizeTables {
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

export function maskAt(p: number, i: number, j: number): boolean {
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
 * Loads line `line` of `base ^ delta` into t.shifted as copies shifted by k = 0 and 1
 * module (copy k holds module b+k at bit b; modules past the end read 0), reads it
 * shifted by k = 0..10, and
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
  // Copies 0 and 1 are kept (maskPenalty's N2 reads them); copies 2..10 are
  // only needed word by word, so they are computed in registers below.
  for (let j = 0; j < W; j++) s[S + j] = (s[j]! >>> 1) | (s[j + 1]! << 31);
  s[S + W] = 0;
  let n1 = 0;
  let n3 = 0;
  let carry = 0; // bit 31 of the previous word of U5
  for (let j = 0; j < W; j++) {
    const a0 = s[j]!;
    const a1 = s[j + 1]!;
    const x0 = a0, x1 = s[S + j]!, x2 = (a0 >>> 2) | (a1 << 30), x3 = (a0 >>> 3) | (a1 << 29), x4 = (a0 >>> 4) | (a1 << 28);
    const x5 = (a0 >>> 5) | (a1 << 27), x6 = (a0 >>> 6) | (a1 << 26), x7 = (a0 >>> 7) | (a1 << 25), x8 = (a0 >>> 8) | (a1 << 24);
    const x9 = (a0 >>> 9) | (a1 << 23);
    const x10 = (a0 >>> 10) | (a1 << 22);
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

export function maskPenalty(t: SizeTables, rows: Int32Array, cols: Int32Array, p: number): number {
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

