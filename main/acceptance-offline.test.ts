// Acceptance: offline. With the provider stopped, policy `signed` admits a valid
// signed ticket once (checked here against the offline bundle, journaled), and
// refuses it the second time; the journal is uploaded once the provider is
// back. Policy `deny` (switched in settings, no restart) gives the red
// "cannot verify". And a ticket admitted offline that another gate had already
// taken is shown as a conflict once the cable is back.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backToReady, chromiumAvailable, POLL, screenshot, verdictOf, wedgeScan } from './testing/browser.js';
import { ADMIT } from './testing/verdicts.js';
import { gateOnScreen, openGate } from './testing/gate-screen.js';
import { TEST_PIN, type StationProcess } from './testing/station.js';
import { tcpGate, type TcpGate } from './testing/tcp-gate.js';

const run = chromiumAvailable();
const SLOW = { timeout: 30_000, interval: 100 };

describe.runIf(run)('gate station: offline', () => {
  // The offline bundle (platform keys) must be in before the server goes away.
  const gate = gateOnScreen({ tickets: 3, enrollAt: 'Offline Gate', config: { offlinePolicy: 'signed', holdMs: 1000 }, bundle: true });

  it('policy signed: admits once while the provider is down, then refuses', async () => {
    await gate.stack.stopProvider();
    await wedgeScan(gate.page, gate.tickets[0]!.payload);
    const first = await verdictOf(gate.page);
    if (first.kind !== 'admit') console.log(gate.station.output.slice(-15).join('\n'));
    expect(first).toEqual(ADMIT);
    expect(await gate.page.getByTestId('verdict').getAttribute('data-offline')).toBe('yes');
    await gate.page.getByTestId('offline-badge-verdict').waitFor();
    await screenshot(gate.page, 'offline');
    await backToReady(gate.page);
    await screenshot(gate.page, 'offline-ready');

    await wedgeScan(gate.page, gate.tickets[0]!.payload);
    const second = await verdictOf(gate.page);
    expect(second).toMatchObject({ kind: 'deny', reason: 'already_redeemed' });
    await expect.poll(() => gate.page.getByTestId('verdict-detail').textContent(), POLL).toContain('Offline Gate');
    await backToReady(gate.page);
    expect(await gate.page.locator('main').getAttribute('data-journal')).toBe('1');
  });

  it('uploads the journal once the provider is back', async () => {
    await gate.stack.startProvider();
    await expect.poll(() => gate.page.locator('main').getAttribute('data-journal'), SLOW).toBe('0');
    await expect.poll(() => gate.page.getByTestId('offline-badge').count(), POLL).toBe(0);
    // The server has the offline admission: the ticket is used, here.
    await wedgeScan(gate.page, gate.tickets[0]!.payload);
    const v = await verdictOf(gate.page);
    expect(v).toMatchObject({ kind: 'deny', reason: 'already_redeemed' });
    expect(await gate.page.getByTestId('verdict').getAttribute('data-offline')).toBe('no');
    await expect.poll(() => gate.page.getByTestId('verdict-detail').textContent(), POLL).toContain('Offline Gate');
    await backToReady(gate.page);
  });

  it('policy deny, set in settings without a restart: red "cannot verify"', async () => {
    await gate.page.getByTestId('open-settings').click();
    await gate.page.getByTestId('pin-input').fill(TEST_PIN);
    await gate.page.getByTestId('pin-input').press('Enter');
    await gate.page.getByTestId('offline-policy').selectOption('deny');
    await gate.page.getByTestId('settings-save').click();
    await gate.page.getByTestId('settings-saved').waitFor();
    await gate.page.getByTestId('settings-close').click();
    await gate.stack.stopProvider();
    await wedgeScan(gate.page, gate.tickets[1]!.payload);
    const v = await verdictOf(gate.page);
    expect(v).toMatchObject({ kind: 'deny', reason: 'cannot_verify' });
    await expect.poll(() => gate.page.getByTestId('verdict-reason').textContent(), POLL).toBe('Cannot verify');
    await screenshot(gate.page, 'offline-deny');
    await backToReady(gate.page);
    await gate.stack.startProvider();
  });

  describe('a conflict', () => {
    let cable: TcpGate;
    let other: StationProcess;
    let otherPage: Page;

    beforeAll(async () => {
      cable = await tcpGate(gate.stack.bookingUrl);
      const config = await gate.stack.enrolledConfig('Far Gate');
      ({ station: other, page: otherPage } = await openGate(gate.browser, { ...config, serverUrl: cable.url, offlinePolicy: 'signed', holdMs: 1000 }, { bundle: true }));
    }, 60_000);

    afterAll(async () => {
      await other?.close();
      await cable?.close();
    });

    it('is shown when a ticket admitted offline was already used at another gate', async () => {
      await cable.cut();
      // Used at Offline Gate (online) while Far Gate cannot reach the server…
      await wedgeScan(gate.page, gate.tickets[2]!.payload);
      expect(await verdictOf(gate.page)).toEqual(ADMIT);
      // …and admitted at Far Gate offline: its bundle cannot know yet.
      await wedgeScan(otherPage, gate.tickets[2]!.payload);
      expect(await verdictOf(otherPage)).toEqual(ADMIT);
      await backToReady(otherPage);
      await cable.restore();
      await otherPage.getByTestId('conflicts').waitFor({ timeout: 30_000 });
      await expect.poll(() => otherPage.getByTestId('conflict').first().textContent(), POLL).toContain('Offline Gate');
      await screenshot(otherPage, 'conflict');
      expect(other.output.some((l) => l.includes('conflict'))).toBe(true);

      // A finger on Dismiss dismisses: the ready screen's "annul last admission" (the offline
      // admission just made here) sits clear of the alert, so the tap never lands on it.
      const annul = otherPage.getByTestId('annul');
      await expect.poll(() => annul.isVisible(), POLL).toBe(true);
      const [alertBox, annulBox] = await Promise.all([otherPage.getByTestId('conflicts').boundingBox(), annul.boundingBox()]);
      expect(annulBox!.y, 'the annul control is below the alert').toBeGreaterThanOrEqual(alertBox!.y + alertBox!.height);
      const dismiss = (await otherPage.getByTestId('conflicts').getByRole('button').boundingBox())!;
      await otherPage.mouse.click(dismiss.x + dismiss.width / 2, dismiss.y + dismiss.height / 2);
      await otherPage.getByTestId('conflicts').waitFor({ state: 'detached', timeout: POLL.timeout });
      expect(await annul.getAttribute('data-armed')).toBe('no');
    });
  });
});
