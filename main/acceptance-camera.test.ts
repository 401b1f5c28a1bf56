// Acceptance: the camera. Chromium's fake capture device plays a .y4m made by
// the test from the ticket PNG the booking server renders; the page decodes it
// (zxing-wasm, shipped with the build) and the station admits the ticket.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backToReady, chromiumAvailable, fakeCameraArgs, screenshot, launchChromium, openStation, POLL, verdictOf } from './testing/browser.js';
import { startStack, type Stack } from './testing/stack.js';
import { startStation, type StationProcess } from './testing/station.js';
import { pngToY4m } from './testing/y4m.js';

const run = chromiumAvailable();

describe.runIf(run)('gate station: camera through Chromium fake capture', () => {
  let stack: Stack;
  let station: StationProcess;
  let browser: Browser;
  let page: Page;
  let seat: string;

  beforeAll(async () => {
    stack = await startStack();
    const [ticket] = await stack.buyTickets(1);
    seat = ticket!.seat;
    const y4m = join(stack.dir, 'ticket.y4m');
    pngToY4m(await stack.ticketPng(ticket!.ticketId), y4m, { width: 1280, height: 720, frames: 5 });
    browser = await launchChromium(fakeCameraArgs(y4m));
    station = await startStation({
      ...(await stack.enrolledConfig('Camera Gate')),
      sources: { wedge: { enabled: false, maxAvgGapMs: 30, minLength: 6 }, camera: { enabled: true, deviceId: null } },
    });
    page = await openStation(browser, station.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await station?.close();
    await stack?.close();
  });

  it('shows the preview and admits the ticket it sees', async () => {
    await page.getByTestId('camera-preview').waitFor();
    const v = await verdictOf(page, 20_000);
    expect(v.kind, `the verdict screen said: ${v.reason} ${v.text}`).toBe('admit');
    await expect.poll(() => page.getByTestId('verdict-seat').textContent(), POLL).toContain(seat);
    // The ticket stays in view through the whole hold time: it is not scanned again.
    await backToReady(page);
    await screenshot(page, 'ready-camera');
    expect(await page.getByTestId('count-admitted').textContent()).toContain('1');
    expect(await page.getByTestId('count-denied').textContent()).toContain('0');
  });
});
