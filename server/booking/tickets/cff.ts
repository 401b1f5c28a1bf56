// Glyph outlines from an OpenType CFF table (Noto Sans CJK is CID-keyed CFF), read
// lazily from the font file: the INDEX offsets once, then each charstring and
// subroutine as it is first needed. A Type 2 charstring interpreter turns a glyph into
// SVG path data (font units, y down, origin on the baseline).
//
// resvg could outline the glyphs too, but its font database reads the whole 20 MB
// font file again for every glyph it outlines (~20 ms each).
import { openSync, readSync } from 'node:fs';

class Source {
  private readonly fd: number;
  constructor(readonly path: string) {
    // opened once for the life of the process, like a memory-mapped font would be
    this.fd = openSync(path, 'r');
  }
  read(offset: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buf, got, length - got, offset + got);
      if (n === 0) throw new Error(`${this.path}: CFF data past the end of the file`);
      got += n;
    }
    return buf;
  }
}

/** A CFF INDEX: `count` objects, read on demand. */
class Index {
  readonly count: number;
  /** file offset just past the INDEX */
  readonly end: number;
  private readonly offsets: Float64Array;
  private readonly dataStart: number;
  private readonly cache: Map<number, Buffer> | undefined;

  constructor(
    private readonly src: Source,
    at: number,
    cache: boolean,
  ) {
    const head = src.read(at, 3);
    this.count = head.readUInt16BE(0);
    this.cache = cache ? new Map() : undefined;
    if (this.count === 0) {
      this.offsets = new Float64Array(1);
      this.dataStart = at + 2;
      this.end = at + 2;
      return;
    }
    const offSize = head[2]!;
    const raw = src.read(at + 3, (this.count + 1) * offSize);
    this.offsets = new Float64Array(this.count + 1);
    for (let i = 0; i <= this.count; i++) this.offsets[i] = raw.readUIntBE(i * offSize, offSize);
    this.dataStart = at + 3 + (this.count + 1) * offSize - 1;
    this.end = this.dataStart + this.offsets[this.count]!;
  }

  get(i: number): Buffer {
    if (i < 0 || i >= this.count) throw new RangeError(`CFF INDEX entry ${i} of ${this.count}`);
    const hit = this.cache?.get(i);
    if (hit) return hit;
    const start = this.offsets[i]!;
    const b = this.src.read(this.dataStart + start, this.offsets[i + 1]! - start);
    this.cache?.set(i, b);
    return b;
  }
}

type Dict = Map<number, number[]>;

function parseDict(b: Buffer): Dict {
  const dict: Dict = new Map();
  let operands: number[] = [];
  let i = 0;
  while (i < b.length) {
    const b0 = b[i]!;
    if (b0 <= 21) {
      let op = b0;
      i++;
      if (b0 === 12) op = 1200 + b[i++]!;
      dict.set(op, operands);
      operands = [];
    } else if (b0 === 28) {
      operands.push(b.readInt16BE(i + 1));
      i += 3;
    } else if (b0 === 29) {
      operands.push(b.readInt32BE(i + 1));
      i += 5;
    } else if (b0 === 30) {
      // real number: nibbles, skipped to its end (no DICT value here needs it)
      i++;
      while (i < b.length) {
        const v = b[i++]!;
        if ((v & 0x0f) === 0x0f || (v & 0xf0) === 0xf0) break;
      }
      operands.push(0);
    } else if (b0 >= 32 && b0 <= 246) {
      operands.push(b0 - 139);
      i++;
    } else if (b0 >= 247 && b0 <= 250) {
      operands.push((b0 - 247) * 256 + b[i + 1]! + 108);
      i += 2;
    } else if (b0 >= 251 && b0 <= 254) {
      operands.push(-(b0 - 251) * 256 - b[i + 1]! - 108);
      i += 2;
    } else {
      throw new Error(`bad CFF DICT byte ${b0}`);
    }
  }
  return dict;
}

const OP_CHARSTRINGS = 17;
const OP_PRIVATE = 18;
const OP_SUBRS = 19;
const OP_ROS = 1230;
const OP_FDARRAY = 1236;
const OP_FDSELECT = 1237;

