// The console's Live page in headless Chromium against real processes (a
// verification server with the demo programme and a booking server that
// sells with the demo payment): venue staff of the provider open Live, and a
// ticket scanned through a real station token at a gate is counted on the
// page within 2 s, with the gate, the per-minute chart and the last scans; a
// journal conflict is acknowledged from the page; staff annul an admission
// from the last scans and the ticket scans admitted again. The venue is in
// Asia/Shanghai and the browser elsewhere: times read at the venue's clock.
// Venue staff land on this page. Screenshots en and zh-CN.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { consolePage } from '../../build/assets.js';
import { browserApp } from '../ui-kit/testing/browser-app.js';
import { chromiumMissing } from '../ui-kit/testing/chromium.js';
import { startConsoleStack } from './testing/console-stack.js';

const missing = chromiumMissing();

describe.skipIf(missing !== null)('the Live page in Chromium', { timeout: 90_000 }, () => {
  const app = browserApp({ bundle: consolePage(), artifacts: 'console', start: () => startConsoleStack({ demoPayments: true }), pageTimeout: 15_000 });
  let providerId = '';
  let staffToken = '';
  const gates: Record<string, string> = {};
  const stationIds: Record<string, string> = {};
  const tickets: string[] = [];

  const call = async <T>(method: string, path: string, body?: unknown, token = app.stack.adminToken): Promise<T> => {
    const res = await fetch(`${app.stack.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };
  const scan = (gate: string, payload: string, scanId = randomUUID()) =>
    call<{ result: string }>('POST', '/api/v1/station/scan', { payload, providerId, scanId, source: 'test' }, gates[gate]);

  const open = (locale: string): Promise<Page> =>
    app.open(
      { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale, timezoneId: 'Europe/Berlin' },
      { sessionStorage: { 'gatepost.console.token': staffToken }, localStorage: { 'gatepost.console.lang': locale }, consoleErrors: true },
    );

  beforeAll(async () => {
    providerId = (await call<{ providerId: string }>('POST', '/api/v1/admin/providers', { name: 'Riverside Hall', verifyUrl: app.stack.provider.url, secret: app.stack.providerSecret, timeZone: 'Asia/Shanghai' })).providerId;
    for (const gate of ['North door', 'South door']) {
      const { enrollment } = await call<{ enrollment: string }>('POST', '/api/v1/admin/stations', { providerId, gate });
      const enrolled = await call<{ token: string; stationId: string }>('POST', '/api/v1/station/enroll', { enrollment }, '');
      gates[gate] = enrolled.token;
      stationIds[gate] = enrolled.stationId;
    }
    await call('POST', '/api/v1/admin/staff', { email: 'duty@riverside.example', password: 'correct horse battery', role: 'venue', providerIds: [providerId] });
    staffToken = (await call<{ token: string }>('POST', '/api/v1/staff/sessions', { email: 'duty@riverside.example', password: 'correct horse battery' }, '')).token;
    const user = await call<{ token: string }>('POST', '/api/v1/users', { email: 'fan@example.com', password: 'correct horse battery' }, '');
    const order = await call<{ tickets: { payload: string }[] }>(
      'POST',
      '/api/v1/orders',
      { providerId, showId: 'demo-1', seats: ['B1', 'B2', 'B3', 'B4', 'B5', 'B6'], payment: { method: 'demo' } },
      user.token,
    );
    tickets.push(...order.tickets.map((t) => t.payload));
  }, 180_000);

  it('is where venue staff land: their provider’s show on now, else the next', async () => {
    const page = await open('en');
    await page.goto(`${app.stack.url}/console`);
    await page.waitForURL(/\/console\/live\?provider=[^&]+&show=demo-1$/);
    expect(new URL(page.url()).searchParams.get('provider')).toBe(providerId);
    await page.locator('[data-testid="live-admitted"]').waitFor();
  });

  it('counts a ticket scanned at a station within 2 s, by gate, in the chart and the last scans', async () => {
    const page = await open('en');
    await page.goto(`${app.stack.url}/console/live`);
    const count = page.locator('[data-testid="live-admitted"] .live-count__value');
    await expect.poll(() => count.textContent()).toBe('0');
    await expect.poll(() => page.locator('[data-testid="live-admitted"]').textContent()).toMatch(/of \d+ seats/);
    expect(page.url()).toContain('show=demo-1');

    const scanned = Date.now();
    expect((await scan('North door', tickets[0]!)).result).toBe('admitted');
    await page.waitForFunction(() => document.querySelector('[data-testid="live-admitted"] .live-count__value')?.textContent === '1', undefined, { timeout: 2000 });
    expect(Date.now() - scanned).toBeLessThan(2000);
    await expect.poll(() => page.locator('[data-testid="live-gates"] tbody tr').first().textContent()).toBe('North door10');
    await expect.poll(() => page.locator('[data-testid="live-chart"] canvas').count()).toBe(1);
    expect(await page.locator('[data-testid="live-recent"] tbody tr').first().textContent()).toMatch(/North door.*Admitted/);
  });

  it('shows every time at the venue’s clock with its zone, though the browser is in another zone', async () => {
    const page = await open('en');
    await page.goto(`${app.stack.url}/console/live?provider=${providerId}&show=demo-1`);
    await expect.poll(() => page.locator('[data-testid="live-zone"]').textContent()).toBe('Times are the venue’s: Asia/Shanghai (GMT+8).');
    const shanghai = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Shanghai' });
    const first = page.locator('[data-testid="live-recent"] tbody tr').first().locator('td').first();
    const shown = (await first.textContent())!;
    expect(shown).toMatch(/^\d\d:\d\d:\d\d GMT\+8$/);
    // The scan was moments ago: its hour and minute are Shanghai's now (or a minute before).
    const nowThere = [Date.now(), Date.now() - 60_000].map((ms) => shanghai.format(ms));
    expect(nowThere).toContain(shown.slice(0, 5));
  });

  it('shows denials by reason and a journal conflict until it is acknowledged; screenshots en and zh-CN', async () => {
    expect((await scan('South door', tickets[1]!)).result).toBe('admitted');
    expect((await scan('North door', tickets[2]!)).result).toBe('admitted');
    expect((await scan('South door', tickets[0]!)).result).toBe('rejected');
    expect((await scan('South door', 'NOT-A-TICKET')).result).toBe('rejected');
    await call('POST', '/api/v1/station/journal', { redemptions: [{ scanId: randomUUID(), payload: tickets[1]!, at: Math.floor(Date.now() / 1000) }] }, gates['North door']);

    const page = await open('en');
    await page.goto(`${app.stack.url}/console/live?provider=${providerId}&show=demo-1`);
    await expect.poll(() => page.locator('[data-testid="live-admitted"] .live-count__value').textContent()).toBe('3');
    await expect.poll(() => page.locator('[data-testid="live-denials"]').textContent()).toMatch(/Already used1.*Not a ticket1|Not a ticket1.*Already used1/);
    const conflict = page.locator('[data-testid="live-conflicts"] li');
    await expect.poll(() => conflict.count()).toBe(1);
    expect(await conflict.textContent()).toMatch(/admitted offline at North door .* used at South door/);
    await app.shot(page, 'live-en');

    const zh = await open('zh-CN');
    await zh.goto(`${app.stack.url}/console/live?provider=${providerId}&show=demo-1`);
    await expect.poll(() => zh.locator('[data-testid="live-admitted"]').textContent()).toContain('已入场');
    await expect.poll(() => zh.locator('[data-testid="live-conflicts"] li').count()).toBe(1);
    await app.shot(zh, 'live-zh-CN');

    await conflict.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => conflict.count()).toBe(0);
    // Acknowledged for everyone: the other page hears it from the stream.
    await expect.poll(() => zh.locator('[data-testid="live-conflicts"] li').count(), { timeout: 4000 }).toBe(0);
    expect(app.pageErrors).toEqual([]);
  });

  it('annuls an admission from the last scans after a second click: the count drops and the ticket scans admitted again', async () => {
    const page = await open('en');
    await page.goto(`${app.stack.url}/console/live?provider=${providerId}&show=demo-1`);
    const count = page.locator('[data-testid="live-admitted"] .live-count__value');
    await count.waitFor();
    const before = Number(await count.textContent());
    const scanId = randomUUID();
    expect((await scan('South door', tickets[3]!, scanId)).result).toBe('admitted');
    await expect.poll(() => count.textContent(), { timeout: 4000 }).toBe(String(before + 1));
    const row = page.locator(`tr[data-scan="${stationIds['South door']}/${scanId}"]`);
    await row.waitFor();
    // A rejection has nothing to annul.
    expect(await page.locator('[data-testid="live-recent"] tbody tr', { hasText: 'Denied' }).first().getByRole('button').count()).toBe(0);

    // The provider's server does not answer this once: the sentence says so, and the admission stands.
    await page.route('**/api/v1/admin/scans/*/annul', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'provider_unavailable', message: 'down' }) }),
    );
    await row.getByRole('button', { name: 'Annul' }).click();
    await row.getByText('Let this ticket in again?').waitFor();
    await row.getByRole('button', { name: 'Annul admission' }).click();
    await page.locator('[role="alert"]', { hasText: 'The provider’s verification server is not answering' }).waitFor();
    expect(await count.textContent()).toBe(String(before + 1));
    await page.unroute('**/api/v1/admin/scans/*/annul');

    await row.getByRole('button', { name: 'Annul' }).click();
    await app.shot(page, 'live-annul-confirm-en');
    await row.getByRole('button', { name: 'Annul admission' }).click();
    await page.locator('[role="status"]', { hasText: 'The admission at South door (seat ' }).waitFor();
    await expect.poll(() => row.locator('.badge').textContent()).toBe('Annulled');
    expect(await row.locator('s').textContent()).toBe('Admitted');
    expect(await row.getByRole('button').count()).toBe(0);
    await expect.poll(() => count.textContent(), { timeout: 4000 }).toBe(String(before));
    await app.shot(page, 'live-annulled-en');

    // After a reload the server's list says it: still annulled.
    await page.reload();
    await expect.poll(() => page.locator(`tr[data-scan="${stationIds['South door']}/${scanId}"] .badge`).textContent()).toBe('Annulled');
    // The ticket can be used again.
    expect((await scan('North door', tickets[3]!)).result).toBe('admitted');
    await expect.poll(() => page.locator('[data-testid="live-admitted"] .live-count__value').textContent(), { timeout: 4000 }).toBe(String(before + 1));
    // Chromium logs the 503 answered above as a failed load; nothing else.
    expect(app.pageErrors.filter((e) => !e.includes('status of 503'))).toEqual([]);
  });

  it('offers the show that ended an hour ago and the next day’s, not next week’s nor a cancelled one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const show = (showId: string, startsAt: number) =>
      call('POST', `/api/v1/admin/providers/${providerId}/shows`, { showId, title: showId, hall: 'Hall 2', startsAt, endsAt: startsAt + 7200, priceCents: 900, currency: 'CNY', rows: 1, seatsPerRow: 4 });
    await show('matinee-over', now - 3 * 3600);
    await show('next-week', now + 7 * 86_400);
    await show('called-off', now + 3 * 3600);
    await call('POST', `/api/v1/admin/providers/${providerId}/shows/called-off/cancel`);

    const errorsBefore = app.pageErrors.length;
    const page = await open('en');
    await page.goto(`${app.stack.url}/console/live?provider=${providerId}&show=matinee-over`);
    await page.locator('[data-testid="live-admitted"]').waitFor();
    // The ended show stays chosen: its figures can be looked back on.
    expect(new URL(page.url()).searchParams.get('show')).toBe('matinee-over');
    const offered = await page.locator('[data-testid="live-show"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toContain('matinee-over');
    expect(offered).toContain('demo-1');
    expect(offered).not.toContain('next-week');
    expect(offered).not.toContain('called-off');
    expect(app.pageErrors.slice(errorsBefore)).toEqual([]);
  });
});
