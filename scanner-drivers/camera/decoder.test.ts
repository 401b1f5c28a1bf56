// The camera decoder on frames a webcam would give: real GP1 tickets as QR codes,
// made by the `qrcode` package (not by the decoders under test), placed in cluttered
// scenes at 640×480 and 1280×720, tilted 0–30°, at several sizes, with sensor noise.
import { beforeAll, describe, expect, it } from 'vitest';
import { createCameraDecoder, type CameraDecoder } from './decoder.js';
import { decodeWithZxingJs } from './zxing-js.js';
import { prepareZxingWasmForNode } from './zxing-wasm-node.js';
import { checkerFrame, noiseFrame, renderScene, sceneSet } from '../testing/qr-images.js';
import { gp1Ticket } from '../testing/tickets.js';
import { toLuma } from './frame.js';

const tickets = [gp1Ticket(1), gp1Ticket(2), gp1Ticket(3, false)];
let decoder: CameraDecoder;

beforeAll(async () => {
  decoder = await createCameraDecoder({ prepareWasm: prepareZxingWasmForNode });
});

describe('camera decoder', () => {
  it('uses zxing-wasm, loaded from node_modules without a network', () => {
    expect(decoder.engine).toBe('zxing-wasm');
    expect(decoder.fallbackReason).toBeNull();
  });

  for (const [width, height] of [
    [640, 480],
    [1280, 720],
  ] as const) {
    it(`reads every GP1 ticket at ${width}×${height}, tilted 0–30°, at three sizes, with noise`, async () => {
      const scenes = sceneSet(width, height, tickets, width);
      expect(new Set(scenes.map((s) => s.angle))).toEqual(new Set([0, 7, 15, 22, 30]));
      const misses: string[] = [];
      for (const scene of scenes) {
        const got = await decoder.decode(renderScene(scene));
        if (got?.text !== scene.text) misses.push(`angle ${scene.angle} size ${scene.size} noise ${scene.noise}: ${got ? 'wrong text' : 'nothing'}`);
        else expect(got.symbology).toBe('qr');
      }
      expect(misses).toEqual([]);
    });
  }

  it('takes luminance frames as well as RGBA', async () => {
    const rgba = renderScene({ width: 640, height: 480, text: tickets[0]!, angle: 10, size: 0.7, noise: 4 });
    const luma = { width: 640, height: 480, data: toLuma(rgba), format: 'luma' as const };
    expect((await decoder.decode(luma))?.text).toBe(tickets[0]);
  });

  it('finds no code where there is none: noise, a checkerboard, cluttered scenes', async () => {
    const empty = [
      noiseFrame(640, 480, 1),
      noiseFrame(1280, 720, 2),
      checkerFrame(640, 480, 8),
      checkerFrame(1280, 720, 5),
      ...[1, 2, 3, 4].map((seed) => renderScene({ width: 640, height: 480, text: null, seed })),
      ...[5, 6].map((seed) => renderScene({ width: 1280, height: 720, text: null, seed, noise: 8 })),
    ];
    for (const frame of empty) {
      expect(await decoder.decode(frame)).toBeNull();
      expect(decodeWithZxingJs(frame)).toBeNull();
      expect(decodeWithZxingJs(frame, { tryHarder: true })).toBeNull();
    }
  });

  it('falls back to @zxing/library when zxing-wasm cannot load, and still reads a steady code', async () => {
    const fallback = await createCameraDecoder({ prepareWasm: () => Promise.reject(new Error('404 zxing_reader.wasm')) });
    expect(fallback.engine).toBe('zxing-js');
    expect(fallback.fallbackReason).toMatch(/404 zxing_reader\.wasm/);
    // Ticket 39 is one @zxing/library finds nothing in at full size, whatever the binarizer: it is read on the halved frame.
    for (const text of [tickets[1]!, gp1Ticket(39)]) {
      const frame = renderScene({ width: 640, height: 480, text, angle: 0, size: 0.65, noise: 0, seed: 9 });
      expect(await fallback.decode(frame)).toEqual({ text, symbology: 'qr' });
    }
  });

  it('refuses a frame whose size does not match its data instead of misreading it', async () => {
    await expect(decoder.decode({ width: 10, height: 10, data: new Uint8Array(7) })).rejects.toThrow(/fits neither/);
    expect(decoder.engine).toBe('zxing-wasm');
  });
});