function bias(count: number): number {
  return count < 1240 ? 107 : count < 33900 ? 1131 : 32768;
}

export class CffOutlines {
  private readonly src: Source;
  private readonly charStrings: Index;
  private readonly globalSubrs: Index;
  /** per font DICT: its local subroutines */
  private readonly localSubrs: (Index | undefined)[] = [];
  private readonly fdOf: (gid: number) => number;

  /** The CFF table at `offset` in `file`. */
  constructor(file: string, offset: number) {
    const src = (this.src = new Source(file));
    const header = src.read(offset, 4);
    if (header[0] !== 1) throw new Error(`${file}: CFF version ${header[0]} is not supported`);
    const names = new Index(src, offset + header[2]!, false);
    const topDicts = new Index(src, names.end, false);
    const strings = new Index(src, topDicts.end, false);
    this.globalSubrs = new Index(src, strings.end, true);
    const top = parseDict(topDicts.get(0));
    const csOffset = top.get(OP_CHARSTRINGS)?.[0];
    if (csOffset === undefined) throw new Error(`${file}: CFF without CharStrings`);
    this.charStrings = new Index(src, offset + csOffset, false);
    const privateSubrs = (dict: Dict): Index | undefined => {
      const priv = dict.get(OP_PRIVATE);
      if (!priv || priv.length < 2) return undefined;
      const [size, at] = priv as [number, number];
      const pd = parseDict(src.read(offset + at, size));
      const subrs = pd.get(OP_SUBRS)?.[0];
      return subrs === undefined ? undefined : new Index(src, offset + at + subrs, true);
    };
    if (top.has(OP_ROS)) {
      const fdArray = new Index(src, offset + top.get(OP_FDARRAY)![0]!, false);
      for (let i = 0; i < fdArray.count; i++) this.localSubrs.push(privateSubrs(parseDict(fdArray.get(i))));
      this.fdOf = readFdSelect(src, offset + top.get(OP_FDSELECT)![0]!, this.charStrings.count);
    } else {
      this.localSubrs.push(privateSubrs(top));
      this.fdOf = () => 0;
    }
  }

  get glyphCount(): number {
    return this.charStrings.count;
  }

  /** SVG path data of glyph `gid`: font units, y down, origin on the baseline. */
  outline(gid: number): string {
    if (gid < 0 || gid >= this.charStrings.count) gid = 0;
    return new Interpreter(this.globalSubrs, this.localSubrs[this.fdOf(gid)]).run(this.charStrings.get(gid));
  }
}

function readFdSelect(src: Source, at: number, nGlyphs: number): (gid: number) => number {
  const format = src.read(at, 1)[0];
  if (format === 0) {
    const fds = src.read(at + 1, nGlyphs);
    return (gid) => fds[gid] ?? 0;
  }
  if (format === 3) {
    const n = src.read(at + 1, 2).readUInt16BE(0);
    const ranges = src.read(at + 3, n * 3 + 2);
    return (gid) => {
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const first = ranges.readUInt16BE(mid * 3);
        const next = ranges.readUInt16BE(mid * 3 + 3);
        if (gid < first) hi = mid - 1;
        else if (gid >= next) lo = mid + 1;
        else return ranges[mid * 3 + 2]!;
      }
      return 0;
    };
  }
  throw new Error(`CFF FDSelect format ${format} is not supported`);
}

const fmt = (v: number): string => String(Math.round(v * 10) / 10);

class Interpreter {
  private readonly stack: number[] = [];
  private x = 0;
  private y = 0;
  private stems = 0;
  private widthSeen = false;
  private open = false;
  private done = false;
  private depth = 0;
  private d = '';

  constructor(
    private readonly gsubrs: Index,
    private readonly lsubrs: Index | undefined,
  ) {}

  run(cs: Buffer): string {
    this.exec(cs);
    this.close();
    return this.d;
  }

  private close(): void {
    if (this.open) this.d += 'Z';
    this.open = false;
  }

