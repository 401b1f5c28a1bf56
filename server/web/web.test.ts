// The customer booking page in headless Chromium against real processes: a
// provider with the demo programme and the booking server serving the page.
// A customer signs up on a phone, picks a seat with the keyboard, pays (demo)
// and gets a ticket with its QR, validity text and PNG; shares it and takes
// the link back; the same ticket reads in Chinese. Screenshots of the show
// list, the seat map and the ticket, phone and desktop, go to artifacts/web/.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../protocol/booking-api.js';
import { customerPage } from '../../build/assets.js';
import { browserApp } from '../ui-kit/testing/browser-app.js';
import { chromiumMissing } from '../ui-kit/testing/chromium.js';
import { startStack, VENUE_TIME_ZONE } from './testing/stack.js';
import { en } from './src/i18n/en.js';
import { paths } from './src/router.js';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
/** The venue's zone; the browser is elsewhere, and the page must still speak the venue's time. */
const TZ = VENUE_TIME_ZONE;
const BROWSER_TZ = 'America/New_York';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SHOW = 'Midnight Orchestra';

const missing = chromiumMissing();
if (missing) console.warn(`skipping the customer page tests: ${missing}`);

/** Intl in Node, for what the page should show in the venue's zone. */
const fmt = (locale: string, epochS: number, opts: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(locale, { ...opts, timeZone: TZ }).format(epochS * 1000).replace(/\s/g, ' ');
const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(missing !== null)('customer booking page in Chromium', () => {
  const app = browserApp({ bundle: customerPage(), artifacts: 'web', start: startStack });
  let session = '';
  let order: Order;

  const open = (opts: { locale: string; device: typeof PHONE | typeof DESKTOP; signedIn?: boolean }): Promise<Page> =>
    app.open({ ...opts.device, locale: opts.locale, timezoneId: BROWSER_TZ, acceptDownloads: true }, opts.signedIn ? { localStorage: { 'gatepost.session': session } } : {});
  const shot = app.shot;

  /** The order's page, signed in. */
  async function openOrder(locale: string, device: typeof PHONE | typeof DESKTOP = PHONE): Promise<Page> {
    const page = await open({ locale, device, signedIn: true });
    await page.goto(`${app.stack.url}/orders/${order.orderId}`);
    return page;
  }

  async function qrLoaded(page: Page, ticketId: string): Promise<number> {
    const img = page.locator(`[data-ticket="${ticketId}"] .ticket__qr img`);
    await img.waitFor();
    await page.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 10_000 });
    return img.evaluate((el) => (el as HTMLImageElement).naturalWidth);
  }

  beforeAll(async () => {
    const home = await fetch(`${app.stack.url}/`);
    if (!/text\/html/.test(home.headers.get('content-type') ?? '')) {
      throw new Error(`the booking server does not serve the page at / (answered ${home.status}): it must call webPage(app) from server/web/serve.ts`);
    }
  });

  it('is served by the booking server at / and at client routes, beside the API', async () => {
    const home = await fetch(`${app.stack.url}/`);
    const html = await home.text();
    expect(home.headers.get('content-type'), 'the booking server must register webPage (server/web/serve.ts)').toMatch(/text\/html/);
    expect(html).toContain('<div id="root">');
    const shared = await fetch(`${app.stack.url}/t/some-share-token`);
    expect(shared.status).toBe(200);
    expect(await shared.text()).toBe(html);
    const api = await fetch(`${app.stack.url}/api/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: 'not_found' });
    expect(await (await fetch(`${app.stack.url}/healthz`)).json()).toEqual({ status: 'ok' });
    // The test built the page before the server started: the server found it fresh.
    expect(app.stack.booking.output.join('\n')).not.toContain('building the customer booking page');
  });

  it('books a seat on a phone and shows the ticket with its QR, validity and PNG', async () => {
    const page = await open({ locale: 'en-US', device: PHONE });
    const orderKeys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/orders')) orderKeys.push(r.headers()['idempotency-key'] ?? '');
    });

    await page.goto(`${app.stack.url}/`);
    await page.locator('.show-card').first().waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe("What's on");
    // The first show starts 30 minutes from now: in the viewer's zone that is
    // today, or tomorrow when the test runs in the last half hour of the day.
    const shows = (await (await fetch(`${app.stack.url}/api/v1/shows`)).json()) as { shows: { title: string; startsAt: number }[] };
    const firstStart = Math.min(...shows.shows.map((s) => s.startsAt));
    const calendarDay = (epochS: number) => fmt('en-CA', epochS, { year: 'numeric', month: '2-digit', day: '2-digit' });
    const firstDay = calendarDay(firstStart) === calendarDay(Date.now() / 1000) ? 'Today' : 'Tomorrow';
    await expect(page.locator('.day__heading').first().textContent()).resolves.toBe(firstDay);
    await expect(page.locator('.day-chip--current .day-chip__name').textContent()).resolves.toBe(firstDay);
    await shot(page, 'phone-shows');
    // The show is two days on: its day is picked from the strip.
    await page.locator(`.day-chip[href="/?day=${calendarDay(shows.shows.find((s) => s.title === SHOW)!.startsAt)}"]`).click();
    const card = page.locator('.show-card', { hasText: SHOW });
    await card.waitFor();

    // The seat map by keyboard: the map is one tab stop; arrows move, Space picks.
    await card.getByRole('link', { name: 'Choose seats' }).click();
    await page.locator('.seat--free').first().waitFor();
    await page.locator('.seat[tabindex="0"]').focus();
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'Space']) await page.keyboard.press(key);
    const picked = page.locator('.seat[aria-pressed="true"]');
    await expect(picked.getAttribute('data-seat')).resolves.toBe('E6');
    await expect(picked.getAttribute('aria-label')).resolves.toBe('Row E, seat 6, selected');
    await expect(page.locator('.selection-bar').textContent()).resolves.toContain('1 seat');
    await page.mouse.move(0, 0); // no hover left over from the tap
    await shot(page, 'phone-seats');

    // Review, sign up on the way, and pay.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Sign in to book' }).click();
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await page.getByLabel('E-mail').fill(`web-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('a long enough password');
    await page.locator('form').getByRole('button', { name: 'Create account' }).click();
    const pay = page.getByRole('button', { name: 'Pay ¥45.00 (demo)' });
    await pay.waitFor();
    await pay.click();

    await page.locator('.ticket').waitFor({ timeout: 20_000 });
    await expect(page.locator('h1').textContent()).resolves.toBe("You're all set!");
    expect(orderKeys).toHaveLength(1);
    expect(orderKeys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    session = (await page.evaluate(() => localStorage.getItem('gatepost.session'))) ?? '';
    const res = await fetch(`${app.stack.url}/api/v1/orders`, { headers: { authorization: `Bearer ${session}` } });
    const { orders } = (await res.json()) as { orders: Order[] };
    expect(orders).toHaveLength(1);
    order = orders[0]!;
    const ticket = order.tickets[0]!;
    expect(ticket.seat).toBe('E6');

    // The validity period in words, with the exact instants behind it.
    const validity = page.locator(`[data-ticket="${ticket.ticketId}"] [data-testid="validity"]`);
    const text = squash(await validity.textContent());
    const day = { weekday: 'short', month: 'short', day: 'numeric' } as const;
    const clock = { hour: 'numeric', minute: '2-digit' } as const;
    expect(text).toMatch(/^Valid from .+ until .+$/);
    expect(text).toContain(fmt('en-US', ticket.validFrom, { ...day, ...clock }));
    expect(text).toContain(fmt('en-US', ticket.validUntil, clock));
    expect(ticket.timeZone).toBe(TZ);
    expect(text, 'the venue\'s zone is named').toContain(fmt('en-US', ticket.validUntil, { ...clock, timeZoneName: 'short' }));
    const instants = await validity.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
    expect(instants).toEqual([new Date(ticket.validFrom * 1000).toISOString(), new Date(ticket.validUntil * 1000).toISOString()]);
    const facts = squash(await page.locator(`[data-ticket="${ticket.ticketId}"]`).textContent());
    for (const fact of [SHOW, 'Demo Cinema', 'Hall 1', 'E6']) expect(facts).toContain(fact);

    expect(await qrLoaded(page, ticket.ticketId)).toBeGreaterThan(0);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ticket (PNG)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    const png = await readFile((await download.path())!);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.length).toBeGreaterThan(2000);
    await shot(page, 'phone-ticket');
  }, 90_000);

  it('shares the ticket by link, and the link stops working when revoked', async () => {
    const ticket = order.tickets[0]!;
    const owner = await openOrder('en-US');
    await owner.getByRole('button', { name: 'Share' }).click();
    const link = await owner.getByLabel('Anyone with this link can see the ticket:').inputValue();
    expect(link).toMatch(/\/t\/[A-Za-z0-9_-]{16,}$/);

    const friend = await open({ locale: 'en-US', device: PHONE });
    await friend.goto(link);
    await friend.locator('.ticket').waitFor();
    expect(squash(await friend.locator('[data-testid="validity"]').textContent())).toMatch(/^Valid from .+ until .+$/);
    expect(await qrLoaded(friend, ticket.ticketId)).toBeGreaterThan(0);
    await shot(friend, 'phone-shared');

    await owner.getByRole('button', { name: 'Stop sharing' }).click();
    await owner.getByText('Sharing stopped').waitFor();
    await friend.reload();
    await friend.getByText("This share link doesn't work any more.").waitFor();
    expect(await friend.locator('.ticket').count()).toBe(0);
  }, 60_000);

  it('lists the ticket under My tickets, and the reminders page never shows a raw error', async () => {
    const page = await open({ locale: 'en-US', device: PHONE, signedIn: true });
    await page.goto(`${app.stack.url}/tickets`);
    const row = page.locator('.ticket-row', { hasText: SHOW });
    await row.waitFor();
    expect(squash(await row.textContent())).toContain('E6');

    await page.goto(`${app.stack.url}/reminders`);
    await page.locator('#inbox-title ~ :is(.notice, .empty, .inbox)').waitFor();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('form .notice').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toMatch(/"error"|not_found|\{/);
  }, 60_000);

  it('reads in Chinese with a zh-CN browser: 有效期 … 至 …', async () => {
    const ticket = order.tickets[0]!;
    const page = await openOrder('zh-CN');
    await page.locator('.ticket').waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe('购票成功！');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    const text = squash(await page.locator('[data-testid="validity"]').textContent());
    expect(text).toMatch(/^有效期 .+ 至 .+$/);
    expect(text).toContain(fmt('zh-CN', ticket.validUntil, { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }));
    expect(await qrLoaded(page, ticket.ticketId)).toBeGreaterThan(0);
    await expect(page.getByRole('button', { name: '下载电子票（PNG）' }).isVisible()).resolves.toBe(true);
    await shot(page, 'zh-phone-ticket');

    await page.goto(`${app.stack.url}/`);
    await page.locator('.show-card').first().waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe('正在热映');
    await shot(page, 'zh-phone-shows');

    // The switch overrides the browser's language, and is remembered.
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe("What's on");
    await page.reload();
    await expect(page.locator('h1').textContent()).resolves.toBe("What's on");
  }, 60_000);

  it('looks right on a desktop: show list, seat map, ticket', async () => {
    const page = await open({ locale: 'en-US', device: DESKTOP, signedIn: true });
    await page.goto(`${app.stack.url}/`);
    await page.locator('.show-card').first().waitFor();
    await shot(page, 'desktop-shows');

    await page.goto(`${app.stack.url}/shows/${app.stack.providerId}/demo-2?seats=F7,F8`);
    await page.locator('.seat-grid .seat--selected').first().waitFor();
    expect(await page.locator('.seat-grid .seat--selected').count()).toBe(2);
    await shot(page, 'desktop-seats');

    await page.goto(`${app.stack.url}/orders/${order.orderId}`);
    await qrLoaded(page, order.tickets[0]!.ticketId);
    await shot(page, 'desktop-ticket');
  }, 60_000);

  it('cancels a ticket before the cutoff: refunded, no QR left, the seat on sale again', async () => {
    const ticket = order.tickets[0]!;
    const page = await openOrder('en-US');
    await qrLoaded(page, ticket.ticketId);
    const card = page.locator(`[data-ticket="${ticket.ticketId}"]`);
    await card.getByRole('button', { name: 'Cancel ticket' }).click();
    await card.getByText('Cancel this ticket? Its price goes back to your payment method').waitFor();
    await shot(page, 'phone-cancel-ask');
    await card.getByRole('button', { name: 'Yes, cancel and refund' }).click();
    await expect(card.getByTestId('refund').textContent()).resolves.toBe('¥45.00 refunded to your payment method.');
    expect(await card.locator('.ticket__qr img').count()).toBe(0);
    await expect(card.locator('.badge').textContent()).resolves.toBe('Cancelled');
    await shot(page, 'phone-cancelled');

    const seats = (await (await fetch(`${app.stack.url}/api/v1/providers/${app.stack.providerId}/shows/${ticket.showId}/seats`)).json()) as { seats: { seatId: string; status: string }[] };
    expect(seats.seats.find((s) => s.seatId === 'E6')?.status).toBe('free');
    // After a reload the order still says so, in Chinese too.
    const zh = await openOrder('zh-CN');
    await expect(zh.locator(`[data-ticket="${ticket.ticketId}"] [data-testid="refund"]`).textContent()).resolves.toBe('已退款 ¥45.00，原路退回。');
    expect(app.pageErrors).toEqual([]);
  }, 60_000);

  it('sends the customer back to the map when a seat was sold meanwhile, nothing charged', async () => {
    const page = await open({ locale: 'en-US', device: PHONE, signedIn: true });
    await page.goto(`${app.stack.url}/shows/${app.stack.providerId}/demo-1?seats=A1&pay=1`);
    const pay = page.getByRole('button', { name: 'Pay ¥45.00 (demo)' });
    await pay.waitFor();
    // Someone else is quicker.
    const rival = await fetch(`${app.stack.url}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
      body: JSON.stringify({ providerId: app.stack.providerId, showId: 'demo-1', seats: ['A1'], payment: { method: 'demo' } }),
    });
    expect(rival.status).toBe(201);
    await pay.click();
    await page.getByText('Sorry, one of your seats was just taken by someone else.').waitFor();
    await page.locator('[data-seat="A1"].seat--sold').waitFor();
    expect(await page.locator('.seat-grid .seat--selected').count()).toBe(0);
    await expect(page.getByRole('button', { name: 'Continue' }).isDisabled()).resolves.toBe(true);
  }, 30_000);

  it('explains a wrong password in words, not as a raw error', async () => {
    const page = await open({ locale: 'en-US', device: PHONE });
    await page.goto(`${app.stack.url}/signin`);
    await page.getByLabel('E-mail').fill('nobody@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.locator('form').getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').locator('.notice__body').textContent()).resolves.toBe('The e-mail address or the password is wrong.');
  }, 30_000);

  it('names a cinema that does not answer in a gentle notice, and still lists the others', async () => {
    const riverside = await app.stack.registerProvider('Riverside Screens', 'http://127.0.0.1:9');
    const page = await open({ locale: 'en-US', device: PHONE });
    await page.goto(`${app.stack.url}/`);
    await page.getByText("Showtimes from Riverside Screens can't be loaded right now.").waitFor();
    // The demo's three days are still there, one showtime each.
    expect(await page.locator('.day-chip').count()).toBe(3);
    expect(await page.locator('.show-card').count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    // A link to one of its showtimes: the cinema is not answering, which is not "no such showtime".
    await page.goto(`${app.stack.url}${paths.seats(riverside, 'late-show')}`);
    await page.getByText("The cinema isn't answering right now.").waitFor();
    expect(await page.getByText(en['seats.unknownShow']).count()).toBe(0);
    // A link to a showtime its cinema no longer sells.
    const demo = ((await (await fetch(`${app.stack.url}/api/v1/shows?day=first`)).json()) as { shows: { providerId: string }[] }).shows[0]!.providerId;
    await page.goto(`${app.stack.url}${paths.seats(demo, 'no-such-show')}`);
    await page.getByText(en['seats.unknownShow']).waitFor();
    expect(app.pageErrors).toEqual([]);
  }, 30_000);
});
