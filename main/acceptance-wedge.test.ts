// Acceptance, in headless Chromium through the web-kiosk shell, against the
// real booking and provider servers: enroll by typing the code, then a
// keyboard-wedge gun typing at 5 ms a key: ADMIT with the seat; the same ticket
// again: DENY, already used, with the gate's name. Settings: a wrong PIN and a
// bad server URL are refused. Screenshots of ready, admit, deny and settings.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backToReady, chromiumAvailable, POLL, launchChromium, openStation, screenshot, verdictOf, wedgeScan } from './testing/browser.js';
import { startStack, type Stack, type Ticket } from './testing/stack.js';
import { startStation, TEST_PIN, type StationProcess } from './testing/station.js';

const run = chromiumAvailable();

describe.runIf(run)('gate station: enrollment, keyboard wedge, settings', () => {
  let stack: Stack;
  let station: StationProcess;
  let browser: Browser;
  let page: Page;
  let tickets: Ticket[];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
    tickets = await stack.buyTickets(2);
    station = await startStation({ holdMs: 1500 });
    page = await openStation(browser, station.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await station?.close();
    await stack?.close();
  });

  async function openSettings(pin = TEST_PIN): Promise<void> {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('pin-input').fill(pin);
    await page.getByTestId('pin-input').press('Enter');
  }

  async function closeSettings(): Promise<void> {
    await page.getByTestId('settings-close').click();
    await page.getByTestId('settings').waitFor({ state: 'detached' });
  }

  it('shows ready, not enrolled', async () => {
    await page.getByTestId('not-enrolled').waitFor();
    await screenshot(page, 'ready-not-enrolled');
  });

  it('refuses a wrong PIN', async () => {
    await openSettings('9999');
    await expect.poll(() => page.getByTestId('pin-error').textContent(), POLL).toBe('Wrong PIN');
    await expect.poll(() => page.getByTestId('enroll-code').count(), POLL).toBe(0);
    await closeSettings();
  });

  it('enrolls by typing the enrollment code', async () => {
    const created = await stack.createStation('Gate 3');
    await openSettings();
    await page.getByTestId('server-url').fill(stack.bookingUrl);
    await page.getByTestId('enroll-code').fill(created.enrollment);
    await page.getByTestId('enroll-button').click();
    await expect.poll(() => page.getByTestId('enrolled-status').getAttribute('data-enrolled'), POLL).toBe('yes');
    await expect.poll(() => page.getByTestId('gate-input').inputValue(), POLL).toBe('Gate 3');
    await screenshot(page, 'settings');
    // The token went to the config file and nowhere near the screen.
    const config = JSON.parse(readFileSync(station.configFile, 'utf8')) as { enrollment: { token: string } };
    expect(config.enrollment.token).toMatch(/^st_/);
    expect(await page.content()).not.toContain(config.enrollment.token);
    await closeSettings();
    await expect.poll(() => page.getByTestId('gate-name').textContent(), POLL).toBe('Gate 3');
    await expect.poll(() => page.getByTestId('not-enrolled').count(), POLL).toBe(0);
    await screenshot(page, 'ready');
  });

  it('refuses a bad server URL and keeps the old config', async () => {
    await openSettings();
    await page.getByTestId('server-url').fill('htp:/not a server');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-errors').textContent(), POLL).toContain('serverUrl');
    await closeSettings();
    const config = JSON.parse(readFileSync(station.configFile, 'utf8')) as { serverUrl: string; enrollment: unknown };
    expect(config.serverUrl).toBe(stack.bookingUrl);
    expect(config.enrollment).not.toBeNull();
  });

  it('admits a ticket typed by a wedge gun at 5 ms a key, with its seat', async () => {
    const ticket = tickets[0]!;
    await wedgeScan(page, ticket.payload, 5);
    const v = await verdictOf(page);
    expect(v.kind, `the verdict screen said: ${v.reason} ${v.text}`).toBe('admit');
    await expect.poll(() => page.getByTestId('verdict-seat').textContent(), POLL).toContain(ticket.seat);
    // Legible at 3 m: the verdict word is at least 10% of the screen height.
    const word = await page.locator('.verdict-word').boundingBox();
    expect(word!.height).toBeGreaterThanOrEqual(0.1 * 800);
    await screenshot(page, 'admit');
    await backToReady(page);
    await expect.poll(() => page.getByTestId('count-admitted').textContent(), POLL).toContain('1');
  });

  it('denies the same ticket again: already used, with the gate name', async () => {
    await wedgeScan(page, tickets[0]!.payload, 5);
    const v = await verdictOf(page);
    expect(v).toMatchObject({ kind: 'deny', reason: 'already_redeemed' });
    await expect.poll(() => page.getByTestId('verdict-reason').textContent(), POLL).toBe('Already used');
    await expect.poll(() => page.getByTestId('verdict-detail').textContent(), POLL).toContain('Gate 3');
    await screenshot(page, 'deny');
    await backToReady(page);
    await expect.poll(() => page.getByTestId('count-denied').textContent(), POLL).toContain('1');
  });

  it('speaks Chinese once zh-CN is chosen, without a restart', async () => {
    await openSettings();
    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    await closeSettings();
    await expect.poll(() => page.locator('.ready-word').textContent(), POLL).toBe('就绪');
    await wedgeScan(page, tickets[1]!.payload, 5);
    expect((await verdictOf(page)).kind).toBe('admit');
    await expect.poll(() => page.locator('.verdict-word').textContent(), POLL).toBe('请通行');
    await screenshot(page, 'admit-zh-CN');
    await backToReady(page);
    await wedgeScan(page, tickets[1]!.payload, 5);
    expect((await verdictOf(page)).reason).toBe('already_redeemed');
    await expect.poll(() => page.getByTestId('verdict-reason').textContent(), POLL).toBe('票已使用');
    await screenshot(page, 'deny-zh-CN');
  });
});