  private moveTo(dx: number, dy: number): void {
    this.close();
    this.x += dx;
    this.y += dy;
    this.d += `M${fmt(this.x)} ${fmt(-this.y)}`;
    this.open = true;
  }

  private lineTo(dx: number, dy: number): void {
    this.x += dx;
    this.y += dy;
    this.d += `L${fmt(this.x)} ${fmt(-this.y)}`;
  }

  private curveTo(dxa: number, dya: number, dxb: number, dyb: number, dxc: number, dyc: number): void {
    const xa = this.x + dxa;
    const ya = this.y + dya;
    const xb = xa + dxb;
    const yb = ya + dyb;
    this.x = xb + dxc;
    this.y = yb + dyc;
    this.d += `C${fmt(xa)} ${fmt(-ya)} ${fmt(xb)} ${fmt(-yb)} ${fmt(this.x)} ${fmt(-this.y)}`;
  }

  /** The first stack-clearing operator may carry the advance width first. */
  private dropWidth(hasWidth: boolean): void {
    if (!this.widthSeen) {
      this.widthSeen = true;
      if (hasWidth) this.stack.shift();
    }
  }

  private exec(cs: Buffer): void {
    if (++this.depth > 12) throw new Error('CFF subroutines nested too deep');
    const s = this.stack;
    let i = 0;
    while (i < cs.length && !this.done) {
      const b0 = cs[i]!;
      if (b0 >= 32 || b0 === 28) {
        if (b0 === 28) {
          s.push(cs.readInt16BE(i + 1));
          i += 3;
        } else if (b0 <= 246) {
          s.push(b0 - 139);
          i++;
        } else if (b0 <= 250) {
          s.push((b0 - 247) * 256 + cs[i + 1]! + 108);
          i += 2;
        } else if (b0 <= 254) {
          s.push(-(b0 - 251) * 256 - cs[i + 1]! - 108);
          i += 2;
        } else {
          s.push(cs.readInt32BE(i + 1) / 65536);
          i += 5;
        }
        continue;
      }
      i++;
      switch (b0) {
        case 1: // hstem
        case 3: // vstem
        case 18: // hstemhm
        case 23: // vstemhm
          this.dropWidth(s.length % 2 === 1);
          this.stems += s.length >> 1;
          s.length = 0;
          break;
        case 19: // hintmask
        case 20: // cntrmask
          this.dropWidth(s.length % 2 === 1);
          this.stems += s.length >> 1; // implicit vstem
          s.length = 0;
          i += (this.stems + 7) >> 3;
          break;
        case 21: // rmoveto
          this.dropWidth(s.length > 2);
          this.moveTo(s[0] ?? 0, s[1] ?? 0);
          s.length = 0;
          break;
        case 22: // hmoveto
          this.dropWidth(s.length > 1);
          this.moveTo(s[0] ?? 0, 0);
          s.length = 0;
          break;
        case 4: // vmoveto
          this.dropWidth(s.length > 1);
          this.moveTo(0, s[0] ?? 0);
          s.length = 0;
          break;
        case 5: // rlineto
          for (let k = 0; k + 1 < s.length; k += 2) this.lineTo(s[k]!, s[k + 1]!);
          s.length = 0;
          break;
        case 6: // hlineto
        case 7: {
          // vlineto
          let horizontal = b0 === 6;
          for (const v of s) {
            if (horizontal) this.lineTo(v, 0);
            else this.lineTo(0, v);
            horizontal = !horizontal;
          }
          s.length = 0;
          break;
        }
        case 8: // rrcurveto
          for (let k = 0; k + 5 < s.length; k += 6) this.curveTo(s[k]!, s[k + 1]!, s[k + 2]!, s[k + 3]!, s[k + 4]!, s[k + 5]!);
          s.length = 0;
          break;
        case 24: {
          // rcurveline
          let k = 0;
          for (; k + 6 < s.length - 1; k += 6) this.curveTo(s[k]!, s[k + 1]!, s[k + 2]!, s[k + 3]!, s[k + 4]!, s[k + 5]!);
          this.lineTo(s[k]!, s[k + 1]!);
          s.length = 0;
          break;
        }
        case 25: {
          // rlinecurve
          let k = 0;
          for (; k + 2 < s.length - 5; k += 2) this.lineTo(s[k]!, s[k + 1]!);
          this.curveTo(s[k]!, s[k + 1]!, s[k + 2]!, s[k + 3]!, s[k + 4]!, s[k + 5]!);
          s.length = 0;
          break;
        }
        case 26: {
          // vvcurveto
          let k = 0;
          let dx1 = 0;
          if (s.length % 2 === 1) dx1 = s[k++]!;
          for (; k + 3 < s.length; k += 4) {
            this.curveTo(dx1, s[k]!, s[k + 1]!, s[k + 2]!, 0, s[k + 3]!);
            dx1 = 0;
          }
          s.length = 0;
          break;
        }
        case 27: {
          // hhcurveto
          let k = 0;
          let dy1 = 0;
          if (s.length % 2 === 1) dy1 = s[k++]!;
          for (; k + 3 < s.length; k += 4) {
            this.curveTo(s[k]!, dy1, s[k + 1]!, s[k + 2]!, s[k + 3]!, 0);
            dy1 = 0;
          }
          s.length = 0;
          break;
        }
        case 30: // vhcurveto
        case 31: {
          // hvcurveto
          let horizontal = b0 === 31;
          let k = 0;
          while (k + 3 < s.length) {
            const last = s.length - k === 5 ? s[k + 4]! : 0;
            if (horizontal) this.curveTo(s[k]!, 0, s[k + 1]!, s[k + 2]!, last, s[k + 3]!);
            else this.curveTo(0, s[k]!, s[k + 1]!, s[k + 2]!, s[k + 3]!, last);
            k += 4;
            horizontal = !horizontal;
          }
          s.length = 0;
          break;
        }
        case 10: // callsubr
        case 29: {
          // callgsubr
          const subrs = b0 === 10 ? this.lsubrs : this.gsubrs;
          if (!subrs) throw new Error('CFF callsubr without subroutines');
          const n = s.pop()! + bias(subrs.count);
          this.exec(subrs.get(n));
          break;
        }
        case 11: // return
          this.depth--;
          return;
        case 14: // endchar
          this.dropWidth(s.length === 1 || s.length === 5);
          this.close();
          this.done = true;
          s.length = 0;
          break;
        case 12: {
          const op = cs[i++]!;
          this.escape(op);
          break;
        }
        default:
          throw new Error(`CFF charstring operator ${b0} is not supported`);
      }
    }
    this.depth--;
  }

