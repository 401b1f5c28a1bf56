// Acceptance, in headless Chromium through the web-kiosk shell, against the
// real booking and provider servers: enroll by typing the code, then a
// keyboard-wedge gun typing at 5 ms a key: ADMIT with the seat; the same ticket
// again: DENY, already used, with the gate's name. A refusal that is not the
// server's silence says so: before enrolment, and with a provider ID the
// server refuses; at an unattended kiosk it asks the holder to find staff. Settings: a wrong PIN and a bad server URL are refused.
// Screenshots of ready, admit, deny and settings.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backToReady, chromiumAvailable, POLL, screenshot, verdictOf, wedgeScan } from './testing/browser.js';
import { ADMIT } from './testing/verdicts.js';
import { gateOnScreen } from './testing/gate-screen.js';
import { TEST_PIN } from './testing/station.js';

const run = chromiumAvailable();

describe.runIf(run)('gate station: enrollment, keyboard wedge, settings', () => {
  const gate = gateOnScreen({ tickets: 5, config: { holdMs: 1500 } });

  async function openSettings(pin = TEST_PIN): Promise<void> {
    await gate.page.getByTestId('open-settings').click();
    await gate.page.getByTestId('pin-input').fill(pin);
    await gate.page.getByTestId('pin-input').press('Enter');
  }

  async function closeSettings(): Promise<void> {
    await gate.page.getByTestId('settings-close').click();
    await gate.page.getByTestId('settings').waitFor({ state: 'detached' });
  }

  /** Opens the settings with the PIN, makes `change`, saves and closes them. */
  async function saveSettings(change: () => Promise<void>): Promise<void> {
    await openSettings();
    await change();
    await gate.page.getByTestId('settings-save').click();
    await gate.page.getByTestId('settings-saved').waitFor();
    await closeSettings();
  }

  it('shows ready, not enrolled', async () => {
    await gate.page.getByTestId('not-enrolled').waitFor();
    await screenshot(gate.page, 'ready-not-enrolled');
  });

  it('refuses a ticket scanned before enrolment, saying so rather than blaming the server', async () => {
    await wedgeScan(gate.page, gate.tickets[2]!.payload, 5);
    expect(await verdictOf(gate.page)).toMatchObject({ kind: 'deny', reason: 'cannot_verify' });
    await expect.poll(() => gate.page.getByTestId('verdict-detail').textContent(), POLL).toBe('This station is not enrolled — call a supervisor');
    await screenshot(gate.page, 'deny-not-enrolled');
    await backToReady(gate.page);
  });

  it('refuses a wrong PIN', async () => {
    await openSettings('9999');
    await expect.poll(() => gate.page.getByTestId('pin-error').textContent(), POLL).toBe('Wrong PIN');
    await expect.poll(() => gate.page.getByTestId('enroll-code').count(), POLL).toBe(0);
    await closeSettings();
  });

  it('enrolls by typing the enrollment code', async () => {
    const created = await gate.stack.createStation('Gate 3');
    await openSettings();
    await gate.page.getByTestId('server-url').fill(gate.stack.bookingUrl);
    await gate.page.getByTestId('enroll-code').fill(created.enrollment);
    await gate.page.getByTestId('enroll-button').click();
    await expect.poll(() => gate.page.getByTestId('enrolled-status').getAttribute('data-enrolled'), POLL).toBe('yes');
    await expect.poll(() => gate.page.getByTestId('gate-input').inputValue(), POLL).toBe('Gate 3');
    await screenshot(gate.page, 'settings');
    // The token went to the config file and nowhere near the screen.
    const config = JSON.parse(readFileSync(gate.station.configFile, 'utf8')) as { enrollment: { token: string } };
    expect(config.enrollment.token).toMatch(/^st_/);
    expect(await gate.page.content()).not.toContain(config.enrollment.token);
    await closeSettings();
    await expect.poll(() => gate.page.getByTestId('gate-name').textContent(), POLL).toBe('Gate 3');
    await expect.poll(() => gate.page.getByTestId('not-enrolled').count(), POLL).toBe(0);
    await screenshot(gate.page, 'ready');
  });

  it('refuses a bad server URL and keeps the old config', async () => {
    await openSettings();
    await gate.page.getByTestId('server-url').fill('htp:/not a server');
    await gate.page.getByTestId('settings-save').click();
    await expect.poll(() => gate.page.getByTestId('settings-errors').textContent(), POLL).toContain('serverUrl');
    await closeSettings();
    const config = JSON.parse(readFileSync(gate.station.configFile, 'utf8')) as { serverUrl: string; enrollment: unknown };
    expect(config.serverUrl).toBe(gate.stack.bookingUrl);
    expect(config.enrollment).not.toBeNull();
  });

  it('admits a ticket typed by a wedge gun at 5 ms a key, with its seat', async () => {
    const ticket = gate.tickets[0]!;
    await wedgeScan(gate.page, ticket.payload, 5);
    const v = await verdictOf(gate.page);
    expect(v.kind, `the verdict screen said: ${v.reason} ${v.text}`).toBe('admit');
    await expect.poll(() => gate.page.getByTestId('verdict-seat').textContent(), POLL).toContain(ticket.seat);
    // Legible at 3 m: the verdict word is at least 10% of the screen height.
    const word = await gate.page.locator('.verdict-word').boundingBox();
    expect(word!.height).toBeGreaterThanOrEqual(0.1 * 800);
    await screenshot(gate.page, 'admit');
    await backToReady(gate.page);
    await expect.poll(() => gate.page.getByTestId('count-admitted').textContent(), POLL).toContain('1');
  });

  it('denies the same ticket again: already used, with the gate name', async () => {
    await wedgeScan(gate.page, gate.tickets[0]!.payload, 5);
    const v = await verdictOf(gate.page);
    expect(v).toMatchObject({ kind: 'deny', reason: 'already_redeemed' });
    await expect.poll(() => gate.page.getByTestId('verdict-reason').textContent(), POLL).toBe('Already used');
    await expect.poll(() => gate.page.getByTestId('verdict-detail').textContent(), POLL).toContain('Gate 3');
    await screenshot(gate.page, 'deny');
    await backToReady(gate.page);
    // The refusal before enrolment, and this one.
    await expect.poll(() => gate.page.getByTestId('count-denied').textContent(), POLL).toContain('2');
  });

  it('with a provider ID its enrolment does not carry, says the server refused the station, and admits once it is set back', async () => {
    await saveSettings(() => gate.page.getByTestId('provider-id').fill('another-venue'));
    const ticket = gate.tickets[3]!;
    await wedgeScan(gate.page, ticket.payload, 5);
    expect(await verdictOf(gate.page)).toMatchObject({ kind: 'deny', reason: 'cannot_verify' });
    await expect.poll(() => gate.page.getByTestId('verdict-detail').textContent(), POLL).toBe('The server refused this station — call a supervisor');
    await screenshot(gate.page, 'deny-station-refused');
    await backToReady(gate.page);
    // On the ready screen, for venue IT, what the server said, until the settings change.
    const banner = gate.page.getByTestId('station-refusal');
    await expect
      .poll(() => banner.textContent(), POLL)
      .toBe(`The server refuses this station: this station is enrolled for provider ${gate.stack.providerId}, not another-venue. Venue IT: check the provider ID in settings, or enroll the gate again.`);
    await screenshot(gate.page, 'station-refused');

    // An unattended kiosk: the holder reads the screen, and is asked to find staff.
    await saveSettings(() => gate.page.getByTestId('kiosk').check());
    await wedgeScan(gate.page, gate.tickets[4]!.payload, 5);
    expect(await verdictOf(gate.page)).toMatchObject({ kind: 'deny', reason: 'cannot_verify' });
    await expect.poll(() => gate.page.getByTestId('verdict-detail').textContent(), POLL).toBe('The server refused this station — please ask staff');
    await screenshot(gate.page, 'deny-station-refused-kiosk');
    await backToReady(gate.page);
    expect(await banner.count()).toBe(1);

    await saveSettings(async () => {
      await gate.page.getByTestId('kiosk').uncheck();
      await gate.page.getByTestId('provider-id').fill(gate.stack.providerId);
    });
    await expect.poll(() => banner.count(), POLL).toBe(0);
    await wedgeScan(gate.page, ticket.payload, 5);
    expect(await verdictOf(gate.page)).toEqual(ADMIT);
    await backToReady(gate.page);
  });

  it('speaks Chinese once zh-CN is chosen, without a restart', async () => {
    await saveSettings(async () => {
      await gate.page.getByTestId('language').selectOption('zh-CN');
    });
    await expect.poll(() => gate.page.locator('.ready-word').textContent(), POLL).toBe('就绪');
    await wedgeScan(gate.page, gate.tickets[1]!.payload, 5);
    expect(await verdictOf(gate.page)).toEqual(ADMIT);
    await expect.poll(() => gate.page.locator('.verdict-word').textContent(), POLL).toBe('请通行');
    await screenshot(gate.page, 'admit-zh-CN');
    await backToReady(gate.page);
    await wedgeScan(gate.page, gate.tickets[1]!.payload, 5);
    expect((await verdictOf(gate.page)).reason).toBe('already_redeemed');
    await expect.poll(() => gate.page.getByTestId('verdict-reason').textContent(), POLL).toBe('票已使用');
    await screenshot(gate.page, 'deny-zh-CN');
  });
});
