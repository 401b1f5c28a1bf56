// QR symbols for tickets: the `qr` package encodes the text (segment, Reed-Solomon,
// placement, the mask with the lowest ISO 18004 penalty); the SVG is written here,
// one path of run-length rectangles. Not `qrcode`: its mask search alone costs several
// times what `qr` takes for a whole GP1 symbol, and every issued ticket needs one.
import encodeQR from 'qr';

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
  /** the mode the text was encoded in, as one segment */
  mode: 'alphanumeric' | 'byte';
}

/**
 * Encodes text as a QR symbol at error correction level M: alphanumeric mode when
 * every character is in the QR alphanumeric set (every GP1 text), byte mode (UTF-8) otherwise.
 */
export function qrMatrix(text: string): QrMatrix {
  if (text.length === 0) throw new RangeError('nothing to encode in the QR code');
  const mode = ALNUM_RE.test(text) ? 'alphanumeric' : 'byte';
  // `qr` adds a quiet zone of at least one module: border 1, then cut off here.
  const rows = encodeQR(text, 'raw', { ecc: 'medium', encoding: mode, border: 1 });
  const size = rows.length - 2;
  const dark = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    const row = rows[y + 1]!;
    for (let x = 0; x < size; x++) if (row[x + 1]) dark[y * size + x] = 1;
  }
  return { size, dark, version: (size - 17) / 4, mode };
}

/**
 * SVG path data drawing the dark modules of `m` as one path of horizontal runs,
 * offset by (`ox`, `oy`) and scaled by `scale` (user units per module).
 */
export function qrPathData(m: QrMatrix, ox = 0, oy = 0, scale = 1): string {
  if (![ox, oy, scale].every((v) => Number.isInteger(v) && v >= 0 && v < 1e6)) return qrPathDataAny(m, ox, oy, scale);
  // Integer geometry (every use here): ASCII written straight into a buffer, much
  // faster than string building for the many runs of a GP1 symbol.
  const { size } = m;
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
  forEachRun(m, (x, y, length) => {
    const px = ox + x * scale;
    out[o++] = 77; // M
    putInt(px);
    out[o++] = 32;
    putInt(oy + y * scale);
    out[o++] = 104; // h
    putInt(length * scale);
    out[o++] = 118; // v
    putInt(scale);
    out[o++] = 72; // H
    putInt(px);
    out[o++] = 122; // z
  });
  return out.toString('latin1', 0, o);
}

let scratch = Buffer.alloc(0);
function pathBuffer(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(bytes);
  return scratch;
}

function qrPathDataAny(m: QrMatrix, ox: number, oy: number, scale: number): string {
  let d = '';
  forEachRun(m, (x, y, length) => {
    const px = ox + x * scale;
    d += `M${px} ${oy + y * scale}h${length * scale}v${scale}H${px}z`;
  });
  return d;
}

/** Calls `visit` for every horizontal run of dark modules, row by row. */
function forEachRun(m: QrMatrix, visit: (x: number, y: number, length: number) => void): void {
  const { size, dark } = m;
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
      visit(start, y, x - start);
    }
  }
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
