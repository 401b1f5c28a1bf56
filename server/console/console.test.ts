// The operator console in headless Chromium against real processes: a
// booking server (admin token) and a verification server. Venue IT signs in
// with the admin token, registers the verification server through the form
// and reads its provider ID; adds a station for a gate, and the setup QR as
// the page shows it, decoded by zbarimg, enrolls a station for real; renames
// and revokes it. Venue staff sign in with their account, add a station for
// their provider, and are offered no other. A wrong token, a 401 and a 429
// from staff sign-in read as sentences. Screenshots of every page, en and zh-CN, go to artifacts/console/.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decodeSetupPayload, type ProviderDetails } from '../../protocol/booking-api.js';
import { consolePage } from '../../build/assets.js';
import { browserApp } from '../ui-kit/testing/browser-app.js';
import { chromiumMissing } from '../ui-kit/testing/chromium.js';
import { REPO_ROOT } from '../../testing/processes.js';
import { decodeQrFile, startConsoleStack, zbarimgMissing } from './testing/console-stack.js';

const ARTIFACTS = join(REPO_ROOT, 'artifacts', 'console');
const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

const missing = chromiumMissing() ?? zbarimgMissing();
if (missing) console.warn(`skipping the console tests: ${missing}`);

interface StationRow {
  stationId: string;
  gate: string;
  enrolled: boolean;
  revoked: boolean;
}

