// A ticket image as customers carry it: the booking server's PNG (zh-CN, CJK
// title), saved once as a fixture so the drivers need nothing from the server.
// Read as a still image, and as a webcam would see it: a phone held up at a
// slant in a 1280×720 frame.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCameraDecoder } from './decoder.js';
import { decodeImageFile, pngToFrame } from './still-image.js';
import { prepareZxingWasmForNode } from './zxing-wasm-node.js';
import type { Frame } from './frame.js';

const FIXTURES = join(import.meta.dirname, '..', 'testing', 'fixtures');
const TICKET_PNG = join(FIXTURES, 'ticket-zh-CN.png');
const PAYLOAD = readFileSync(join(FIXTURES, 'ticket-zh-CN.txt'), 'utf8').trim();

/** The ticket scaled to `scale` of the frame height, turned by `degrees`, on a grey desk, its QR (two thirds down) in the middle. */
function cameraFrame(ticket: Frame, width: number, height: number, scale: number, degrees: number): Frame {
  const out = new Uint8ClampedArray(width * height * 4);
  const k = (ticket.height / height) / scale; // ticket pixels per frame pixel
  const cos = Math.cos((degrees * Math.PI) / 180);
  const sin = Math.sin((degrees * Math.PI) / 180);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x - width / 2;
      const dy = y - height / 2;
      const u = Math.round((dx * cos + dy * sin) * k + ticket.width / 2);
      const v = Math.round((-dx * sin + dy * cos) * k + ticket.height * 0.67);
      const o = (y * width + x) * 4;
      if (u >= 0 && v >= 0 && u < ticket.width && v < ticket.height) {
        const i = (v * ticket.width + u) * 4;
        out[o] = ticket.data[i]!;
        out[o + 1] = ticket.data[i + 1]!;
        out[o + 2] = ticket.data[i + 2]!;
      } else {
        out[o] = out[o + 1] = out[o + 2] = 96;
      }
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out, format: 'rgba' };
}

describe('a ticket PNG rendered the way tickets are', () => {
  it('reads as a still image (gatepost scanners decode)', async () => {
    expect(await decodeImageFile(TICKET_PNG)).toMatchObject({ text: PAYLOAD, symbology: 'qr' });
  });

  it('reads from a webcam frame, held at a slant', async () => {
    const decoder = await createCameraDecoder({ prepareWasm: prepareZxingWasmForNode });
    const ticket = pngToFrame(readFileSync(TICKET_PNG));
    for (const degrees of [0, 12, 25]) {
      const frame = cameraFrame(ticket, 1280, 720, 1.6, degrees); // the QR fills about half the frame height
      expect((await decoder.decode(frame))?.text, `at ${degrees}°`).toBe(PAYLOAD);
    }
  });
});
