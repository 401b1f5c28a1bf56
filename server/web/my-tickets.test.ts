// My tickets for a regular with hundreds of orders, in headless Chromium
// against real processes (a provider with the demo programme and the booking
// server serving the page). Her first order, long ago, is for tonight: it must
// be the first row, and every other ticket one "Show more" away; her inbox holds
// a reminder for each, older ones a button away. Screenshots go to artifacts/web/.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../protocol/booking-api.js';
import { customerPage } from '../../build/assets.js';
import { browserApp } from '../ui-kit/testing/browser-app.js';
import { chromiumMissing } from '../ui-kit/testing/chromium.js';
import { REPO_ROOT } from '../../testing/processes.js';
import { startStack } from './testing/stack.js';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
/** Past what the order list once held (200), which My tickets was built from. */
const ORDERS = 210;
const SEATS = Array.from({ length: 120 }, (_, i) => `${String.fromCharCode(65 + Math.floor(i / 12))}${(i % 12) + 1}`);

/** What the phone's screen shows (the list is far longer than a full-page shot should be). */
const screen = (page: Page, name: string) => page.screenshot({ path: join(REPO_ROOT, 'artifacts', 'web', `${name}.png`) });

const missing = chromiumMissing();
if (missing) console.warn(`skipping the My tickets page tests: ${missing}`);

describe.skipIf(missing !== null)('My tickets with hundreds of orders, in Chromium', () => {
  const app = browserApp({ bundle: customerPage(), artifacts: 'web', start: startStack });
  let token = '';
  const placed: Order[] = [];

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${app.stack.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }
  const order = (showId: string, seat: string) => call<Order>('POST', '/api/v1/orders', { providerId: app.stack.providerId, showId, seats: [seat], payment: { method: 'demo' } });

  beforeAll(async () => {
    token = (await call<{ token: string }>('POST', '/api/v1/users', { email: 'regular@example.com', password: 'a regular at the cinema' })).token;
    placed.push(await order('demo-1', 'J12'));
    const later = Array.from({ length: ORDERS - 1 }, (_, i) => ({ showId: i < SEATS.length ? 'demo-3' : 'demo-2', seat: SEATS[i % SEATS.length]! }));
    for (let i = 0; i < later.length; i += 8) placed.push(...(await Promise.all(later.slice(i, i + 8).map((o) => order(o.showId, o.seat)))));
    await call('POST', `/api/v1/tickets/${placed[1]!.tickets[0]!.ticketId}/cancel`);
  }, 180_000);

  const rows = (page: Page, section: string) => page.locator('section.day', { has: page.getByRole('heading', { name: section }) }).locator('.ticket-row');

  it('shows her ticket for tonight first, and every other one a "Show more" away', async () => {
    const page = await app.open({ ...PHONE, locale: 'en-US' }, { localStorage: { 'gatepost.session': token } });
    await page.goto(`${app.stack.url}/tickets`);
    const upcoming = rows(page, 'Upcoming');
    await upcoming.first().waitFor();
    // Tonight's show, from her very first order.
    expect(await upcoming.first().textContent()).toContain('The Last Lighthouse');
    expect(await upcoming.first().textContent()).toContain('J12');
    expect(await upcoming.count()).toBe(50);
    await screen(page, 'my-tickets-first');
    await page.getByRole('button', { name: 'Show more' }).scrollIntoViewIfNeeded();
    await screen(page, 'my-tickets-more');

    const more = page.getByRole('button', { name: 'Show more' });
    for (let shown = 50; shown < ORDERS - 1; shown = Math.min(shown + 50, ORDERS - 1)) {
      await more.click();
      await expect.poll(() => upcoming.count()).toBe(Math.min(shown + 50, ORDERS - 1));
    }
    await expect.poll(() => more.count()).toBe(0);
    // Every upcoming ticket once (one ticket an order: each row links to its own order); the cancelled one under Past.
    const links = await upcoming.evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    const expected = placed.filter((_, i) => i !== 1).map((o) => `/orders/${o.orderId}`);
    expect(new Set(links)).toEqual(new Set(expected));
    expect(links).toHaveLength(expected.length);
    const past = rows(page, 'Past');
    expect(await past.count()).toBe(1);
    // The badge is seen whole, not cut off with the long title beside it.
    const badge = await past.first().locator('.badge', { hasText: 'Cancelled' }).boundingBox();
    const row = await past.first().locator('.ticket-row__body').boundingBox();
    expect(badge!.x + badge!.width).toBeLessThanOrEqual(row!.x + row!.width);
    await past.first().scrollIntoViewIfNeeded();
    await screen(page, 'my-tickets-end');
    expect(app.pageErrors).toEqual([]);
  }, 60_000);

  it('lists every reminder in her inbox, the older ones a button away', async () => {
    // A week's lead: every ticket she holds is due at the booking server's next reminder pass.
    await call('PUT', '/api/v1/me/reminders', { channels: ['inapp'], leadMinutes: 7 * 24 * 60, language: 'en' });
    // One reminder for each ticket she holds, and the refund notice of the one she cancelled.
    const unread = async () => (await call<{ unread: number }>('GET', '/api/v1/me/messages?limit=1')).unread;
    await expect.poll(unread, { timeout: 40_000, interval: 500 }).toBe(ORDERS);

    const page = await app.open({ ...PHONE, locale: 'en-US' }, { localStorage: { 'gatepost.session': token } });
    const marks: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/api/v1/me/messages/')) marks.push(new URL(r.url()).pathname);
    });
    await page.goto(`${app.stack.url}/reminders`);
    const items = page.locator('.inbox__item');
    await expect.poll(() => items.count()).toBe(100);
    const older = page.getByRole('button', { name: 'Show older reminders' });
    await older.click();
    await expect.poll(() => items.count()).toBe(200);
    await older.click();
    await expect.poll(() => items.count()).toBe(ORDERS);
    await expect.poll(() => older.count()).toBe(0);
    // Each links to its own order: all of hers, once.
    const links = await items.locator('.inbox__link').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(new Set(links)).toEqual(new Set(placed.map((o) => `/orders/${o.orderId}`)));
    await items.last().scrollIntoViewIfNeeded();
    await screen(page, 'inbox-end');
    // Shown is read: every one of them, the older pages too, in one request a page.
    await expect.poll(unread).toBe(0);
    expect(marks).toEqual(['/api/v1/me/messages/read', '/api/v1/me/messages/read', '/api/v1/me/messages/read']);
    expect(app.pageErrors).toEqual([]);
  }, 90_000);
});
