// The console's Providers page (venue time zone, health) and its Audit log in
// headless Chromium against real processes (a booking server and a
// verification server). Venue IT registers a provider in Asia/Shanghai through
// the form, after the server refused a zone it does not know on its field; the
// list shows the zone and the provider reachable, then unreachable with the
// reason once the verification server is stopped. An admin edits another
// provider's zone, is refused an unknown one, and clears it back to the
// server's. The audit log names who registered the provider and who revoked a
// station, pages back with "older", and venue staff see their own provider's
// entries only. Screenshots at 1280×800, en and zh-CN, go to artifacts/console/.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ProviderDetails } from '../../protocol/booking-api.js';
import { consolePage } from '../../build/assets.js';
import { browserApp } from '../ui-kit/testing/browser-app.js';
import { chromiumMissing } from '../ui-kit/testing/chromium.js';
import { startConsoleStack } from './testing/console-stack.js';

const missing = chromiumMissing();
const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const VENUE = { email: 'desk@riverside.example', password: 'correct horse battery' };

describe.skipIf(missing !== null)('the Providers page’s zone and health, and the audit log, in Chromium', { timeout: 120_000 }, () => {
  const app = browserApp({ bundle: consolePage(), artifacts: 'console', start: () => startConsoleStack(), pageTimeout: 15_000 });
  let riverside = '';
  let harbour = '';
  let staffToken = '';

  /** A page signed in with `token`, in a browser whose own zone is Berlin: venue times must not read as the viewer's. */
  const open = (lang: 'en' | 'zh-CN', token = app.stack.adminToken): Promise<Page> =>
    app.open(
      { ...DESKTOP, locale: lang, timezoneId: 'Europe/Berlin' },
      { sessionStorage: { 'gatepost.console.token': token }, localStorage: { 'gatepost.console.lang': lang }, consoleErrors: true },
    );

  /** An API call with a token; fails the test on an error answer. */
  const call = async <T>(token: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${app.stack.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = (res.status === 204 ? undefined : await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };
  const admin = <T>(method: string, path: string, body?: unknown) => call<T>(app.stack.adminToken, method, path, body);
  const providerById = async (providerId: string): Promise<ProviderDetails | undefined> =>
    (await admin<{ providers: ProviderDetails[] }>('GET', '/api/v1/admin/providers')).providers.find((p) => p.providerId === providerId);
  /** The wall clock in `zone` now, as the console shows it ("20:15"). */
  const clockIn = (zone: string): string => new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).format(Date.now());

  it('registers a provider in Asia/Shanghai through the form, after a zone the server does not know was refused on its field', async () => {
    const page = await open('en');
    await page.goto(`${app.stack.url}/console/providers/new`);
    const form = page.locator('[data-testid="provider-form"]');
    await form.getByLabel('Name').fill('Riverside Cinema');
    await form.getByLabel('Verification server URL').fill(app.stack.provider.url);
    await form.getByLabel('Shared secret').fill(app.stack.providerSecret);
    const zone = form.getByLabel('Venue time zone');
    await zone.fill('Mars/Olympus_Mons');
    await expect(form.locator('.field__hint', { hasText: 'Not a time zone name' }).count()).resolves.toBe(1);
    await form.locator('button[type="submit"]').click();
    const refused = form.locator('.field__error');
    await expect(refused.textContent()).resolves.toBe('The server does not know this time zone. Use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC.');
    expect(await zone.getAttribute('aria-invalid')).toBe('true');
    await app.shot(page, 'en-provider-zone-refused');
    expect((await admin<{ providers: ProviderDetails[] }>('GET', '/api/v1/admin/providers')).providers).toEqual([]);

    await zone.fill('Asia/Shanghai');
    await form.locator('.field__hint', { hasText: /^Now \d\d:\d\d GMT\+8 there\./ }).waitFor();
    await app.shot(page, 'en-provider-zone');
    await form.locator('button[type="submit"]').click();
    riverside = (await page.locator('[data-testid="provider-id"]').textContent()) ?? '';
    const { providers } = await admin<{ providers: ProviderDetails[] }>('GET', '/api/v1/admin/providers');
    expect(providers).toEqual([expect.objectContaining({ providerId: riverside, timeZone: 'Asia/Shanghai', timeZoneInUse: 'Asia/Shanghai' })]);

    // The list: the zone with its time now, and the provider reachable with its calls of the last 5 minutes.
    await page.goto(`${app.stack.url}/console/providers`);
    const row = page.locator(`tr[data-provider="${riverside}"]`);
    await expect(row.locator('[data-testid="zone"]').textContent()).resolves.toMatch(/^Asia\/Shanghainow \d\d:\d\d GMT\+8$/);
    const health = row.locator('[data-testid="health"][data-reachable="true"]');
    await expect(health.textContent()).resolves.toMatch(/^● Reachable\d+ calls? in the last 5 min.*p50 [\d.]+ ms · p99 [\d.]+ ms/);
    await app.shot(page, 'en-providers-health');
  });

  it('lists in the audit log who registered the provider and who revoked a station, older entries on request', async () => {
    harbour = (await admin<{ providerId: string }>('POST', '/api/v1/admin/providers', { name: 'Harbour Hall', verifyUrl: app.stack.provider.url, secret: app.stack.providerSecret })).providerId;
    await admin('POST', '/api/v1/admin/staff', { ...VENUE, role: 'venue', providerIds: [riverside] });
    staffToken = (await call<{ token: string }>('', 'POST', '/api/v1/staff/sessions', VENUE)).token;
    const { stationId } = await admin<{ stationId: string }>('POST', '/api/v1/admin/stations', { providerId: riverside, gate: 'North door' });
    await call(staffToken, 'DELETE', `/api/v1/admin/stations/${stationId}`);
    // More than a page of the other venue's entries, so that the newest page holds none of Riverside's.
    for (let i = 1; i <= 55; i++) await admin('POST', '/api/v1/admin/stations', { providerId: harbour, gate: `Gate ${i}` });

    const page = await open('en');
    await page.goto(`${app.stack.url}/console/audit`);
    const rows = page.locator('[data-testid="audit"] tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    // The rows come before the providers' names and zones, which the page reads alongside.
    await expect.poll(() => rows.first().textContent()).toMatch(/Admin tokenStation addeds_[\w-]+Harbour Hallgate: Gate 55$/);
    await page.locator('[data-testid="audit-older"]').click();
    await page.locator('.list-foot', { hasText: 'That is the start of the log.' }).waitFor();
    const all = await admin<{ entries: { auditId: number }[] }>('GET', '/api/v1/admin/audit?limit=500');
    await expect(rows.count()).resolves.toBe(all.entries.length);
    const revoked = page.locator('tr[data-action="station.revoke"]');
    await expect(revoked.locator('[data-testid="audit-who"]').textContent()).resolves.toBe(VENUE.email);
    // A provider's entry is dated in the venue's zone, not the viewer's (Berlin).
    expect(await revoked.locator('[data-testid="audit-when"]').textContent()).toMatch(/GMT\+8$/);
    expect(await revoked.locator('[data-testid="audit-target"]').textContent()).toBe(`${stationId}Riverside Cinema`);
    const registered = page.locator(`tr[data-action="provider.register"]`, { hasText: 'Riverside Cinema' });
    await expect(registered.locator('[data-testid="audit-who"]').textContent()).resolves.toBe('Admin token');
    expect(await registered.locator('[data-testid="audit-action"]').textContent()).toBe('Provider registered');
    expect(await registered.textContent()).toContain('timeZone: Asia/Shanghai');
    // Staff accounts belong to no provider: dated in the viewer's zone, named.
    expect(await page.locator('tr[data-action="staff.create"] [data-testid="audit-when"]').textContent()).toMatch(/GMT\+1$/);

    // Filtered to Riverside: its three entries, newest first.
    await page.locator('[data-testid="audit-provider"]').selectOption(riverside);
    await expect.poll(() => page.locator('[data-testid="audit-action"]').allTextContents()).toEqual(['Station revoked', 'Station added', 'Provider registered']);
    await app.shot(page, 'en-audit');
  });

  it('shows venue staff only their own provider’s entries, in Chinese too', async () => {
    const page = await open('zh-CN', staffToken);
    await page.goto(`${app.stack.url}/console/audit`);
    await page.getByRole('link', { name: '审计日志' }).waitFor();
    const actions = page.locator('[data-testid="audit-action"]');
    await expect.poll(() => actions.allTextContents()).toEqual(['吊销闸机', '添加闸机', '注册票务方']);
    expect(await page.locator('[data-testid="audit"]').textContent()).not.toContain('Harbour Hall');
    // The provider list loads on its own, beside the entries: waited for, not read at once.
    await expect.poll(() => page.locator('[data-testid="audit-provider"] option').allTextContents()).toEqual(['全部票务方', `Riverside Cinema (${riverside})`]);
    await app.shot(page, 'zh-CN-audit');
    // The other venue's entries are refused, not merely hidden.
    const res = await fetch(`${app.stack.url}/api/v1/admin/audit?providerId=${harbour}`, { headers: { authorization: `Bearer ${staffToken}` } });
    expect(res.status).toBe(403);
  });

  it('edits a provider’s zone in the form: set and listed with the time there, an unknown one refused, cleared back to the server’s', async () => {
    // Harbour Hall was registered without a zone: the API names the server's as the one in use.
    const registered = await providerById(harbour);
    expect(registered).toMatchObject({ timeZone: null });
    const serverZone = registered!.timeZoneInUse;
    const page = await open('en');
    await page.goto(`${app.stack.url}/console/providers`);
    const row = page.locator(`tr[data-provider="${harbour}"]`);
    await row.getByRole('link', { name: 'Edit' }).click();
    const form = page.locator('[data-testid="provider-form"]');
    const zone = form.getByLabel('Venue time zone');
    const hint = form.locator('.field', { has: page.locator('[data-testid="time-zone"]') }).locator('.field__hint');
    const submit = () => form.locator('button[type="submit"]').click();
    const saved = form.locator('[role="status"]', { hasText: 'Changes saved.' });
    await expect(zone.inputValue()).resolves.toBe('');

    await zone.fill('Asia/Shanghai');
    await submit();
    await saved.waitFor();
    expect(await providerById(harbour)).toMatchObject({ timeZone: 'Asia/Shanghai', timeZoneInUse: 'Asia/Shanghai' });
    // The list names the zone and the time now there, not in the viewer's Berlin; the minute may turn while it loads.
    const before = clockIn('Asia/Shanghai');
    await page.getByRole('link', { name: 'All providers' }).click();
    const listed = await row.locator('[data-testid="zone"]').textContent();
    expect([before, clockIn('Asia/Shanghai')].map((time) => `Asia/Shanghainow ${time} GMT+8`)).toContain(listed);

    await row.getByRole('link', { name: 'Edit' }).click();
    await zone.fill('Mars/Olympus');
    await expect(hint.textContent()).resolves.toMatch(/^Not a time zone name this browser knows\./);
    await submit();
    await expect(form.locator('.field__error').textContent()).resolves.toBe(
      'The server does not know this time zone. Use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC.',
    );
    expect(await zone.getAttribute('aria-invalid')).toBe('true');
    expect(await saved.count()).toBe(0);
    expect((await providerById(harbour))!.timeZone).toBe('Asia/Shanghai');

    await zone.fill('');
    await submit();
    await saved.waitFor();
    expect(await providerById(harbour)).toMatchObject({ timeZone: null, timeZoneInUse: serverZone });
    // Saved empty, the field says which zone that is: the server's, by name, with its time now.
    const said = (await hint.textContent())?.match(/^Empty: times are shown in the booking server’s zone, (.+) \(now \d\d:\d\d GMT[^)]*\)\.$/);
    expect(said?.[1]).toBe(serverZone);
    expect(await form.locator('.field__error').count()).toBe(0);
    await app.shot(page, 'en-provider-zone-cleared');
    const beforeCleared = clockIn(serverZone);
    await page.getByRole('link', { name: 'All providers' }).click();
    const cleared = await row.locator('[data-testid="zone"]').textContent();
    // The offset's spelling for the server's zone is Chromium's ("GMT", "GMT+1"): only that it is one is checked.
    expect([beforeCleared, clockIn(serverZone)].map((time) => `Server’s zonenow ${time}`)).toContain(cleared?.replace(/ GMT([+-][\d:]+)?$/, ''));
    await app.shot(page, 'en-providers-zone-cleared');
  });

  it('says a provider is unreachable, and why, once its verification server stops, without reloading the page', async () => {
    const page = await open('zh-CN');
    await page.goto(`${app.stack.url}/console/providers`);
    const row = page.locator(`tr[data-provider="${riverside}"]`);
    await row.locator('[data-testid="health"][data-reachable="true"]').waitFor();

    await app.stack.provider.stop();
    // A call the booking server makes to it now fails, and is recorded as the provider's last error.
    const res = await fetch(`${app.stack.url}/api/v1/admin/providers/${riverside}/shows`, { headers: { authorization: `Bearer ${app.stack.adminToken}` } });
    expect(res.ok).toBe(false);
    const down = row.locator('[data-testid="health"][data-reachable="false"]');
    await down.waitFor({ timeout: 20_000 });
    await expect(down.locator('.badge').textContent()).resolves.toBe('✕ 无法连接');
    expect(await down.locator('[data-testid="health-error"]').textContent()).toMatch(/^最近错误：(无法建立连接|未及时应答)，.+前$/);
    await app.shot(page, 'zh-CN-providers-unreachable');

    await page.locator('[data-testid="language"]').selectOption('en');
    await expect(down.locator('[data-testid="health-error"]').textContent()).resolves.toMatch(/^Last error: (could not connect|no answer in time), .+ ago$/);
    await app.shot(page, 'en-providers-unreachable');
  });
});
