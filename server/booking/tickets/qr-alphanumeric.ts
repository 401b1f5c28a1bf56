// Alphanumeric QR encoding at level M for ticket symbols, split from qr.ts:
// per version the layout qrcode makes is kept once with the placement order
// of its data modules; a symbol is then its bits, Reed-Solomon over GF(256)
// and one pass over that order.
import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import { maskAt } from './qr-mask.js';

// ---- alphanumeric encoding (level M, mask 0), the same symbol QRCode.create makes

// qrcode's own tables for the block structure of each version and level.
const require = createRequire(import.meta.url);
interface EcLevel {
  bit: number;
}
const EC_CODE = require('qrcode/lib/core/error-correction-code.js') as {
  getBlocksCount(version: number, level: EcLevel): number;
  getTotalCodewordsCount(version: number, level: EcLevel): number;
};
const LEVEL_M = (require('qrcode/lib/core/error-correction-level.js') as { M: EcLevel }).M;

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const ALNUM_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALNUM.length; i++) ALNUM_VALUE[ALNUM.charCodeAt(i)] = i;

interface VersionPlan {
  version: number;
  size: number;
  /** function modules as qrcode draws them (format info for mask 0); data modules hold the mask-0 value */
  base: Uint8Array;
  reserved: Uint8Array;
  /** data module indices in placement order */
  order: Int32Array;
  dataCodewords: number;
  blocks: number;
  /** data codewords per block of the first group; the second group's have one more */
  group1Data: number;
  group1Blocks: number;
  ecCount: number;
  /** the Reed-Solomon generator as log-coefficients, degree ecCount, leading 1 dropped */
  generatorLog: Uint8Array;
  /** data bits available after the mode indicator and character count */
  usableBits: number;
  countBits: number;
}

const GF_EXP = new Uint8Array(512);
const GF_LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    GF_EXP[i] = x;
    GF_LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) GF_EXP[i] = GF_EXP[i - 255]!;
}

function gfMul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : GF_EXP[GF_LOG[a]! + GF_LOG[b]!]!;
}

/** (x − α^0)(x − α^1)…(x − α^(n−1)), coefficients highest power first, as logs (the leading 1 dropped). */
function generatorLog(n: number): Uint8Array {
  let poly = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array<number>(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j]! ^= poly[j]!;
      next[j + 1]! ^= gfMul(poly[j]!, GF_EXP[i]!);
    }
    poly = next;
  }
  return Uint8Array.from(poly.slice(1), (c) => GF_LOG[c]!);
}

const plans: (VersionPlan | undefined)[] = [];

function versionPlan(version: number): VersionPlan {
  const cached = plans[version];
  if (cached) return cached;
  // qrcode lays out the function patterns, version and (mask-0) format information.
  const layout = QRCode.create([{ data: 'A', mode: 'alphanumeric' }], { version, errorCorrectionLevel: 'M', maskPattern: 0 }).modules;
  const { size } = layout;
  const reserved = Uint8Array.from(layout.reservedBit);
  const base = Uint8Array.from(layout.data);
  const order = new Int32Array(size * size);
  let n = 0;
  // The placement of qrcode's setupData: two-module columns from the right, up and down in turn, skipping the timing column.
  let up = true;
  for (let col = size - 1; col > 0; col -= 2) {
    if (col === 6) col--;
    for (let k = 0; k < size; k++) {
      const row = up ? size - 1 - k : k;
      for (let c = 0; c < 2; c++) {
        const i = row * size + col - c;
        if (!reserved[i]) {
          order[n++] = i;
          base[i] = maskAt(0, row, col - c) ? 1 : 0;
        }
      }
    }
    up = !up;
  }
  const totalCodewords = n >> 3;
  const ecTotal = EC_CODE.getTotalCodewordsCount(version, LEVEL_M);
  const blocks = EC_CODE.getBlocksCount(version, LEVEL_M);
  const dataCodewords = totalCodewords - ecTotal;
  const group1Data = Math.floor(dataCodewords / blocks);
  const countBits = version < 10 ? 9 : version < 27 ? 11 : 13;
  const plan: VersionPlan = {
    version,
    size,
    base,
    reserved,
    order: order.slice(0, n),
    dataCodewords,
    blocks,
    group1Data,
    group1Blocks: blocks - (totalCodewords % blocks),
    ecCount: Math.floor(totalCodewords / blocks) - group1Data,
    generatorLog: generatorLog(Math.floor(totalCodewords / blocks) - group1Data),
    usableBits: dataCodewords * 8 - 4 - countBits,
    countBits,
  };
  plans[version] = plan;
  return plan;
}

