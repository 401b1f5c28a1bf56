// Test support: a gate as the acceptance tests meet it — the real servers, a
// station process, and its screen in headless Chromium — started before a
// describe block's tests and closed after them, the screen first.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, openStation } from './browser.js';
import { startStack, type Stack, type Ticket } from './stack.js';
import { startStation, type StationProcess } from './station.js';

export interface GateScreen {
  stack: Stack;
  browser: Browser;
  station: StationProcess;
  page: Page;
  /** the tickets bought before the station started (none unless asked for) */
  tickets: Ticket[];
}

export interface ScreenOptions {
  /** How the station is launched: its settings PIN, more environment. */
  launch?: Parameters<typeof startStation>[1];
  /** Wait until the offline bundle is in, as a test that takes the servers away must. */
  bundle?: boolean;
}

/** A station on `config` with its screen open in `browser`. */
export async function openGate(browser: Browser, config: Record<string, unknown>, options: ScreenOptions = {}): Promise<{ station: StationProcess; page: Page }> {
  const station = await startStation(config, options.launch);
  const page = await openStation(browser, station.url);
  if (options.bundle) await page.locator('main[data-bundle="yes"]').waitFor();
  return { station, page };
}

export interface GateSetup extends ScreenOptions {
  /** How many tickets to buy before the station starts. */
  tickets?: number;
  /** Enroll the station at this gate before it starts; without it (and without `config`), the station is not enrolled. */
  enrollAt?: string;
  /** More of the station's config, or all of it from the running servers. */
  config?: Record<string, unknown> | ((stack: Stack) => Promise<Record<string, unknown>>);
  /** Chromium's flags when they need the servers (a fake camera playing a ticket they sold); otherwise Chromium starts beside them. */
  chromium?: (stack: Stack) => Promise<string[]>;
}

/** For a describe block: its fields are set once its beforeAll has run. */
export function gateOnScreen(setup: GateSetup = {}): GateScreen {
  const gate: Partial<GateScreen> = { tickets: [] };
  beforeAll(async () => {
    const chromium = setup.chromium;
    if (chromium) {
      gate.stack = await startStack();
      gate.browser = await launchChromium(await chromium(gate.stack));
    } else [gate.stack, gate.browser] = await Promise.all([startStack(), launchChromium()]);
    if (setup.tickets) gate.tickets = await gate.stack.buyTickets(setup.tickets);
    const enrolled = setup.enrollAt ? await gate.stack.enrolledConfig(setup.enrollAt) : {};
    const config = typeof setup.config === 'function' ? await setup.config(gate.stack) : setup.config;
    Object.assign(gate, await openGate(gate.browser, { ...enrolled, ...config }, setup));
  }, 180_000);
  afterAll(async () => {
    await gate.browser?.close();
    await gate.station?.close();
    await gate.stack?.close();
  });
  return gate as GateScreen;
}