  private escape(op: number): void {
    const s = this.stack;
    switch (op) {
      case 35: // flex: two curves
        this.curveTo(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!);
        this.curveTo(s[6]!, s[7]!, s[8]!, s[9]!, s[10]!, s[11]!);
        break;
      case 34: {
        // hflex
        const y0 = this.y;
        this.curveTo(s[0]!, 0, s[1]!, s[2]!, s[3]!, 0);
        this.curveTo(s[4]!, 0, s[5]!, y0 - this.y, s[6]!, 0);
        break;
      }
      case 36: {
        // hflex1
        const y0 = this.y;
        this.curveTo(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, 0);
        this.curveTo(s[5]!, 0, s[6]!, s[7]!, s[8]!, y0 - (this.y + s[7]!));
        break;
      }
      case 37: {
        // flex1
        const x0 = this.x;
        const y0 = this.y;
        let dx = 0;
        let dy = 0;
        for (let k = 0; k < 10; k += 2) {
          dx += s[k]!;
          dy += s[k + 1]!;
        }
        this.curveTo(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!);
        const horizontal = Math.abs(dx) > Math.abs(dy);
        const x6 = horizontal ? s[10]! : x0 - (this.x + s[6]! + s[8]!);
        const y6 = horizontal ? y0 - (this.y + s[7]! + s[9]!) : s[10]!;
        this.curveTo(s[6]!, s[7]!, s[8]!, s[9]!, x6, y6);
        break;
      }
      default:
        throw new Error(`CFF charstring operator 12 ${op} is not supported`);
    }
    s.length = 0;
  }
}
