// The console's Live page in headless Chromium against real processes (a
// verification server with the demo programme and a booking server that
// sells with the demo payment): venue staff of the provider open Live, and a
// ticket scanned through a real station token at a gate is counted on the
// page within 2 s, with the gate, the per-minute chart and the last scans; a
// journal conflict is acknowledged from the page. Screenshots en and zh-CN.
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
  const scan = (gate: string, payload: string) => call<{ result: string }>('POST', '/api/v1/station/scan', { payload, providerId, scanId: randomUUID(), source: 'test' }, gates[gate]);

  const open = (locale: string): Promise<Page> =>
    app.open(
      { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, locale, timezoneId: 'Asia/Shanghai' },
      { sessionStorage: { 'gatepost.console.token': staffToken }, localStorage: { 'gatepost.console.lang': locale }, consoleErrors: true },
    );

  beforeAll(async () => {
    providerId = (await call<{ providerId: string }>('POST', '/api/v1/admin/providers', { name: 'Riverside Hall', verifyUrl: app.stack.provider.url, secret: app.stack.providerSecret })).providerId;
    for (const gate of ['North door', 'South door']) {
      const { enrollment } = await call<{ enrollment: string }>('POST', '/api/v1/admin/stations', { providerId, gate });
      gates[gate] = (await call<{ token: string }>('POST', '/api/v1/station/enroll', { enrollment }, '')).token;
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
});
