// Camera-like test frames made in plain TypeScript on RGBA buffers: a real QR code
// (from the `qrcode` package, so not made by the decoders under test) placed in a
// scene, rotated, scaled, unevenly lit, slightly blurred by supersampling, and noisy.
import QRCode from 'qrcode';
import type { Frame } from '../camera/frame.js';
import { between, rng } from './random.js';

export interface Scene {
  width: number;
  height: number;
  /** The code's text; null for a frame with no code in it. */
  text: string | null;
  /** Degrees. */
  angle?: number;
  /** Side of the code (quiet zone included) as a fraction of the frame height. */
  size?: number;
  /** Centre of the code as fractions of the frame. */
  cx?: number;
  cy?: number;
  /** Standard deviation of per-pixel noise, in grey levels. */
  noise?: number;
  seed?: number;
}

interface Matrix {
  size: number;
  dark(x: number, y: number): boolean;
}

export function qrMatrix(text: string): Matrix {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  return { size, dark: (x, y) => data[y * size + x] === 1 };
}

const QUIET = 4;

/** Renders the scene into an RGBA frame. */
export function renderScene(scene: Scene): Frame & { format: 'rgba' } {
  const { width, height, text, angle = 0, size = 0.6, cx = 0.5, cy = 0.5, noise = 0, seed = 1 } = scene;
  const random = rng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  const background = clutter(width, height, random);
  const matrix = text === null ? null : qrMatrix(text);
  const modules = matrix ? matrix.size + 2 * QUIET : 1;
  const side = size * height;
  const unit = side / modules;
  const cos = Math.cos((-angle * Math.PI) / 180);
  const sin = Math.sin((-angle * Math.PI) / 180);
  const ox = cx * width;
  const oy = cy * height;
  // Paper under room light: neither black nor white is pure, and one side is brighter.
  const ink = 35;
  const paper = 215;
  const gauss = gaussian(random);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      // 2×2 supersampling: the softened module edges a lens gives.
      for (let s = 0; s < 4; s++) {
        const px = x + (s & 1 ? 0.75 : 0.25) - ox;
        const py = y + (s & 2 ? 0.75 : 0.25) - oy;
        const u = (px * cos - py * sin) / unit + modules / 2;
        const w = (px * sin + py * cos) / unit + modules / 2;
        if (matrix && u >= 0 && w >= 0 && u < modules && w < modules) {
          const mx = Math.floor(u) - QUIET;
          const my = Math.floor(w) - QUIET;
          const dark = mx >= 0 && my >= 0 && mx < matrix.size && my < matrix.size && matrix.dark(mx, my);
          v += dark ? ink : paper;
        } else v += background[y * width + x]!;
      }
      const light = 0.8 + 0.3 * (x / width);
      const g = (v / 4) * light + (noise ? gauss() * noise : 0);
      const i = (y * width + x) * 4;
      data[i] = g + 6;
      data[i + 1] = g;
      data[i + 2] = g - 6;
      data[i + 3] = 255;
    }
  }
  return { width, height, data, format: 'rgba' };
}

/** A desk-like background: a gradient with scattered rectangles and stripes, so frames without a code still have edges. */
function clutter(width: number, height: number, random: () => number): Uint8Array {
  const bg = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) bg[y * width + x] = 90 + (60 * y) / height;
  for (let n = 0; n < 25; n++) {
    const w = Math.floor(between(random, 10, width / 4));
    const h = Math.floor(between(random, 4, height / 4));
    const x0 = Math.floor(random() * (width - w));
    const y0 = Math.floor(random() * (height - h));
    const shade = Math.floor(between(random, 20, 240));
    const striped = random() < 0.3;
    for (let y = y0; y < y0 + h; y++)
      for (let x = x0; x < x0 + w; x++) if (!striped || Math.floor(x / 3) % 2 === 0) bg[y * width + x] = shade;
  }
  return bg;
}

function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/** Pure noise, with no structure at all. */
export function noiseFrame(width: number, height: number, seed: number): Frame & { format: 'rgba' } {
  const random = rng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    const v = Math.floor(random() * 256);
    data[i] = v;
    data[i + 1] = v;
    data[i + 2] = v;
    data[i + 3] = 255;
  }
  return { width, height, data, format: 'rgba' };
}

/** A checkerboard: the regular dark/light pattern most likely to look like finder patterns. */
export function checkerFrame(width: number, height: number, cell: number): Frame & { format: 'rgba' } {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? 30 : 220;
      const i = (y * width + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = v;
      data[i + 3] = 255;
    }
  return { width, height, data, format: 'rgba' };
}

/** The frame set the tests and the benchmark share: sizes × angles × scales × noise, with the code off-centre as held by hand. */
export function sceneSet(width: number, height: number, texts: string[], seed = 1): Scene[] {
  const random = rng(seed);
  const out: Scene[] = [];
  const angles = [0, 7, 15, 22, 30];
  const sizes = [0.5, 0.65, 0.8];
  let k = 0;
  for (const [ai, angle] of angles.entries())
    for (const [si, size] of sizes.entries()) {
      out.push({
        width,
        height,
        text: texts[k++ % texts.length]!,
        angle,
        size,
        cx: between(random, 0.42, 0.58),
        cy: between(random, 0.45, 0.55),
        noise: [0, 6, 12][(ai + si) % 3]!,
        seed: seed * 1000 + k,
      });
    }
  return out;
}
