// Test support: a .y4m video for Chromium's fake camera, made from a PNG (a
// ticket image). Y4M is a text header and raw frames; each frame here is the
// picture centred on a grey desk, converted to I420 (BT.601 studio range).
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export interface Y4mOptions {
  width?: number;
  height?: number;
  frames?: number;
  fps?: number;
  /** how much of the frame height the picture fills */
  fill?: number;
}

export function pngToY4m(png: Buffer, file: string, options: Y4mOptions = {}): void {
  const { width = 1280, height = 720, frames = 10, fps = 10, fill = 0.96 } = options;
  const src = PNG.sync.read(png);
  const scale = Math.min((height * fill) / src.height, (width * fill) / src.width);
  const w = Math.round(src.width * scale);
  const h = Math.round(src.height * scale);
  const x0 = Math.floor((width - w) / 2);
  const y0 = Math.floor((height - h) / 2);
  // RGB of the composed frame: desk grey, the picture resampled (area average) onto it.
  const rgb = new Float32Array(width * height * 3).fill(120);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx0 = Math.floor(x / scale);
      const sy0 = Math.floor(y / scale);
      const sx1 = Math.max(sx0 + 1, Math.floor((x + 1) / scale));
      const sy1 = Math.max(sy0 + 1, Math.floor((y + 1) / scale));
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let sy = sy0; sy < Math.min(sy1, src.height); sy++)
        for (let sx = sx0; sx < Math.min(sx1, src.width); sx++) {
          const i = (sy * src.width + sx) * 4;
          const a = src.data[i + 3]! / 255;
          r += src.data[i]! * a + 255 * (1 - a);
          g += src.data[i + 1]! * a + 255 * (1 - a);
          b += src.data[i + 2]! * a + 255 * (1 - a);
          n++;
        }
      const o = ((y0 + y) * width + x0 + x) * 3;
      rgb[o] = r / n;
      rgb[o + 1] = g / n;
      rgb[o + 2] = b / n;
    }
  }
  const Y = Buffer.alloc(width * height);
  const U = Buffer.alloc((width / 2) * (height / 2));
  const V = Buffer.alloc((width / 2) * (height / 2));
  for (let i = 0; i < width * height; i++) {
    Y[i] = clamp(16 + 0.257 * rgb[i * 3]! + 0.504 * rgb[i * 3 + 1]! + 0.098 * rgb[i * 3 + 2]!);
  }
  for (let y = 0; y < height / 2; y++)
    for (let x = 0; x < width / 2; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const o = ((2 * y + dy) * width + 2 * x + dx) * 3;
        r += rgb[o]!;
        g += rgb[o + 1]!;
        b += rgb[o + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      U[y * (width / 2) + x] = clamp(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      V[y * (width / 2) + x] = clamp(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), Y, U, V]);
  writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}
