// A camera frame as every decoder here takes it. Browser ImageData is an RGBA frame
// as it stands ({width, height, data}), so the renderer passes it without copying.

export interface Frame {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel (ImageData layout), or luminance, 1 byte a pixel. */
  data: Uint8Array | Uint8ClampedArray;
  /** Inferred from the data length when absent. */
  format?: 'rgba' | 'luma';
}

export function frameFormat(frame: Frame): 'rgba' | 'luma' {
  if (frame.format) return frame.format;
  const pixels = frame.width * frame.height;
  if (frame.data.length === pixels * 4) return 'rgba';
  if (frame.data.length === pixels) return 'luma';
  throw new Error(`frame data of ${frame.data.length} bytes fits neither RGBA nor luminance at ${frame.width}×${frame.height}`);
}

/** Luminance with the BT.601 weights in integer arithmetic (the decoders binarize it anyway). */
export function toLuma(frame: Frame, out?: Uint8ClampedArray): Uint8ClampedArray {
  const pixels = frame.width * frame.height;
  if (frameFormat(frame) === 'luma') {
    return frame.data instanceof Uint8ClampedArray ? frame.data : new Uint8ClampedArray(frame.data.buffer, frame.data.byteOffset, pixels);
  }
  const d = frame.data;
  const luma = out && out.length === pixels ? out : new Uint8ClampedArray(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    luma[i] = (d[j]! * 77 + d[j + 1]! * 150 + d[j + 2]! * 29) >> 8;
  }
  return luma;
}

/** Luminance at half the width and height, each pixel the mean of a 2×2 block. */
export function halveLuma(luma: Uint8ClampedArray, width: number, height: number): { luma: Uint8ClampedArray; width: number; height: number } {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8ClampedArray(w * h);
  for (let y = 0; y < h; y++) {
    const top = 2 * y * width;
    const bottom = top + width;
    for (let x = 0; x < w; x++) {
      const i = 2 * x;
      out[y * w + x] = (luma[top + i]! + luma[top + i + 1]! + luma[bottom + i]! + luma[bottom + i + 1]!) >> 2;
    }
  }
  return { luma: out, width: w, height: h };
}

/** RGBA from luminance, for decoders that only take RGBA (jsQR). */
export function toRgba(frame: Frame): Uint8ClampedArray {
  if (frameFormat(frame) === 'rgba') return frame.data instanceof Uint8ClampedArray ? frame.data : new Uint8ClampedArray(frame.data.buffer, frame.data.byteOffset, frame.data.length);
  const pixels = frame.width * frame.height;
  const out = new Uint8ClampedArray(pixels * 4);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    const v = frame.data[i]!;
    out[j] = v;
    out[j + 1] = v;
    out[j + 2] = v;
    out[j + 3] = 255;
  }
  return out;
}