/** Text in the QR alphanumeric set as QRCode.create([{data, mode: 'alphanumeric'}], {errorCorrectionLevel: 'M', maskPattern: 0}) makes it. */
export function alphanumericSymbol(text: string): { version: number; modules: { size: number; data: Uint8Array; reservedBit: Uint8Array } } {
  const len = text.length;
  const bits = 11 * (len >> 1) + 6 * (len & 1);
  let plan: VersionPlan | undefined;
  for (let v = 1; v <= 40; v++) {
    const p = versionPlan(v);
    if (bits <= p.usableBits) {
      plan = p;
      break;
    }
  }
  if (!plan) throw new RangeError('The amount of data is too big to be stored in a QR Code');

  // The data codewords: mode 0010, the count, pairs in 11 bits, a last single in 6, terminator, pad bytes.
  const data = new Uint8Array(plan.dataCodewords);
  let acc = 0;
  let accBits = 0;
  let o = 0;
  const put = (value: number, n: number): void => {
    acc = (acc << n) | value;
    accBits += n;
    while (accBits >= 8) {
      accBits -= 8;
      data[o++] = (acc >>> accBits) & 0xff;
    }
    acc &= (1 << accBits) - 1;
  };
  put(0b0010, 4);
  put(len, plan.countBits);
  const value = (i: number): number => {
    const code = text.charCodeAt(i);
    const v = code < 128 ? ALNUM_VALUE[code]! : -1;
    if (v < 0) throw new RangeError(`not in the QR alphanumeric set: ${text[i]}`);
    return v;
  };
  let i = 0;
  for (; i + 1 < len; i += 2) put(value(i) * 45 + value(i + 1), 11);
  if (i < len) put(value(i), 6);
  const capacityBits = plan.dataCodewords * 8;
  const used = o * 8 + accBits;
  if (used + 4 <= capacityBits) put(0, 4);
  if (accBits > 0) put(0, 8 - accBits);
  for (let pad = 0; o < plan.dataCodewords; pad++) data[o++] = pad % 2 ? 0x11 : 0xec;

  // Blocks, Reed-Solomon, interleaving: data codewords column by column, then EC codewords.
  const { blocks, group1Blocks, group1Data, ecCount, generatorLog: gen } = plan;
  const total = plan.dataCodewords + blocks * ecCount;
  const out = new Uint8Array(total);
  const ec = new Uint8Array(ecCount);
  let offset = 0;
  for (let b = 0; b < blocks; b++) {
    const size = b < group1Blocks ? group1Data : group1Data + 1;
    ec.fill(0);
    for (let k = 0; k < size; k++) {
      const byte = data[offset + k]!;
      // interleaved position of data codeword k of block b
      out[k < group1Data ? k * blocks + b : group1Data * blocks + (b - group1Blocks)] = byte;
      const factor = byte ^ ec[0]!;
      ec.copyWithin(0, 1);
      ec[ecCount - 1] = 0;
      if (factor !== 0) {
        const lf = GF_LOG[factor]!;
        for (let j = 0; j < ecCount; j++) ec[j]! ^= GF_EXP[gen[j]! + lf]!;
      }
    }
    for (let j = 0; j < ecCount; j++) out[plan.dataCodewords + j * blocks + b] = ec[j]!;
    offset += size;
  }

  // Placement over mask 0: the base already holds every function module and the mask value of each data module.
  const modules = Uint8Array.from(plan.base);
  const { order } = plan;
  const placed = Math.min(order.length, total * 8);
  for (let m = 0; m < placed; m++) {
    if ((out[m >> 3]! >>> (7 - (m & 7))) & 1) modules[order[m]!]! ^= 1;
  }
  return { version: plan.version, modules: { size: plan.size, data: modules, reservedBit: plan.reserved } };
}

