// Acceptance, in headless Chromium through the web-kiosk shell, against real
// servers: a venue's booking + provider stack, and a stranger's own stack (a
// second booking server and provider, as an attacker would run). A stranger's
// GPS1: setup QR typed by a keyboard-wedge gun into an enrolled gate with no
// PIN is ignored, said so on the screen (en and zh-CN), and the gate keeps
// admitting its own venue's tickets. A first enrollment needs a PIN, by typing
// or in the setup-QR flow; a setup QR naming a plain-http server on another
// machine is refused with a notice. The PIN back-off survives kill -9 and a restart.
// The screen reaches the bridge only through the URL with the launch secret.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSetupPayload } from '../protocol/booking-api.js';
import { backToReady, chromiumAvailable, launchChromium, openStation, POLL, screenshot, verdictOf, wedgeBurst, wedgeScan } from './testing/browser.js';
import { ADMIT } from './testing/verdicts.js';
import { startStack, type Stack, type Ticket } from './testing/stack.js';
import { startStation, TEST_PIN, type StationProcess } from './testing/station.js';

const run = chromiumAvailable();

interface ConfigFile {
  serverUrl: string;
  providerId: string;
  gate: string;
  pinHash: string | null;
  enrollment: { stationId: string; token: string } | null;
}
/** The config file as the station has it (fields never saved yet take their defaults). */
const configOf = (s: StationProcess) => ({ enrollment: null, ...(JSON.parse(readFileSync(s.configFile, 'utf8')) as Partial<ConfigFile>) }) as ConfigFile;

