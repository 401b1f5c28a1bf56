// The camera source's timing rules with a stand-in for getUserMedia: frames come
// from an array and the clock is the test's, so the hold window is exact.
import { describe, expect, it } from 'vitest';
import { CameraSource, type FrameGrabber } from './source.js';
import type { CameraDecoder } from './decoder.js';
import type { Frame } from './frame.js';
import type { ScanEvent, StatusEvent } from '../types.js';

/** Frames are tagged with the text "in view" so the decoder stand-in needs no pixels. */
function tagged(text: string | null): Frame {
  return Object.assign({ width: 1, height: 1, data: new Uint8Array(4) }, { text });
}

const decoder: CameraDecoder = {
  engine: 'zxing-wasm',
  fallbackReason: null,
  decode: async (frame) => {
    const text = (frame as Frame & { text: string | null }).text;
    return text ? { text, symbology: 'qr' } : null;
  },
};

function rig(holdMs = 3000) {
  let view: string | null = null;
  let clock = 0;
  const grabber: FrameGrabber = { start: async () => undefined, stop: () => undefined, grab: () => tagged(view) };
  const source = new CameraSource({ decoder, grabber, holdMs, fps: 0.2, now: () => clock });
  const scans: ScanEvent[] = [];
  source.on('scan', (s) => scans.push(s));
  return {
    source,
    scans,
    /** Shows `text` (or nothing) for `ms`, one frame every 100 ms. */
    async show(text: string | null, ms: number) {
      view = text;
      for (let t = 0; t < ms; t += 100) {
        clock += 100;
        await source.pump();
      }
    },
  };
}

describe('camera source', () => {
  it('reports a ticket held in view once, however long it stays', async () => {
    const { source, scans, show } = rig();
    await source.start();
    await show('GP1:AAA', 10_000);
    expect(scans.map((s) => s.text)).toEqual(['GP1:AAA']);
    expect(scans[0]).toMatchObject({ symbology: 'qr', source: 'camera' });
    await source.stop();
  });

  it('reports it again only after it has been out of view for the hold window', async () => {
    const { source, scans, show } = rig(3000);
    await source.start();
    await show('GP1:AAA', 500);
    await show(null, 2000);
    await show('GP1:AAA', 500);
    expect(scans).toHaveLength(1);
    await show(null, 3100);
    await show('GP1:AAA', 500);
    expect(scans).toHaveLength(2);
    await source.stop();
  });

  it('reports a different ticket at once', async () => {
    const { source, scans, show } = rig();
    await source.start();
    await show('GP1:AAA', 300);
    await show('GP1:BBB', 300);
    expect(scans.map((s) => s.text)).toEqual(['GP1:AAA', 'GP1:BBB']);
    await source.stop();
  });

  it('says when the camera is refused or missing, and that it will retry', async () => {
    const grabber: FrameGrabber = {
      start: async () => {
        throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
      },
      stop: () => undefined,
      grab: () => null,
    };
    const source = new CameraSource({ decoder, grabber, retryMs: 60_000 });
    const statuses: StatusEvent[] = [];
    source.on('status', (s) => statuses.push(s));
    await source.start();
    expect(statuses).toEqual([{ state: 'error', detail: 'camera unavailable (NotAllowedError: Permission denied); retrying every 60 s' }]);
    await source.stop();
  });

  it('reports a camera that goes away as disconnected', async () => {
    const grabber: FrameGrabber = { start: async () => undefined, stop: () => undefined, grab: () => null };
    const source = new CameraSource({ decoder, grabber, retryMs: 60_000 });
    await source.start();
    expect(source.status).toMatchObject({ state: 'connected', detail: 'camera open, decoding with zxing-wasm' });
    grabber.onEnded!('track ended');
    expect(source.status).toMatchObject({ state: 'disconnected', detail: expect.stringMatching(/camera went away/) });
    await source.stop();
  });
});
