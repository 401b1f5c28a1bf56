// Acceptance: offline. With the provider stopped, policy `signed` admits a valid
// signed ticket once (checked here against the offline bundle, journaled), and
// refuses it the second time; the journal is uploaded once the provider is
// back. Policy `deny` (switched in settings, no restart) gives the red
// "cannot verify". And a ticket admitted offline that another gate had already
// taken is shown as a conflict once the cable is back.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backToReady, chromiumAvailable, launchChromium, openStation, POLL, screenshot, verdictOf, wedgeScan } from './testing/browser.js';
import { startStack, type Stack, type Ticket } from './testing/stack.js';
import { startStation, TEST_PIN, type StationProcess } from './testing/station.js';
import { tcpGate, type TcpGate } from './testing/tcp-gate.js';

const run = chromiumAvailable();
const SLOW = { timeout: 30_000, interval: 100 };

describe.runIf(run)('gate station: offline', () => {
  let stack: Stack;
  let station: StationProcess;
  let browser: Browser;
  let page: Page;
  let tickets: Ticket[];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
    tickets = await stack.buyTickets(3);
    station = await startStation({ ...(await stack.enrolledConfig('Offline Gate')), offlinePolicy: 'signed', holdMs: 1000 });
    page = await openStation(browser, station.url);
    // The offline bundle (platform keys) must be in before the server goes away.
    await page.locator('main[data-bundle="yes"]').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await station?.close();
    await stack?.close();
  });

  it('policy signed: admits once while the provider is down, then refuses', async () => {
    await stack.stopProvider();
    await wedgeScan(page, tickets[0]!.payload);
    const first = await verdictOf(page);
    if (first.kind !== 'admit') console.log(station.output.slice(-15).join('\n'));
    expect(first).toMatchObject({ kind: 'admit' });
    expect(await page.getByTestId('verdict').getAttribute('data-offline')).toBe('yes');
    await page.getByTestId('offline-badge-verdict').waitFor();
    await screenshot(page, 'offline');
    await backToReady(page);
    await screenshot(page, 'offline-ready');

    await wedgeScan(page, tickets[0]!.payload);
    const second = await verdictOf(page);
    expect(second).toMatchObject({ kind: 'deny', reason: 'already_redeemed' });
    await expect.poll(() => page.getByTestId('verdict-detail').textContent(), POLL).toContain('Offline Gate');
    await backToReady(page);
    expect(await page.locator('main').getAttribute('data-journal')).toBe('1');
  });

  it('uploads the journal once the provider is back', async () => {
    await stack.startProvider();
    await expect.poll(() => page.locator('main').getAttribute('data-journal'), SLOW).toBe('0');
    await expect.poll(() => page.getByTestId('offline-badge').count(), POLL).toBe(0);
    // The server has the offline admission: the ticket is used, here.
    await wedgeScan(page, tickets[0]!.payload);
    const v = await verdictOf(page);
    expect(v).toMatchObject({ kind: 'deny', reason: 'already_redeemed' });
    expect(await page.getByTestId('verdict').getAttribute('data-offline')).toBe('no');
    await expect.poll(() => page.getByTestId('verdict-detail').textContent(), POLL).toContain('Offline Gate');
    await backToReady(page);
  });

  it('policy deny, set in settings without a restart: red "cannot verify"', async () => {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('pin-input').fill(TEST_PIN);
    await page.getByTestId('pin-input').press('Enter');
    await page.getByTestId('offline-policy').selectOption('deny');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    await page.getByTestId('settings-close').click();
    await stack.stopProvider();
    await wedgeScan(page, tickets[1]!.payload);
    const v = await verdictOf(page);
    expect(v).toMatchObject({ kind: 'deny', reason: 'cannot_verify' });
    await expect.poll(() => page.getByTestId('verdict-reason').textContent(), POLL).toBe('Cannot verify');
    await screenshot(page, 'offline-deny');
    await backToReady(page);
    await stack.startProvider();
  });

  describe('a conflict', () => {
    let cable: TcpGate;
    let other: StationProcess;
    let otherPage: Page;

    beforeAll(async () => {
      cable = await tcpGate(stack.bookingUrl);
      const config = await stack.enrolledConfig('Far Gate');
      other = await startStation({ ...config, serverUrl: cable.url, offlinePolicy: 'signed', holdMs: 1000 });
      otherPage = await openStation(browser, other.url);
      await otherPage.locator('main[data-bundle="yes"]').waitFor();
    }, 60_000);

    afterAll(async () => {
      await other?.close();
      await cable?.close();
    });

    it('is shown when a ticket admitted offline was already used at another gate', async () => {
      await cable.cut();
      // Used at Offline Gate (online) while Far Gate cannot reach the server…
      await wedgeScan(page, tickets[2]!.payload);
      expect((await verdictOf(page)).kind).toBe('admit');
      // …and admitted at Far Gate offline: its bundle cannot know yet.
      await wedgeScan(otherPage, tickets[2]!.payload);
      expect((await verdictOf(otherPage)).kind).toBe('admit');
      await backToReady(otherPage);
      await cable.restore();
      await otherPage.getByTestId('conflicts').waitFor({ timeout: 30_000 });
      await expect.poll(() => otherPage.getByTestId('conflict').first().textContent(), POLL).toContain('Offline Gate');
      await screenshot(otherPage, 'conflict');
      expect(other.output.some((l) => l.includes('conflict'))).toBe(true);
    });
  });
});