describe.runIf(run)('gate station: setup-QR takeover, first enrollment, bridge secret, PIN back-off', () => {
  let venue: Stack;
  let stranger: Stack;
  let browser: Browser;
  let tickets: Ticket[];
  const stations: StationProcess[] = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    [venue, stranger, browser] = await Promise.all([startStack(), startStack(), launchChromium()]);
    tickets = await venue.buyTickets(3);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled(stations.map((s) => s.close()));
    await Promise.allSettled([venue?.close(), stranger?.close()]);
  });

  async function station(config: Record<string, unknown>, pin: string | null): Promise<{ station: StationProcess; page: Page }> {
    const s = await startStation({ holdMs: 1000, ...config }, { pin });
    stations.push(s);
    const page = await openStation(browser, s.url);
    pages.push(page);
    return { station: s, page };
  }

  const noticeOf = (page: Page, key: string) => page.locator(`[data-testid="notice"][data-key="${key}"]`);

  it("ignores a stranger's setup QR on an enrolled gate without a PIN, says why, and keeps admitting its own venue", async () => {
    const { station: gate, page } = await station(await venue.enrolledConfig('Home Gate'), null);
    const before = configOf(gate);
    expect(before.pinHash).toBeNull();
    const theirs = await stranger.createStation('Their Gate');

    await wedgeBurst(page, theirs.setupPayload);
    await expect.poll(() => noticeOf(page, 'setup_ignored').textContent(), POLL).toBe('Setup code ignored: this gate is enrolled. Open settings with the PIN to re-enroll it.');
    await screenshot(page, 'setup-ignored');
    // Still bound to its own server and provider, with its own token.
    expect(configOf(gate)).toEqual(before);
    expect(gate.output.join('\n')).toMatch(/setup QR was scanned on an enrolled station.*ignored/);
    // Never a ticket: no verdict, nothing counted.
    expect(await page.getByTestId('verdict').count()).toBe(0);
    await expect.poll(() => page.getByTestId('count-denied').textContent(), POLL).toContain('0');
    // The stranger's one-time code was never spent: it still enrolls at their server.
    const spent = await stranger.api<{ token?: string }>('POST', '/api/v1/station/enroll', { enrollment: theirs.enrollment });
    expect(spent.status).toBe(200);

    // A random code is refused; the venue's ticket is admitted.
    await wedgeScan(page, 'X7Q2M9K4W8R3T6Y1', 5);
    expect((await verdictOf(page)).kind).toBe('deny');
    await backToReady(page);
    await wedgeScan(page, tickets[0]!.payload, 5);
    const v = await verdictOf(page);
    expect(v.kind, `the verdict screen said: ${v.reason} ${v.text}`).toBe('admit');
    await expect.poll(() => page.getByTestId('verdict-seat').textContent(), POLL).toContain(tickets[0]!.seat);
    await backToReady(page);

    // In Chinese too (settings open without a PIN here: that does not let a setup QR in).
    await page.getByTestId('open-settings').click();
    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    const another = await stranger.createStation('Their Gate 2');
    await wedgeBurst(page, another.setupPayload);
    const notice = noticeOf(page, 'setup_ignored').last();
    await expect.poll(() => notice.textContent(), POLL).toBe('已忽略设置码：本检票口已注册。如需重新注册，请先用密码进入设置。');
    // Shown on top of the settings screen, where the QR was scanned.
    const onTop = await notice.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
    });
    expect(onTop).toBe(true);
    await screenshot(page, 'setup-ignored-zh-CN');
    await page.getByTestId('settings-close').click();
    expect(configOf(gate)).toMatchObject({ serverUrl: venue.bookingUrl, providerId: venue.providerId, enrollment: before.enrollment });
  });

  it('refuses a typed first enrollment until a PIN is chosen', async () => {
    const { station: gate, page } = await station({}, null);
    const created = await venue.createStation('Typed Gate');
    await page.getByTestId('open-settings').click();
    await page.getByTestId('server-url').fill(venue.bookingUrl);
    await page.getByTestId('enroll-code').fill(created.enrollment);
    await page.getByTestId('enroll-button').click();
    await expect.poll(() => page.getByTestId('settings-errors').textContent(), POLL).toMatch(/pin.*choose a settings PIN/);
    expect(await page.getByTestId('enrolled-status').getAttribute('data-enrolled')).toBe('no');
    expect(configOf(gate)).toMatchObject({ enrollment: null, pinHash: null });

    await page.getByTestId('enroll-pin').fill('4826');
    await page.getByTestId('enroll-button').click();
    await expect.poll(() => page.getByTestId('enrolled-status').getAttribute('data-enrolled'), POLL).toBe('yes');
    expect(configOf(gate).pinHash).toMatch(/^scrypt\$/);
    await page.getByTestId('settings-close').click();
    await expect.poll(() => page.getByTestId('gate-name').textContent(), POLL).toBe('Typed Gate');
  });

  it('asks for a PIN when a setup QR is scanned on a new station, and enrolls only once it is chosen', async () => {
    const { station: gate, page } = await station({}, null);
    // A setup QR naming a plain-http server on another machine: refused, and the screen says why.
    await wedgeBurst(page, encodeSetupPayload('http://192.0.2.10:7700', 'ABCDEFGHJKMNPQRSTVWXYZ012345'));
    await expect
      .poll(() => noticeOf(page, 'setup_insecure').textContent(), POLL)
      .toBe('Setup code refused: http://192.0.2.10:7700 is plain http to another machine. Use https, or allow plain http in settings.');
    expect(await page.getByTestId('setup-prompt').count()).toBe(0);

    const created = await venue.createStation('QR Gate');
    await wedgeBurst(page, created.setupPayload);
    const prompt = page.getByTestId('setup-prompt');
    await prompt.waitFor();
    expect(await prompt.getAttribute('data-mode')).toBe('choose');
    expect(await page.getByTestId('setup-server').textContent()).toContain(venue.bookingUrl);
    await screenshot(page, 'setup-choose-pin');
    expect(configOf(gate)).toMatchObject({ enrollment: null, pinHash: null });

    await page.getByTestId('setup-pin').fill('7391');
    await page.getByTestId('setup-pin-again').fill('7392');
    await page.getByTestId('setup-confirm').click();
    await expect.poll(() => page.getByTestId('setup-error').textContent(), POLL).toBe('The two PINs differ');
    expect(configOf(gate).enrollment).toBeNull();

    await page.getByTestId('setup-pin').fill('7391');
    await page.getByTestId('setup-pin-again').fill('7391');
    await page.getByTestId('setup-confirm').click();
    await prompt.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('gate-name').textContent(), POLL).toBe('QR Gate');
    expect(configOf(gate)).toMatchObject({ serverUrl: venue.bookingUrl, gate: 'QR Gate', pinHash: expect.stringMatching(/^scrypt\$/) });
    await wedgeBurst(page, tickets[1]!.payload);
    expect(await verdictOf(page)).toEqual(ADMIT);
  });

  it('serves no bridge to a page opened without the launch secret, and never logs the secret', async () => {
    const { station: gate } = await station(await venue.enrolledConfig('Secret Gate'), TEST_PIN);
    const secret = new URL(gate.url).hash.replace('#k=', '');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bare = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    pages.push(bare);
    await bare.goto(gate.origin);
    await expect.poll(() => bare.locator('main[data-screen="loading"]').textContent(), POLL).toBe('Station core not reachable — reconnecting…');
    expect(await bare.getByTestId('ready').count()).toBe(0);
    const logLines = gate.output.filter((l) => l.startsWith('{'));
    expect(logLines.some((l) => l.includes('ready at'))).toBe(true);
    for (const line of logLines) expect(line).not.toContain(secret);
  });

  it('keeps the PIN back-off across kill -9 and a restart', async () => {
    const { station: gate, page } = await station(await venue.enrolledConfig('Backoff Gate'), TEST_PIN);
    await page.getByTestId('open-settings').click();
    const wrongTries = () => gate.output.filter((l) => l.includes('wrong settings PIN entered')).length;
    for (let i = 1; i <= 5; i++) {
      await page.getByTestId('pin-input').fill('0000');
      await page.getByTestId('pin-input').press('Enter');
      await expect.poll(wrongTries, POLL).toBe(i);
    }
    await expect.poll(() => page.getByTestId('pin-error').textContent(), POLL).toMatch(/^Too many wrong PINs/);
    await gate.restart({ kill9: true });
    const again = await openStation(browser, gate.url);
    pages.push(again);
    await again.getByTestId('open-settings').click();
    await again.getByTestId('pin-input').fill(TEST_PIN);
    await again.getByTestId('pin-input').press('Enter');
    await expect.poll(() => again.getByTestId('pin-error').textContent(), POLL).toMatch(/^Too many wrong PINs: try again in \d+ s$/);
    expect(await again.getByTestId('enroll-code').count()).toBe(0);
  });
});