// Each test is a few page loads and a server round trip or two; on a loaded two-core machine that has taken half a minute.
describe.skipIf(missing !== null)('operator console in Chromium', { timeout: 90_000 }, () => {
  const app = browserApp({ bundle: consolePage(), artifacts: 'console', start: () => startConsoleStack(), pageTimeout: 15_000 });
  let providerId = '';
  let stationId = '';

  const open = (locale: string, opts: { signedIn?: boolean; clipboard?: boolean } = {}): Promise<Page> =>
    app.open(
      { ...DESKTOP, locale, timezoneId: 'Asia/Shanghai', permissions: opts.clipboard ? ['clipboard-read', 'clipboard-write'] : [] },
      opts.signedIn ? { sessionStorage: { 'gatepost.console.token': app.stack.adminToken } } : {},
    );

  const shot = app.shot;

  /** Adds a station for `gate` through the Stations page's form; resolves with its setup QR once the image is drawn. */
  async function addStation(page: Page, gate: string) {
    const add = page.locator('[data-testid="add-station"]');
    await add.getByLabel('Gate').fill(gate);
    await add.locator('button[type="submit"]').click();
    const qr = page.locator('[data-testid="setup-qr"]');
    await qr.waitFor();
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await qr.elementHandle());
    return qr;
  }

  /**
   * The setup QR as the page draws it, screenshot and read by zbarimg: it must name this
   * server and the code shown beside it; then a station enrolls with it, as a gate would.
   */
  async function enrollFromPage(qr: Locator, code: string, file: string): Promise<{ stationId: string; providerId: string; gate: string; token: string }> {
    const png = join(ARTIFACTS, file);
    await qr.screenshot({ path: png });
    const text = await decodeQrFile(png);
    expect(text.startsWith('GPS1:')).toBe(true);
    const setup = decodeSetupPayload(text);
    expect(setup).toEqual({ serverUrl: app.stack.url, enrollment: code.replace(/-/g, '') });
    const enrolled = await fetch(`${setup!.serverUrl}/api/v1/station/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollment: setup!.enrollment }),
    });
    expect(enrolled.status).toBe(200);
    return (await enrolled.json()) as { stationId: string; providerId: string; gate: string; token: string };
  }

  async function signInWithAdminToken(page: Page, token: string): Promise<void> {
    await page.goto(`${app.stack.url}/console`);
    await page.locator('summary').click();
    await page.locator('[data-testid="admin-sign-in"] input').fill(token);
    await page.locator('[data-testid="admin-sign-in"] button[type="submit"]').click();
  }

  it('is served at /console and its client routes, with the customer page’s headers, beside the customer page', async () => {
    const home = await fetch(`${app.stack.url}/console`);
    const html = await home.text();
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('<div id="root">');
    expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(home.headers.get('cache-control')).toBe('no-cache');
    for (const path of ['/console/', '/console/providers', '/console/stations?provider=p_1', '/console/providers/p_1']) {
      const res = await fetch(`${app.stack.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe(html);
    }
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const asset = await fetch(`${app.stack.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${app.stack.url}/console/assets/gone-1234.js`)).status).toBe(404);
    // The customer page is still the page at /.
    expect(await (await fetch(`${app.stack.url}/`)).text()).not.toBe(html);
  });

  it('says so when a token or a staff sign-in is refused, and when staff sign-in is rate limited', async () => {
    const page = await open('en-US');
    await signInWithAdminToken(page, 'not-the-admin-token');
    await expect(page.locator('[data-testid="admin-sign-in"] [role="alert"]').textContent()).resolves.toBe('The server does not accept this token.');

    // The staff session route answers 401 or 429 by its contract ({error, message}).
    let answer = { status: 401, error: 'unauthorized' };
    await page.route('**/api/v1/staff/sessions', (route) =>
      route.fulfill({ status: answer.status, contentType: 'application/json', body: JSON.stringify({ error: answer.error, message: 'no' }) }),
    );
    const form = page.locator('[data-testid="staff-sign-in"]');
    await form.locator('input[type="email"]').fill('desk@cinema.example');
    await form.locator('input[type="password"]').fill('wrong password');
    await form.locator('button[type="submit"]').click();
    await expect(form.locator('[role="alert"]').textContent()).resolves.toBe('The e-mail or the password is wrong.');
    answer = { status: 429, error: 'rate_limited' };
    await form.locator('button[type="submit"]').click();
    await form.locator('[role="alert"]', { hasText: 'Too many attempts' }).waitFor();
    await shot(page, 'en-sign-in-refused');
  });

  it('signs in with the admin token and registers the verification server through the form: its provider ID is shown', async () => {
    const page = await open('en-US', { clipboard: true });
    await page.goto(`${app.stack.url}/console`);
    await page.locator('h1', { hasText: 'Sign in to the console' }).waitFor();
    await shot(page, 'en-sign-in');
    await signInWithAdminToken(page, app.stack.adminToken);
    await page.waitForURL(/\/console\/providers$/);
    await page.locator('.empty', { hasText: 'No providers yet' }).waitFor();
    await shot(page, 'en-providers-empty');

    await page.getByRole('link', { name: 'Register provider' }).click();
    const form = page.locator('[data-testid="provider-form"]');
    await form.getByLabel('Name').fill('Riverside Cinema');
    await form.getByLabel('Verification server URL').fill(app.stack.provider.url);
    await form.getByLabel('Shared secret').fill(app.stack.providerSecret);
    await shot(page, 'en-provider-new');
    await form.locator('button[type="submit"]').click();

    const shown = page.locator('[data-testid="provider-id"]');
    await shown.waitFor();
    providerId = (await shown.textContent()) ?? '';
    const { body } = await app.stack.admin<{ providers: ProviderDetails[] }>('GET', '/api/v1/admin/providers');
    expect(body.providers).toEqual([expect.objectContaining({ providerId, name: 'Riverside Cinema', verifyUrls: [app.stack.provider.url], batchScans: true })]);
    expect(await page.locator('[data-testid="provider-registered"]').textContent()).toContain('Riverside Cinema is registered');
    await page.locator('[data-testid="provider-registered"]').getByRole('button', { name: 'Copy' }).click();
    await page.locator('[data-testid="provider-registered"]').getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(providerId);
    await shot(page, 'en-provider-registered');
    // The booking server reaches it: the registered provider's programme is on sale.
    const shows = (await (await fetch(`${app.stack.url}/api/v1/shows`)).json()) as { shows: { providerId: string }[] };
    expect(shows.shows.some((s) => s.providerId === providerId)).toBe(true);
  });

  it('lists the provider and edits it under the same ID, the secret never shown back', async () => {
    const page = await open('en-US', { signedIn: true });
    await page.goto(`${app.stack.url}/console/providers`);
    const row = page.locator(`tr[data-provider="${providerId}"]`);
    await expect(row.textContent()).resolves.toContain('Riverside Cinema');
    expect(await row.textContent()).toContain(app.stack.provider.url);
    await shot(page, 'en-providers');
    await row.getByRole('link', { name: 'Edit' }).click();
    const form = page.locator('[data-testid="provider-form"]');
    await expect(form.getByLabel('Shared secret').inputValue()).resolves.toBe('');
    await form.getByLabel('Name').fill('Riverside Cinemas');
    await form.locator('button[type="submit"]').click();
    await form.locator('[role="status"]', { hasText: 'Changes saved.' }).waitFor();
    await shot(page, 'en-provider-edit');
    const { body } = await app.stack.admin<{ providers: ProviderDetails[] }>('GET', '/api/v1/admin/providers');
    expect(body.providers[0]).toMatchObject({ providerId, name: 'Riverside Cinemas' });
    expect(await page.content()).not.toContain(app.stack.providerSecret);
  });

  it('adds a station: the setup QR as shown on the page decodes with zbarimg and enrolls a station', async () => {
    const page = await open('en-US', { signedIn: true });
    await page.goto(`${app.stack.url}/console/stations`);
    // With no provider in the address, the first one is picked.
    await expect.poll(() => page.locator('[data-testid="provider-picker"]').inputValue(), { timeout: 10_000 }).toBe(providerId);
    expect(new URL(page.url()).searchParams.get('provider')).toBe(providerId);
    await page.locator('.empty', { hasText: 'No stations for this provider yet.' }).waitFor();
    const qr = await addStation(page, 'Hall 1 north door');
    const box = (await qr.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(280);
    expect(await page.locator('[data-testid="expires"]').textContent()).toMatch(/^Valid for (14:\d\d|15:00)$/);
    const code = (await page.locator('[data-testid="enrollment-code"]').textContent())!;
    expect(code).toMatch(/^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$/);
    await shot(page, 'en-station-setup');

    const station = await enrollFromPage(qr, code, 'setup-qr-element.png');
    expect(station).toMatchObject({ providerId, gate: 'Hall 1 north door' });
    stationId = station.stationId;
    expect(await page.locator('[data-testid="setup-panel"]').textContent()).toContain(stationId);

    await page.reload();
    // Enrolled, but nothing has run at the gate yet to report in.
    await expect(page.locator(`tr[data-station="${stationId}"] .badge`).textContent()).resolves.toBe('Offline');
    await shot(page, 'en-stations');
  });

  it('counts the code down, and after 15 minutes offers a new code that replaces the old one', async () => {
    const page = await open('en-US', { signedIn: true });
    await page.clock.install();
    await page.goto(`${app.stack.url}/console/stations?provider=${providerId}`);
    const add = page.locator('[data-testid="add-station"]');
    await add.getByLabel('Gate').fill('Hall 2');
    await add.locator('button[type="submit"]').click();
    const code = page.locator('[data-testid="enrollment-code"]');
    const first = (await code.textContent())!;
    await page.clock.fastForward('05:00');
    await expect(page.locator('[data-testid="expires"]').textContent()).resolves.toMatch(/^Valid for (9:\d\d|10:00)$/);
    await page.clock.fastForward('10:01');
    const panel = page.locator('[data-testid="setup-panel"]');
    await panel.locator('[role="alert"]', { hasText: 'This code has expired.' }).waitFor();
    expect(await page.locator('[data-testid="setup-qr"]').count()).toBe(0);
    await shot(page, 'en-station-code-expired');

    await panel.getByRole('button', { name: 'Make a new code' }).click();
    await page.locator('[data-testid="setup-qr"]').waitFor();
    const second = (await code.textContent())!;
    expect(second).not.toBe(first);
    const enroll = (enrollment: string) =>
      fetch(`${app.stack.url}/api/v1/station/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enrollment }) });
    expect((await enroll(first)).status).toBe(401);
    expect((await enroll(second)).status).toBe(200);
  });

  it('renames a station (or says the server cannot yet) and revokes it after a confirmation', async () => {
    const page = await open('en-US', { signedIn: true });
    await page.goto(`${app.stack.url}/console/stations?provider=${providerId}`);
    const row = page.locator(`tr[data-station="${stationId}"]`);
    await row.getByRole('button', { name: 'Rename' }).click();
    await row.getByLabel('Gate').fill('Hall 1 main door');
    await row.getByRole('button', { name: 'Save' }).click();
    const outcome = page.locator('.notice', { hasText: /Station renamed to “Hall 1 main door”|Renaming stations is not available on this server yet/ });
    await outcome.waitFor();
    const { body: listed } = await app.stack.admin<{ stations: StationRow[] }>('GET', '/api/v1/admin/stations');
    const gate = listed.stations.find((s) => s.stationId === stationId)!.gate;
    expect((await outcome.textContent())!.includes('renamed')).toBe(gate === 'Hall 1 main door');

    await row.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.locator('[data-testid="confirm"]');
    await expect(dialog.textContent()).resolves.toContain(`Revoke station “${gate}”?`);
    await shot(page, 'en-station-revoke-confirm');
    await dialog.getByRole('button', { name: 'Revoke station' }).click();
    await page.locator('.notice', { hasText: `Station “${gate}” is revoked.` }).waitFor();
    const { body: after } = await app.stack.admin<{ stations: StationRow[] }>('GET', '/api/v1/admin/stations');
    expect(after.stations.find((s) => s.stationId === stationId)).toMatchObject({ revoked: true });
    await page.getByLabel(/Show revoked stations/).check();
    await expect(page.locator(`tr[data-station="${stationId}"] .badge`).textContent()).resolves.toBe('Revoked');
  });

  it('reads in Chinese with a zh-CN browser, and keeps the language picked', async () => {
    const page = await open('zh-CN');
    await page.goto(`${app.stack.url}/console`);
    await page.locator('h1', { hasText: '登录管理后台' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await shot(page, 'zh-sign-in');
    await signInWithAdminToken(page, app.stack.adminToken);
    await page.locator(`tr[data-provider="${providerId}"]`).waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe('票务方');
    await shot(page, 'zh-providers');
    await page.goto(`${app.stack.url}/console/providers/new`);
    await page.locator('h1', { hasText: '登记票务方' }).waitFor();
    await shot(page, 'zh-provider-new');
    await page.goto(`${app.stack.url}/console/stations?provider=${providerId}`);
    const add = page.locator('[data-testid="add-station"]');
    await add.getByLabel('入口').fill('2 号厅');
    await add.locator('button[type="submit"]').click();
    await expect(page.locator('[data-testid="expires"]').textContent()).resolves.toMatch(/^有效期还剩 (14:\d\d|15:00)$/);
    await page.locator('[data-testid="setup-qr"]').waitFor();
    await shot(page, 'zh-stations');

    await page.locator('[data-testid="language"]').selectOption('en');
    await page.locator('h1', { hasText: 'Stations' }).waitFor();
    await page.reload();
    await page.locator('h1', { hasText: 'Stations' }).waitFor();
  });

  it('shows what a station reports in its heartbeat, and a dash where a station has not reported', async () => {
    const created = await app.stack.admin('POST', '/api/v1/admin/stations', { providerId, gate: 'Hall 3' });
    expect(created.status).toBe(201);
    const { enrollment, stationId } = created.body as { enrollment: string; stationId: string };
    const enrolled = await fetch(`${app.stack.url}/api/v1/station/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enrollment }) });
    const { token } = (await enrolled.json()) as { token: string };
    const beat = await fetch(`${app.stack.url}/api/v1/station/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        version: '0.4.1',
        sources: [{ kind: 'wedge', name: 'keyboard', state: 'ok' }],
        relay: { kind: 'lcus', state: 'ok' },
        offlinePolicy: 'signed',
        bundleAgeS: 40,
        journalBacklog: 3,
        // The gate PC's clock two days slow: venue IT should set it right.
        clockSkewS: -2 * 86_400,
      }),
    });
    expect(beat.status).toBe(200);
    const page = await open('en-US', { signedIn: true });
    await page.goto(`${app.stack.url}/console/stations?provider=${providerId}`);
    const table = page.locator('[data-testid="stations"]');
    await table.waitFor();
    const headers = await table.locator('th').allTextContents();
    expect(headers).toEqual(expect.arrayContaining(['Version', 'Sources', 'Relay', 'Journal backlog', 'Added']));
    const reporting = table.locator(`tr[data-station="${stationId}"]`);
    await expect(reporting.locator('.badge').textContent()).resolves.toBe('Online');
    await expect(reporting.locator('[data-testid="last-seen"]').textContent()).resolves.toMatch(/^Last seen: \d+ sec ago$/);
    await expect(reporting.locator('[data-testid="clock-skew"]').textContent()).resolves.toBe('PC clock 2 days slow');
    await expect(reporting.locator('td').nth(headers.indexOf('Sources')).textContent()).resolves.toBe('keyboard');
    await expect(reporting.locator('td').nth(headers.indexOf('Relay')).textContent()).resolves.toBe('lcus');
    // Added: the day, then the time at the venue's clock with its zone.
    await expect(reporting.locator('td').nth(headers.indexOf('Added')).textContent()).resolves.toMatch(/\d\d:\d\d GMT[+-]?\d*$/);
    // Every column fits a 1280-px screen: the table does not scroll sideways.
    expect(await table.evaluate((el) => el.parentElement!.scrollWidth <= el.parentElement!.clientWidth)).toBe(true);
    const versionColumn = headers.indexOf('Version');
    await expect(reporting.locator('td').nth(versionColumn).textContent()).resolves.toBe('0.4.1');
    await expect(reporting.locator('td').nth(headers.indexOf('Journal backlog')).textContent()).resolves.toBe('3');
    // The stations added earlier in this file never ran at a gate: nothing reported.
    await expect(table.locator('tbody tr').first().locator('td').nth(versionColumn).textContent()).resolves.toBe('—');
    expect(await table.locator('[data-testid="clock-skew"]').count()).toBe(1);
    await shot(page, 'en-stations-heartbeat');
    expect(app.pageErrors).toEqual([]);
  });

  it('lets venue staff add a station for a gate of their provider, and offers them no other provider', async () => {
    const other = await app.stack.admin<{ providerId: string }>('POST', '/api/v1/admin/providers', {
      name: 'Harbour Arts',
      verifyUrl: app.stack.provider.url,
      secret: app.stack.providerSecret,
    });
    expect(other.status).toBe(201);
    const account = { email: 'gates@riverside.example', password: 'gate-staff-pass-01' };
    expect((await app.stack.admin('POST', '/api/v1/admin/staff', { ...account, role: 'venue', providerIds: [providerId] })).status).toBe(201);

    const page = await open('en-US');
    await page.goto(`${app.stack.url}/console`);
    const form = page.locator('[data-testid="staff-sign-in"]');
    await form.locator('input[type="email"]').fill(account.email);
    await form.locator('input[type="password"]').fill(account.password);
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/console\/live\?provider=/);
    await page.getByRole('link', { name: 'Stations' }).click();
    const picker = page.locator('[data-testid="provider-picker"]');
    await expect.poll(() => picker.inputValue()).toBe(providerId);
    expect(await picker.locator('option').allTextContents()).toEqual([`Riverside Cinemas (${providerId})`]);

    const qr = await addStation(page, 'Balcony door');
    const code = (await page.locator('[data-testid="enrollment-code"]').textContent())!;
    expect(code).toMatch(/^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$/);
    expect(await page.locator('[data-testid="expires"]').textContent()).toMatch(/^Valid for (14:\d\d|15:00)$/);
    const row = page.locator('[data-testid="stations"] tbody tr', { hasText: 'Balcony door' });
    await expect(row.locator('.badge').textContent()).resolves.toBe('Waiting for setup');
    await shot(page, 'en-station-setup-venue');

    // The QR as this venue's staff see it enrolls the gate, for their provider.
    expect(await enrollFromPage(qr, code, 'setup-qr-venue-element.png')).toMatchObject({ providerId, gate: 'Balcony door' });

    // Another provider in the address: not offered, the page goes back to their own.
    await page.goto(`${app.stack.url}/console/stations?provider=${other.body.providerId}`);
    await expect.poll(() => new URL(page.url()).searchParams.get('provider')).toBe(providerId);
    expect(await picker.locator('option').allTextContents()).toEqual([`Riverside Cinemas (${providerId})`]);
    // And the API refuses it to their session.
    const token = await page.evaluate(() => sessionStorage.getItem('gatepost.console.token'));
    const refused = await fetch(`${app.stack.url}/api/v1/admin/stations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ providerId: other.body.providerId, gate: 'Side door' }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe('forbidden_provider');
  });

  it('left no error in any page, and wrote its screenshots', async () => {
    expect(app.pageErrors).toEqual([]);
    expect((await readFile(join(ARTIFACTS, 'zh-stations.png'))).length).toBeGreaterThan(1000);
  });
});
