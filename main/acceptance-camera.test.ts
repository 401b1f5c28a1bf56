// Acceptance: the camera. Chromium's fake capture device plays a .y4m made by
// the test from the ticket PNG the booking server renders; the page decodes it
// (zxing-wasm, shipped with the build) and the station admits the ticket.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backToReady, chromiumAvailable, fakeCameraArgs, screenshot, POLL, verdictOf } from './testing/browser.js';
import { gateOnScreen } from './testing/gate-screen.js';
import { pngToY4m } from './testing/y4m.js';

const run = chromiumAvailable();

describe.runIf(run)('gate station: camera through Chromium fake capture', () => {
  let seat: string;
  const gate = gateOnScreen({
    chromium: async (stack) => {
      const [ticket] = await stack.buyTickets(1);
      seat = ticket!.seat;
      const y4m = join(stack.dir, 'ticket.y4m');
      pngToY4m(await stack.ticketPng(ticket!.ticketId), y4m, { width: 1280, height: 720, frames: 5 });
      return fakeCameraArgs(y4m);
    },
    config: async (stack) => ({
      ...(await stack.enrolledConfig('Camera Gate')),
      sources: { wedge: { enabled: false, maxAvgGapMs: 30, minLength: 6 }, camera: { enabled: true, deviceId: null } },
    }),
  });

  it('shows the preview and admits the ticket it sees', async () => {
    await gate.page.getByTestId('camera-preview').waitFor();
    const v = await verdictOf(gate.page, 20_000);
    expect(v.kind, `the verdict screen said: ${v.reason} ${v.text}`).toBe('admit');
    await expect.poll(() => gate.page.getByTestId('verdict-seat').textContent(), POLL).toContain(seat);
    // The ticket stays in view through the whole hold time: it is not scanned again.
    await backToReady(gate.page);
    await screenshot(gate.page, 'ready-camera');
    expect(await gate.page.getByTestId('count-admitted').textContent()).toContain('1');
    expect(await gate.page.getByTestId('count-denied').textContent()).toContain('0');
  });
});
