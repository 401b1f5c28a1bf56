// Test support: headless Debian Chromium through playwright-core, at the gate
// screen's 1280×800, with the flags that keep it quiet and let the verdict
// tones play. Without Chromium the tests skip naming the package — except
// under CI=true, where they fail.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT as REPO } from '../../testing/processes.js';

export const CHROMIUM = process.env.GATEPOST_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO, 'artifacts', 'station');

export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium not found at ${CHROMIUM}: the station screen tests need it (apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`skipping: ${message}`);
  return false;
}

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

/** For expect.poll on the page: its default of 1 s is too short for a server round trip on a busy machine. */
export const POLL = { timeout: 10_000, interval: 50 };

export async function launchChromium(extra: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_ARGS, ...extra] });
}

/** A fake camera showing the given .y4m file, permission granted. */
export function fakeCameraArgs(y4m: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`];
}

export async function openStation(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  page.setDefaultTimeout(10_000);
  await page.goto(url);
  await page.locator('[data-testid="ready"]').waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Types like a keyboard-wedge gun: `msPerKey` between characters, then Enter. */
export async function wedgeScan(page: Page, text: string, msPerKey = 5): Promise<void> {
  await page.keyboard.type(text, { delay: msPerKey });
  await page.keyboard.press('Enter');
}

/**
 * A gun's whole burst, dispatched inside the page in one turn: the keys reach
 * the screen's keydown listener microseconds apart, as a gun's do. For tests
 * of what a scan does, not of key timing: on a loaded machine, keys typed one
 * by one over the DevTools protocol can arrive spread out like a person's
 * (`wedgeScan` keeps the real input path, for the tests of that).
 */
export async function wedgeBurst(page: Page, text: string): Promise<void> {
  await page.evaluate((keys) => {
    for (const key of [...keys, 'Enter']) window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  }, [...text]);
}

/** Waits until the verdict screen shows, and returns its kind and reason. */
export async function verdictOf(page: Page, timeout = 10_000): Promise<{ kind: string; reason: string; text: string }> {
  // Read in the same turn the verdict is found: a verdict held for a second
  // can be gone between a wait and a later read on a loaded machine.
  const found = await page.waitForFunction(
    () => {
      const el = document.querySelector<HTMLElement>('[data-testid="verdict"]');
      return el ? { kind: el.dataset.kind ?? '', reason: el.dataset.reason ?? '', text: el.innerText } : null;
    },
    undefined,
    { timeout },
  );
  return (await found.jsonValue())!;
}

export async function backToReady(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('[data-testid="verdict"]').waitFor({ state: 'detached', timeout });
}
