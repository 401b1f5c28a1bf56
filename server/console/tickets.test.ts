// The console's Tickets page in headless Chromium against real processes (a
// booking server and a verification server): venue staff find a ticket by its
// holder's e-mail, open it, read its story as a timeline (issued, admitted at
// Gate X, annulled, admitted again), revoke it with a refund and see it
// refunded. Every time reads at the venue's clock (Asia/Shanghai) though the
// browser runs in another zone. Screenshots, en and zh-CN, go to artifacts/console/.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../protocol/booking-api.js';
import type { ScanVerdict } from '../../protocol/verdict.js';
import { consolePage } from '../../build/assets.js';
import { browserApp } from '../ui-kit/testing/browser-app.js';
import { chromiumMissing } from '../ui-kit/testing/chromium.js';
import { startConsoleStack } from './testing/console-stack.js';

const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const HOLDER = 'mei.lin@example.com';

const missing = chromiumMissing();
if (missing) console.warn(`skipping the console Tickets tests: ${missing}`);

describe.skipIf(missing !== null)('the console’s Tickets page in Chromium', { timeout: 120_000 }, () => {
  const app = browserApp({ bundle: consolePage(), artifacts: 'console', start: () => startConsoleStack({ demoPayments: true }), pageTimeout: 20_000 });
  let staffToken = '';
  let ticketId = '';
  let otherTicketId = '';

  const post = async <T>(path: string, body: unknown, token?: string) => {
    const res = await fetch(`${app.stack.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };

  const open = (locale: string): Promise<Page> =>
    app.open({ ...DESKTOP, locale, timezoneId: 'America/New_York' }, { sessionStorage: { 'gatepost.console.token': staffToken } });
  const shot = app.shot;
  const kinds = (page: Page) => page.locator('[data-testid="timeline"] li').evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));

  beforeAll(async () => {
    // The venue, its desk staff, a customer with two tickets, and Gate X.
    const { providerId } = await post<{ providerId: string }>('/api/v1/admin/providers', { name: 'Riverside Cinema', verifyUrl: app.stack.provider.url, secret: app.stack.providerSecret, timeZone: 'Asia/Shanghai' }, app.stack.adminToken);
    await post('/api/v1/admin/staff', { email: 'desk@riverside.example', password: 'desk-password-01', role: 'venue', providerIds: [providerId] }, app.stack.adminToken);
    staffToken = (await post<{ token: string }>('/api/v1/staff/sessions', { email: 'desk@riverside.example', password: 'desk-password-01' })).token;
    const customer = (await post<{ token: string }>('/api/v1/users', { email: HOLDER, password: 'customer-pass-01' })).token;
    const order = await post<Order>('/api/v1/orders', { providerId, showId: 'demo-1', seats: ['E6', 'E7'], payment: { method: 'demo' } }, customer);
    ticketId = order.tickets.find((t) => /E.?6/.test(t.seat))?.ticketId ?? order.tickets[0]!.ticketId;
    otherTicketId = order.tickets.find((t) => t.ticketId !== ticketId)!.ticketId;
    const payload = order.tickets.find((t) => t.ticketId === ticketId)!.payload;
    const { enrollment } = await post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate: 'Gate X' }, app.stack.adminToken);
    const station = (await post<{ token: string }>('/api/v1/station/enroll', { enrollment })).token;
    const scan = (scanId: string) => post<ScanVerdict>('/api/v1/station/scan', { payload, providerId, scanId }, station);
    expect((await scan('gx-1')).result).toBe('admitted');
    await post('/api/v1/station/annul', { scanId: 'gx-1' }, station);
    expect((await scan('gx-2')).result).toBe('admitted');
  }, 240_000);

  it('finds the tickets by e-mail, shows the story as a timeline at the venue’s clock, and revokes with a refund', async () => {
    const page = await open('en-US');
    await page.goto(`${app.stack.url}/console/tickets`);
    await page.getByRole('link', { name: 'Tickets' }).waitFor();
    const form = page.locator('[data-testid="ticket-search"]');
    await form.getByLabel('Ticket, order, e-mail or seat').fill('  Mei.Lin@Example.com ');
    await form.locator('button[type="submit"]').click();
    const results = page.locator('[data-testid="ticket-results"] tbody tr');
    await page.getByRole('status').filter({ hasText: '2 tickets found' }).waitFor();
    expect(await results.count()).toBe(2);
    await expect(results.first().textContent()).resolves.toContain(HOLDER);
    await shot(page, 'en-tickets-search');

    await page.getByRole('link', { name: ticketId }).click();
    await page.waitForURL(new RegExp(`/console/tickets/${ticketId}`));
    await page.locator('[data-testid="timeline"] li').nth(3).waitFor();
    expect(await kinds(page)).toEqual(['issued', 'admitted', 'annulled', 'admitted']);
    const timeline = page.locator('[data-testid="timeline"]');
    await expect(timeline.textContent()).resolves.toContain('Admitted at Gate X (later annulled)');
    await expect(timeline.textContent()).resolves.toContain('Admission annulled by the station at Gate X');
    // The venue's zone arrives with the provider list: poll until it is there.
    await expect.poll(() => page.locator('[data-testid="time-zone"]').textContent()).toMatch(/^Times in Asia\/Shanghai \(GMT\+8\)$/);
    await expect.poll(() => timeline.locator('.timeline__time').first().textContent()).toMatch(/\d\d:\d\d:\d\d GMT\+8$/);
    await expect(page.locator('[data-testid="ticket-state"]').textContent()).resolves.toBe('Used');
    await shot(page, 'en-ticket-story');

    await page.getByRole('button', { name: 'Revoke and refund' }).click();
    const dialog = page.locator('[data-testid="confirm"]');
    await expect(dialog.textContent()).resolves.toContain(HOLDER);
    await shot(page, 'en-ticket-revoke-confirm');
    await dialog.getByRole('button', { name: 'Revoke and refund' }).click();
    await page.getByRole('status').filter({ hasText: 'The ticket is revoked and refunded.' }).waitFor();
    await page.locator('[data-testid="timeline"] li[data-kind="refund"]').waitFor();
    expect(await kinds(page)).toEqual(['issued', 'admitted', 'annulled', 'admitted', 'revoked', 'refund']);
    await expect(page.locator('[data-testid="ticket-state"]').textContent()).resolves.toBe('Refunded');
    await expect(page.locator('li[data-kind="refund"]').textContent()).resolves.toMatch(/Refund of .*: refunded/);
    expect(await page.getByRole('button', { name: 'Revoke and refund' }).count()).toBe(0);
    await shot(page, 'en-ticket-refunded');

    // Back to the same search: the ticket reads as refunded there too.
    await page.getByRole('link', { name: /Back to the search/ }).click();
    await page.locator('[data-testid="ticket-results"] tr', { hasText: ticketId }).filter({ hasText: 'Refunded' }).waitFor();
    expect(app.pageErrors).toEqual([]);
  });

  it('reads in Chinese', async () => {
    const page = await open('zh-CN');
    await page.goto(`${app.stack.url}/console/tickets?q=${encodeURIComponent(HOLDER)}`);
    await page.locator('[data-testid="ticket-results"] tbody tr').nth(1).waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe('票务查询');
    await shot(page, 'zh-CN-tickets-search');
    await page.getByRole('link', { name: otherTicketId }).click();
    await page.locator('[data-testid="timeline"] li').first().waitFor();
    await expect.poll(() => page.locator('[data-testid="time-zone"]').textContent()).toContain('Asia/Shanghai');
    await expect(page.getByRole('button', { name: '作废并退款' }).count()).resolves.toBe(1);
    await shot(page, 'zh-CN-ticket-story');
    await page.goto(`${app.stack.url}/console/tickets/${ticketId}`);
    await page.locator('[data-testid="timeline"] li[data-kind="refund"]').waitFor();
    await expect(page.locator('[data-testid="ticket-state"]').textContent()).resolves.toBe('已退款');
    await shot(page, 'zh-CN-ticket-refunded');
    expect(app.pageErrors).toEqual([]);
  });
});
